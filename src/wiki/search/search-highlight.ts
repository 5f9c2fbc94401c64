/**
 * ts_headline wraps matches in these private-use characters instead of HTML, so that the
 * snippet can be escaped as a whole and only then get its <mark> tags. The SQL removes them
 * from page text first, so a page cannot forge a mark.
 */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * Page text keeps storage-format entities (&lt; &amp; …); turn them back into characters.
 * Never into the match markers, which only ts_headline may place.
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const usable = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && code !== 0xe000 && code !== 0xe001;
    return usable ? String.fromCodePoint(code) : whole;
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A ts_headline result as safe HTML: everything escaped, then the match markers become
 * <mark> elements. Stray or unbalanced markers never produce markup.
 */
export function highlightHtml(headline: string): string {
  const text = headline.replace(/\s+/g, ' ').trim();
  let html = '';
  let open = false;
  for (const part of text.split(/([\uE000\uE001])/)) {
    if (part === MARK_START) {
      if (!open) html += '<mark>';
      open = true;
    } else if (part === MARK_END) {
      if (open) html += '</mark>';
      open = false;
    } else {
      html += escapeHtml(part);
    }
  }
  return open ? `${html}</mark>` : html;
}
