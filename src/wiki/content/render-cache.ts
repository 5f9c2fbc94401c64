/**
 * Whether storage renders the same for every viewer: page links resolve to pages the viewer may
 * see, and "Children display" lists the children they may see; everything else is fixed.
 */
export function rendersAlikeForEveryone(storage: string): boolean {
  return !storage.includes('ri:page') && !storage.includes('ac:name="children"');
}

/**
 * Rendered HTML kept per process, the least recently used dropped first. Keys name the version of
 * what was rendered (a page version, a comment's last edit), so a change is never served stale and
 * every process agrees.
 */
export class RenderCache {
  private readonly entries = new Map<string, string>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(key: string): string | undefined {
    const html = this.entries.get(key);
    if (html !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, html);
    }
    return html;
  }

  set(key: string, html: string): void {
    if (html.length > this.maxChars) return;
    this.entries.set(key, html);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
