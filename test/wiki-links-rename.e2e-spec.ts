import { Element } from 'domhandler';
import { findAll, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import request from 'supertest';
import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { basicAuth } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import { createPage, createSpace, editPage, limitUsersGroup, pageHtml, post, restrictView } from './helpers/wiki-collab-fixtures.js';

const parse = (html: string) => parseDocument(html, { lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true });

/** The page links a stored body holds, as [space key or null, title]. */
function storedLinks(storage: string): [string | null, string][] {
  return findAll((e) => e.name === 'ri:page', parse(storage).children).map((e) => [e.attribs['ri:space-key'] ?? null, e.attribs['ri:content-title']]);
}

interface RenderedLink {
  href: string | null;
  className: string;
  text: string;
}

/** The links in a rendered page body, in order. */
function renderedLinks(html: string): RenderedLink[] {
  const [body] = findAll((e) => (e.attribs.class ?? '') === 'page-body', parse(html).children);
  if (!body) throw new Error('no page body in the screen');
  return findAll((e) => e.name === 'a', [body]).map((a: Element) => ({
    href: a.attribs.href ?? null,
    className: a.attribs.class ?? '',
    text: textContent(a),
  }));
}

const link = (title: string, key?: string, label?: string) =>
  `<ac:link><ri:page${key ? ` ri:space-key="${key}"` : ''} ri:content-title="${title}" />${label ? `<ac:link-body>${label}</ac:link-body>` : ''}</ac:link>`;

/**
 * Links by title survive renames: bodies that point at the renamed page are rewritten to
 * its new title, links to other pages that share the old title are left alone, and the
 * renderer resolves each link only to a page the viewer may open.
 */
describe('wiki links by title', () => {
  let t: TestApp;
  let admin: WebSession;
  let eve: WebSession;
  const id = {} as Record<'bravo' | 'engBravo' | 'alpha' | 'charlie' | 'delta' | 'secret' | 'hush', string>;
  const body = (pageId: string) => t.db.query(`SELECT body FROM pages WHERE id = $1`, [pageId]).then((rows) => rows[0].body as string);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    await createSpace(t, admin, 'DOC', 'Documentation');
    await createSpace(t, admin, 'ENG', 'Engineering');
    const hush = await createSpace(t, admin, 'HUSH', 'Hush');
    await limitUsersGroup(t, hush.id);
    const user = await createUser(t, { username: 'eve' });
    eve = await loginAs(t, 'eve', user.password);

    id.bravo = await createPage(admin, 'DOC', 'Bravo guide', '<p>The guide.</p>');
    // The same title in another space: a different page that a rename in DOC must not touch.
    id.engBravo = await createPage(admin, 'ENG', 'Bravo guide', '<p>Engineering guide.</p>');
    id.secret = await createPage(admin, 'DOC', 'Secret plans', '<p>Only admins.</p>');
    await restrictView(t, id.secret, 'admin');
    id.hush = await createPage(admin, 'HUSH', 'Hush notes', '<p>Closed space.</p>');
    id.alpha = await createPage(
      admin,
      'DOC',
      'Alpha',
      `<p>${link('Bravo guide')}, ${link('bravo GUIDE', undefined, 'the <strong>guide</strong>')}, ${link('Bravo guide', 'DOC')}, ` +
        `${link('Bravo guide', 'ENG')}, ${link('No such page')}, ${link('Secret plans')}, ${link('Hush notes', 'HUSH')}</p>`,
    );
    id.charlie = await createPage(admin, 'ENG', 'Charlie', `<p>${link('Bravo guide', 'DOC')} and ours: ${link('Bravo guide')}</p>`);
    // Prose that only looks like a link attribute is text, not a link.
    id.delta = await createPage(admin, 'DOC', 'Delta', '<p>Read the Bravo guide: ri:content-title="Bravo guide" is how it is linked.</p>');
  });
  afterAll(() => t.close());

  const bravoUrl = (slug: string) => `/spaces/DOC/pages/${id.bravo}/${slug}`;
  const engBravoUrl = () => `/spaces/ENG/pages/${id.engBravo}/bravo-guide`;

  it('resolves links by title, in any case, in the same space and across spaces', async () => {
    const links = renderedLinks(await pageHtml(admin, id.alpha));
    expect(links.slice(0, 4)).toEqual([
      { href: bravoUrl('bravo-guide'), className: 'page-link', text: 'Bravo guide' },
      { href: bravoUrl('bravo-guide'), className: 'page-link', text: 'the guide' },
      { href: bravoUrl('bravo-guide'), className: 'page-link', text: 'Bravo guide' },
      { href: engBravoUrl(), className: 'page-link', text: 'Bravo guide' },
    ]);
    expect(renderedLinks(await pageHtml(admin, id.charlie))).toEqual([
      { href: bravoUrl('bravo-guide'), className: 'page-link', text: 'Bravo guide' },
      { href: engBravoUrl(), className: 'page-link', text: 'Bravo guide' },
    ]);
  });

  it('renders a link to a title that does not exist as a missing link, without an address', async () => {
    const missing = renderedLinks(await pageHtml(admin, id.alpha))[4];
    expect(missing).toEqual({ href: null, className: 'missing-link', text: 'No such page' });
  });

  it('renders links to pages the viewer may not open as missing, revealing no address', async () => {
    const forAdmin = renderedLinks(await pageHtml(admin, id.alpha)).slice(5);
    expect(forAdmin).toEqual([
      { href: `/spaces/DOC/pages/${id.secret}/secret-plans`, className: 'page-link', text: 'Secret plans' },
      { href: `/spaces/HUSH/pages/${id.hush}/hush-notes`, className: 'page-link', text: 'Hush notes' },
    ]);
    const html = await pageHtml(eve, id.alpha);
    expect(renderedLinks(html).slice(5)).toEqual([
      { href: null, className: 'missing-link', text: 'Secret plans' },
      { href: null, className: 'missing-link', text: 'Hush notes' },
    ]);
    // The visible links still work for eve, and nothing names the hidden pages' ids.
    expect(renderedLinks(html)[0].href).toBe(bravoUrl('bravo-guide'));
    expect(html).not.toContain(`/pages/${id.secret}`);
    expect(html).not.toContain(`/pages/${id.hush}`);
    expect(html).not.toContain('secret-plans');
  });

  it('rewrites links to a renamed page, in its space and from others, and leaves other pages of that title alone', async () => {
    const deltaBefore = await body(id.delta);
    const [alphaBefore] = await t.db.query(`SELECT version, body FROM pages WHERE id = $1`, [id.alpha]);
    const renamed = await editPage(t, admin, id.bravo, '<p>The guide.</p>', { title: 'Bravo handbook' });
    expect(renamed.status).toBe(303);

    // Each rewritten page has a new minor version that says why, by whoever renamed.
    const [latest] = await t.db.query(
      `SELECT v.version, v.minor_edit AS minor, v.change_comment AS comment, u.username FROM page_versions v
         JOIN users u ON u.id = v.author_id WHERE v.page_id = $1 ORDER BY v.version DESC LIMIT 1`,
      [id.alpha],
    );
    expect(latest).toEqual({
      version: alphaBefore.version + 1,
      minor: true,
      comment: 'Links updated: "Bravo guide" was renamed "Bravo handbook".',
      username: 'admin',
    });
    // An editor who opened Alpha before the rename gets the conflict view, not the old links saved back.
    const stale = await post(admin, `/spaces/DOC/pages/${id.alpha}`, { title: 'Alpha', body: alphaBefore.body, baseVersion: String(alphaBefore.version) });
    expect(stale.status).toBe(409);
    expect(storedLinks(await body(id.alpha))[0]).toEqual([null, 'Bravo handbook']);
    expect(renamed.headers.location).toBe(bravoUrl('bravo-handbook'));

    expect(storedLinks(await body(id.alpha))).toEqual([
      [null, 'Bravo handbook'],
      [null, 'Bravo handbook'],
      ['DOC', 'Bravo handbook'],
      ['ENG', 'Bravo guide'],
      [null, 'No such page'],
      [null, 'Secret plans'],
      ['HUSH', 'Hush notes'],
    ]);
    expect(storedLinks(await body(id.charlie))).toEqual([
      ['DOC', 'Bravo handbook'],
      [null, 'Bravo guide'],
    ]);
    expect(await body(id.delta)).toBe(deltaBefore);
    // The link body the author wrote is kept.
    expect(await body(id.alpha)).toContain('<ac:link-body>the <strong>guide</strong></ac:link-body>');

    const alpha = renderedLinks(await pageHtml(eve, id.alpha));
    expect(alpha.slice(0, 5)).toEqual([
      { href: bravoUrl('bravo-handbook'), className: 'page-link', text: 'Bravo handbook' },
      { href: bravoUrl('bravo-handbook'), className: 'page-link', text: 'the guide' },
      { href: bravoUrl('bravo-handbook'), className: 'page-link', text: 'Bravo handbook' },
      { href: engBravoUrl(), className: 'page-link', text: 'Bravo guide' },
      { href: null, className: 'missing-link', text: 'No such page' },
    ]);
    expect(renderedLinks(await pageHtml(eve, id.charlie))).toEqual([
      { href: bravoUrl('bravo-handbook'), className: 'page-link', text: 'Bravo handbook' },
      { href: engBravoUrl(), className: 'page-link', text: 'Bravo guide' },
    ]);
    // The old address still leads to the page.
    const old = await eve.agent.get(bravoUrl('bravo-guide'));
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe(bravoUrl('bravo-handbook'));
  });

  it('keeps links working through a second rename, made over REST', async () => {
    const res = await request(t.http)
      .put(`/rest/api/content/${id.bravo}`)
      .set('Authorization', basicAuth('admin', ADMIN_PASSWORD))
      .send({ type: 'page', title: 'Bravo & co <manual>', version: { number: 3 } });
    expect(res.status).toBe(200);
    expect(storedLinks(await body(id.alpha)).slice(0, 4)).toEqual([
      [null, 'Bravo & co <manual>'],
      [null, 'Bravo & co <manual>'],
      ['DOC', 'Bravo & co <manual>'],
      ['ENG', 'Bravo guide'],
    ]);
    expect(storedLinks(await body(id.charlie))).toEqual([
      ['DOC', 'Bravo & co <manual>'],
      [null, 'Bravo guide'],
    ]);
    const url = bravoUrl('bravo-co-manual');
    expect(renderedLinks(await pageHtml(admin, id.alpha)).slice(0, 4).map((l) => l.href)).toEqual([url, url, url, engBravoUrl()]);
    expect(renderedLinks(await pageHtml(admin, id.charlie)).map((l) => l.href)).toEqual([url, engBravoUrl()]);
  });

  it('renames links only in current pages, and a link to a trashed page renders as missing', async () => {
    const trashedLinker = await createPage(admin, 'DOC', 'Echo', `<p>${link('Delta')}</p>`);
    const token = await admin.csrfToken('/spaces');
    expect((await admin.agent.post(`/spaces/DOC/pages/${trashedLinker}/delete`).type('form').send({ _csrf: token })).status).toBe(303);
    const foxtrot = await createPage(admin, 'DOC', 'Foxtrot', `<p>${link('Echo')}</p>`);
    expect(renderedLinks(await pageHtml(admin, foxtrot))).toEqual([{ href: null, className: 'missing-link', text: 'Echo' }]);

    expect((await editPage(t, admin, id.delta, await body(id.delta), { title: 'Delta renamed' })).status).toBe(303);
    expect(storedLinks(await body(trashedLinker))).toEqual([[null, 'Delta']]);
  });
  it('keeps links working when a page tree moves to another space, both into it and out of it', async () => {
    await createSpace(t, admin, 'OPS', 'Operations');
    const runbook = await createPage(admin, 'DOC', 'Runbook', `<p>${link('Runbook steps')} and ${link('Alpha')}, ${link('Delta renamed', 'DOC')}, ${link('Kilo')}</p>`);
    const steps = await createPage(admin, 'DOC', 'Runbook steps', `<p>Back to ${link('Runbook')}.</p>`, runbook);
    // A trashed page in the moved tree shares its title with a current page that stays in DOC.
    const trashedKilo = await createPage(admin, 'DOC', 'Kilo', '<p>Old.</p>', runbook);
    expect((await post(admin, `/spaces/DOC/pages/${trashedKilo}/delete`)).status).toBe(303);
    const kilo = await createPage(admin, 'DOC', 'Kilo', '<p>Current.</p>');
    const fromDoc = await createPage(admin, 'DOC', 'Golf', `<p>${link('Runbook')}, ${link('Runbook steps', 'DOC')}, ${link('Alpha')}, ${link('Kilo')}</p>`);
    const fromEng = await createPage(admin, 'ENG', 'Hotel', `<p>${link('Runbook', 'DOC')} and ${link('Runbook')}</p>`);
    const engBefore = await body(fromEng);

    const res = await post(admin, `/spaces/DOC/pages/${runbook}/move-form`, { spaceKey: 'OPS', parentTitle: '', position: 'last' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/spaces/OPS/pages/${runbook}/runbook`);

    // Inside the moved tree: links between moved pages stay as written; links to pages left in DOC now name DOC.
    expect(storedLinks(await body(runbook))).toEqual([
      [null, 'Runbook steps'],
      ['DOC', 'Alpha'],
      ['DOC', 'Delta renamed'],
      ['DOC', 'Kilo'],
    ]);
    expect(storedLinks(await body(steps))).toEqual([[null, 'Runbook']]);
    // Outside: links that reached the moved pages through DOC now name OPS; others are untouched.
    expect(storedLinks(await body(fromDoc))).toEqual([
      ['OPS', 'Runbook'],
      ['OPS', 'Runbook steps'],
      [null, 'Alpha'],
      [null, 'Kilo'],
    ]);
    // "Runbook" without a key in ENG meant an ENG page (there is none): it stays as it was.
    expect(storedLinks(await body(fromEng))).toEqual([
      ['OPS', 'Runbook'],
      [null, 'Runbook'],
    ]);
    expect(await body(fromEng)).not.toBe(engBefore);
    const [why] = await t.db.query(`SELECT change_comment AS comment FROM page_versions WHERE page_id = $1 ORDER BY version DESC LIMIT 1`, [fromEng]);
    expect(why.comment).toBe('Links updated: "Runbook" moved from DOC to OPS.');

    const runbookUrl = `/spaces/OPS/pages/${runbook}/runbook`;
    const stepsUrl = `/spaces/OPS/pages/${steps}/runbook-steps`;
    const kiloUrl = `/spaces/DOC/pages/${kilo}/kilo`;
    expect(renderedLinks(await pageHtml(admin, fromDoc)).map((l) => l.href)).toEqual([runbookUrl, stepsUrl, `/spaces/DOC/pages/${id.alpha}/alpha`, kiloUrl]);
    expect(renderedLinks(await pageHtml(admin, runbook)).map((l) => l.href)).toEqual([
      stepsUrl,
      `/spaces/DOC/pages/${id.alpha}/alpha`,
      `/spaces/DOC/pages/${id.delta}/delta-renamed`,
      kiloUrl,
    ]);
    expect(renderedLinks(await pageHtml(admin, steps)).map((l) => l.href)).toEqual([runbookUrl]);
    expect(renderedLinks(await pageHtml(admin, fromEng)).map((l) => l.href)).toEqual([runbookUrl, null]);
  });
});
