import { MARK_END, MARK_START, decodeEntities, highlightHtml } from './search-highlight.js';

const hl = (text: string) => `${MARK_START}${text}${MARK_END}`;

describe('decodeEntities', () => {
  it('turns storage-format entities back into characters', () => {
    expect(decodeEntities('a &lt;b&gt; &amp;amp; &quot;c&quot; &#39;d&#x27; &nbsp;')).toBe('a <b> &amp; "c" \'d\' \u00a0');
  });

  it('leaves unknown and impossible references alone, and never yields a match marker', () => {
    expect(decodeEntities('&bogus; &#0; &#x110000; &#xD800; &#57344; &#xE001;')).toBe('&bogus; &#0; &#x110000; &#xD800; &#57344; &#xE001;');
  });
});

describe('highlightHtml', () => {
  it('escapes all text and marks only what ts_headline marked', () => {
    const html = highlightHtml(`<script>alert("x")</script> ${hl('backup')} & 'restore'`);
    expect(html).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>backup</mark> &amp; &#39;restore&#39;');
  });

  it('never leaves a mark open or closes one that was not opened', () => {
    expect(highlightHtml(`${MARK_END}a ${MARK_START}b`)).toBe('a <mark>b</mark>');
    expect(highlightHtml(`${MARK_START}${MARK_START}a${MARK_END}${MARK_END}`)).toBe('<mark>a</mark>');
  });

  it('collapses whitespace left by removed tags', () => {
    expect(highlightHtml('  one \n\n  two  ')).toBe('one two');
  });
});
