import { sanitizeStorage } from './storage-sanitizer.js';

describe('sanitizeStorage', () => {
  it('keeps the storage subset and Confluence macros', () => {
    const input =
      '<h2>Title</h2><p><strong>b</strong> <a href="https://x.test/">x</a></p>' +
      '<ac:structured-macro ac:name="info"><ac:rich-text-body><p>hi</p></ac:rich-text-body></ac:structured-macro>' +
      '<ac:link><ri:page ri:content-title="Other page" /></ac:link>';
    const out = sanitizeStorage(input);
    expect(out).toContain('<h2>Title</h2>');
    expect(out).toContain('<ac:structured-macro ac:name="info">');
    expect(out).toContain('<ri:page ri:content-title="Other page" />');
  });

  it.each([
    ['<script>alert(1)</script><p>ok</p>', '<p>ok</p>'],
    ['<p onclick="alert(1)">x</p>', '<p>x</p>'],
    ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<img src="x" onerror="alert(1)">', '<img src="x" />'],
    ['<iframe src="https://evil"></iframe>', ''],
    ['<svg><script>alert(1)</script></svg>', ''],
    ['<style>body{}</style><p>x</p>', '<p>x</p>'],
  ])('strips active content from %s', (input, expected) => {
    expect(sanitizeStorage(input)).toBe(expected);
  });

  it('keeps an attachment of another page inside its ri:attachment, and writes a plain one self-closing', () => {
    const other = '<ac:image><ri:attachment ri:filename="chart.png"><ri:page ri:content-title="Reports" ri:space-key="OPS" /></ri:attachment></ac:image>';
    expect(sanitizeStorage(other)).toBe(other);
    expect(sanitizeStorage('<ac:image><ri:attachment ri:filename="a&quot;>b.png"></ri:attachment></ac:image>')).toBe(
      '<ac:image><ri:attachment ri:filename="a&quot;&gt;b.png" /></ac:image>',
    );
  });

  it('turns CDATA code bodies into escaped text', () => {
    const out = sanitizeStorage(
      '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[if (a < b) { x(); }]]></ac:plain-text-body></ac:structured-macro>',
    );
    expect(out).toContain('if (a &lt; b) { x(); }');
    expect(out).not.toContain('CDATA');
  });
});
