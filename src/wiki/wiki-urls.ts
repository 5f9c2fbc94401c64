/** Page sub-routes (/spaces/KEY/pages/123/<segment>) served by other controllers: never a slug. */
export const PAGE_SUBROUTES: ReadonlySet<string> = new Set(['edit', 'attachments', 'history', 'restrictions', 'move', 'diff', 'draft']);

/** Readable, stable page URLs: /spaces/KEY/pages/123/title-slug (the slug is cosmetic). */
export function slugify(title: string): string {
  const slug =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'page';
  return PAGE_SUBROUTES.has(slug) ? `${slug}-page` : slug;
}

export function pageUrl(spaceKey: string, pageId: number | string, title: string): string {
  return `/spaces/${encodeURIComponent(spaceKey)}/pages/${pageId}/${slugify(title)}`;
}

export function spaceUrl(spaceKey: string): string {
  return `/spaces/${encodeURIComponent(spaceKey)}`;
}

/** An attachment's address; the content renderer and the attachment screens must agree on it. */
export function attachmentUrl(pageId: string, filename: string, version?: number): string {
  return `/pages/${pageId}/attachments/${encodeURIComponent(filename)}${version ? `?version=${version}` : ''}`;
}
