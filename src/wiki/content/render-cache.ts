/**
 * Whether storage renders the same for every viewer: page links resolve to pages the viewer may
 * see, and "Children display" lists the children they may see; everything else is fixed.
 */
export function rendersAlikeForEveryone(storage: string): boolean {
  return !storage.includes('ri:page') && !storage.includes('ac:name="children"');
}

/**
 * Rendered HTML kept per process, the least recently used dropped first, within a budget of
 * characters in all (so large renderings cannot crowd the heap). Keys name the version of what was
 * rendered (a page version, a comment's last edit), so a change is never served stale and every
 * process agrees.
 */
export class RenderCache {
  private readonly entries = new Map<string, string>();
  private chars = 0;

  /** `maxChars`: for all entries together; one rendering above an eighth of it is not kept. */
  constructor(private readonly maxChars: number) {}

  get(key: string): string | undefined {
    const html = this.entries.get(key);
    if (html !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, html);
    }
    return html;
  }

  set(key: string, html: string): void {
    if (html.length > this.maxChars / 8) return;
    const old = this.entries.get(key);
    if (old !== undefined) this.chars -= old.length;
    this.entries.delete(key);
    this.entries.set(key, html);
    this.chars += html.length;
    for (const [oldest, dropped] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= dropped.length;
    }
  }
}
