import { diffStorage, diffText, storageText, type DiffSegment } from './version-diff.js';

const of = (segments: DiffSegment[], kind: DiffSegment['kind']) => segments.filter((s) => s.kind === kind).map((s) => s.text.trim());

describe('storageText', () => {
  it('drops tags, puts each block on its own line and decodes entities', () => {
    expect(storageText('<h1>Intro</h1><p>Fish &amp; <strong>chips</strong></p><ul><li>one</li><li>two</li></ul>')).toBe(
      'Intro\nFish & chips\none\ntwo',
    );
  });

  it('keeps markup-looking text as text, so the diff never carries page HTML', () => {
    expect(storageText('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')).toBe('<script>alert(1)</script>');
  });

  it('names macros, linked pages and attachments, and skips macro parameters', () => {
    const body =
      '<ac:structured-macro ac:name="info"><ac:parameter ac:name="title">T</ac:parameter><ac:rich-text-body><p>Careful</p></ac:rich-text-body></ac:structured-macro>' +
      '<p>See <ac:link><ri:page ri:content-title="Setup" /></ac:link> and <ac:image><ri:attachment ri:filename="a.png" /></ac:image></p>';
    expect(storageText(body)).toBe('[info]\nCareful\nSee Setup and [a.png]');
  });

  it('keeps the line breaks of code blocks', () => {
    expect(storageText('<pre>a\n  b</pre>')).toBe('a\n  b');
  });
});

describe('diffText', () => {
  it('marks inserted and deleted words', () => {
    const diff = diffText('the quick brown fox', 'the slow brown fox jumps');
    expect(diff.changed).toBe(true);
    expect(of(diff.segments, 'del')).toEqual(['quick']);
    expect(of(diff.segments, 'ins')).toEqual(['slow', 'jumps']);
    expect(diff.segments.map((s) => s.text).join('')).toContain('brown fox');
  });

  it('reports no change for equal text', () => {
    expect(diffText('same words', 'same words')).toEqual({
      segments: [],
      changed: false,
      wholeText: false,
    });
  });

  it('shortens long unchanged runs to the context around a change', () => {
    const filler = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const diff = diffText(`${filler} old ${filler}`, `${filler} new ${filler}`);
    expect(of(diff.segments, 'del')).toEqual(['old']);
    expect(of(diff.segments, 'ins')).toEqual(['new']);
    const gaps = diff.segments.filter((s) => s.kind === 'gap');
    expect(gaps).toHaveLength(2);
    expect(gaps[0].text).toMatch(/unchanged characters/);
    expect(diff.segments.reduce((n, s) => n + (s.kind === 'gap' ? 0 : s.text.length), 0)).toBeLessThan(filler.length);
  });
});

describe('diffStorage', () => {
  it('diffs the readable text of two bodies', () => {
    const diff = diffStorage('<p>Install <em>version</em> 1</p>', '<p>Install <em>version</em> 2</p><p>Then run it</p>');
    expect(of(diff.segments, 'del')).toEqual(['1']);
    expect(of(diff.segments, 'ins').join(' ')).toContain('2');
    expect(of(diff.segments, 'ins').join(' ')).toContain('Then run it');
    expect(diff.segments.some((s) => s.text.includes('<'))).toBe(false);
  });
});
