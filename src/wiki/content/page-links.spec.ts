import { renameLinks, rewritePageLinks } from './page-links.js';

describe('page link rewriting', () => {
  const toOps = (storage: string) => rewritePageLinks(storage, (link) => (link.title === 'Runbook' ? { spaceKey: 'OPS' } : null));

  it('adds or replaces the space key of the links it is told to, and nothing else', () => {
    const body =
      '<p>See <ac:link><ri:page ri:content-title="Runbook" /></ac:link> and ' +
      '<ac:link><ri:page ri:space-key="DOC" ri:content-title="Runbook" /><ac:link-body>the <strong>book</strong></ac:link-body></ac:link>, ' +
      'not <ac:link><ri:page ri:content-title="Other" /></ac:link>.</p>';
    expect(toOps(body)).toBe(
      '<p>See <ac:link><ri:page ri:space-key="OPS" ri:content-title="Runbook" /></ac:link> and ' +
        '<ac:link><ri:page ri:space-key="OPS" ri:content-title="Runbook" /><ac:link-body>the <strong>book</strong></ac:link-body></ac:link>, ' +
        'not <ac:link><ri:page ri:content-title="Other" /></ac:link>.</p>',
    );
  });

  it('returns null when no link changes', () => {
    expect(toOps('<p><ac:link><ri:page ri:content-title="Other" /></ac:link></p>')).toBeNull();
    expect(toOps('<p>ri:content-title="Runbook" in prose</p>')).toBeNull();
  });

  it('writes the tag from its parsed attributes: a title that looks like an attribute stays a title', () => {
    const body = `<ac:link><ri:page ri:content-title="A ri:space-key='Z' &amp; &lt;b&gt;" /></ac:link>`;
    const out = rewritePageLinks(body, () => ({ spaceKey: 'OPS' }));
    expect(out).toBe(`<ac:link><ri:page ri:space-key="OPS" ri:content-title="A ri:space-key='Z' &amp; &lt;b&gt;" /></ac:link>`);
  });

  it('renames links that resolve to the page, whatever their case, in the body space or by key', () => {
    const body = '<ac:link><ri:page ri:content-title="bravo GUIDE" /></ac:link><ac:link><ri:page ri:space-key="ENG" ri:content-title="Bravo guide" /></ac:link>';
    expect(renameLinks(body, 'DOC', { spaceKey: 'DOC', title: 'Bravo guide' }, 'Bravo & co')).toBe(
      '<ac:link><ri:page ri:content-title="Bravo &amp; co" /></ac:link><ac:link><ri:page ri:space-key="ENG" ri:content-title="Bravo guide" /></ac:link>',
    );
  });
});
