import { findAll } from 'domutils';
import { parseDocument } from 'htmlparser2';

/** A page link in storage format: `<ri:page ri:space-key="KEY" ri:content-title="Title" />`. */
export interface PageLinkRef {
  /** Null when the link leaves it out: then it means the space of the page holding the link. */
  spaceKey: string | null;
  title: string;
}

/** Escapes an attribute value as the storage sanitiser writes it. */
function attributeValue(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The page links in a body, as written. */
export function linkedTitles(storage: string): PageLinkRef[] {
  const doc = parseDocument(storage, { lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true });
  return findAll((e) => e.name === 'ri:page', doc.children).map((e) => ({
    title: e.attribs['ri:content-title'] ?? '',
    spaceKey: e.attribs['ri:space-key'] || null,
  }));
}

/**
 * The body with some page links changed, or null when `change` changes none. `change` sees each
 * link as written and returns the new space key and/or title, or null to leave it. Only those
 * ri:page tags are rewritten (as self-closing tags); every other character of the body stays as it was.
 */
export function rewritePageLinks(
  storage: string,
  change: (link: PageLinkRef) => { spaceKey?: string; title?: string } | null,
): string | null {
  const doc = parseDocument(storage, {
    lowerCaseTags: true,
    lowerCaseAttributeNames: true,
    recognizeSelfClosing: true,
    withStartIndices: true,
    withEndIndices: true,
  });
  let out = '';
  let at = 0;
  for (const link of findAll((e) => e.name === 'ri:page', doc.children)) {
    const to = change({ spaceKey: link.attribs['ri:space-key'] || null, title: link.attribs['ri:content-title'] ?? '' });
    if (!to) continue;
    // The tag is written anew from its parsed attributes, so no value can be mistaken for another.
    const attribs: Record<string, string> = {};
    if (to.spaceKey !== undefined && !('ri:space-key' in link.attribs)) attribs['ri:space-key'] = to.spaceKey;
    for (const [name, value] of Object.entries(link.attribs)) attribs[name] = value;
    if (to.spaceKey !== undefined) attribs['ri:space-key'] = to.spaceKey;
    if (to.title !== undefined) attribs['ri:content-title'] = to.title;
    const tag = `<ri:page${Object.entries(attribs)
      .map(([name, value]) => ` ${name}="${attributeValue(value)}"`)
      .join('')} />`;
    out += storage.slice(at, link.startIndex!) + tag;
    at = link.endIndex! + 1;
  }
  return at === 0 ? null : out + storage.slice(at);
}

/**
 * The body with each page link that resolves to `target` (as links resolve: the link's
 * space key or the body's own, the title in any case) renamed to `newTitle`, or null when
 * none does.
 */
export function renameLinks(storage: string, ownSpaceKey: string, target: { spaceKey: string; title: string }, newTitle: string): string | null {
  return rewritePageLinks(storage, (link) =>
    (link.spaceKey ?? ownSpaceKey).toUpperCase() === target.spaceKey.toUpperCase() &&
    link.title.toLowerCase() === target.title.toLowerCase()
      ? { title: newTitle }
      : null,
  );
}
