import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';
import { createPage, createSpace, limitUsersGroup, pageHtml, post, restrictView } from './helpers/wiki-collab-fixtures.js';

describe('wiki labels: add, remove, label_text for search, pages with a label', () => {
  let t: TestApp;
  let admin: WebSession;
  let alice: WebSession;
  let bob: WebSession;
  let pageId: string;
  let spaceId: number;

  const labelsOf = async (id: string) =>
    (
      await t.db.query(`SELECT l.name FROM page_labels pl JOIN labels l ON l.id = pl.label_id WHERE pl.page_id = $1 ORDER BY l.name`, [id])
    ).map((r: { name: string }) => r.name);
  const labelText = async (id: string) => (await t.db.query(`SELECT label_text FROM pages WHERE id = $1`, [id]))[0].label_text;
  /** Page titles in the label page's table. */
  const listed = (html: string) => [...html.matchAll(/<tr><td><a href="[^"]+">([^<]+)<\/a><\/td>/g)].map((m) => m[1]);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    spaceId = (await createSpace(t, admin, 'DOC', 'Documentation')).id;
    for (const name of ['alice', 'bob']) {
      await createUser(t, { username: name, password: 'Pa55word-long-1', confirmPassword: 'Pa55word-long-1' });
    }
    alice = await loginAs(t, 'alice', 'Pa55word-long-1');
    bob = await loginAs(t, 'bob', 'Pa55word-long-1');
    pageId = await createPage(alice, 'DOC', 'Release process');
  });
  afterAll(() => t.close());

  it('adds labels lower-case, shows them on the page and keeps label_text in sync for search', async () => {
    const res = await post(alice, `/pages/${pageId}/labels`, { labels: 'Release-Notes, howto' });
    expect(res.status).toBe(303);
    expect(await labelsOf(pageId)).toEqual(['howto', 'release-notes']);
    expect(await labelText(pageId)).toBe('howto release-notes');
    const [hit] = await t.db.query(`SELECT search_vector @@ websearch_to_tsquery('english', 'howto') AS hit FROM pages WHERE id = $1`, [pageId]);
    expect(hit.hit).toBe(true);

    // Adding one again changes nothing; adding another keeps the text sorted.
    expect((await post(bob, `/pages/${pageId}/labels`, { labels: 'HOWTO checklist' })).status).toBe(303);
    expect(await labelText(pageId)).toBe('checklist howto release-notes');

    const html = await pageHtml(bob, pageId);
    expect(html).toContain('<a href="/labels/howto" rel="tag">howto</a>');
    expect(html).toContain('<a href="/labels/release-notes" rel="tag">release-notes</a>');
  });

  it('refuses invalid labels with a message and the typed text, writing nothing', async () => {
    const before = { labels: await t.db.query(`SELECT * FROM labels ORDER BY id`), text: await labelText(pageId) };
    const res = await post(alice, `/pages/${pageId}/labels`, { labels: 'fine bad:label' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('&quot;bad:label&quot; is not a valid label');
    expect(res.text).toContain('value="fine bad:label"');
    expect(await t.db.query(`SELECT * FROM labels ORDER BY id`)).toEqual(before.labels);
    expect(await labelText(pageId)).toBe(before.text);
    expect(await labelsOf(pageId)).toEqual(['checklist', 'howto', 'release-notes']);
  });

  it('removes a label and updates label_text', async () => {
    expect((await post(alice, `/pages/${pageId}/labels/checklist/delete`)).status).toBe(303);
    expect(await labelsOf(pageId)).toEqual(['howto', 'release-notes']);
    expect(await labelText(pageId)).toBe('howto release-notes');
    const [hit] = await t.db.query(`SELECT search_vector @@ websearch_to_tsquery('english', 'checklist') AS hit FROM pages WHERE id = $1`, [pageId]);
    expect(hit.hit).toBe(false);
  });

  it('needs edit permission to add or remove labels, and changes nothing when refused', async () => {
    const ro = await createSpace(t, admin, 'RO', 'Read only');
    await limitUsersGroup(t, ro.id, ['view']);
    const roPage = await createPage(admin, 'RO', 'Policies');
    expect((await post(admin, `/pages/${roPage}/labels`, { labels: 'policy' })).status).toBe(303);

    expect((await post(bob, `/pages/${roPage}/labels`, { labels: 'mine' })).status).toBe(403);
    expect((await post(bob, `/pages/${roPage}/labels/policy/delete`)).status).toBe(403);
    expect(await labelsOf(roPage)).toEqual(['policy']);
    expect(await labelText(roPage)).toBe('policy');
    const html = await pageHtml(bob, roPage);
    expect(html).toContain('>policy</a>');
    expect(html).not.toContain('Add labels');

    const secret = await createPage(admin, 'DOC', 'Secret');
    await restrictView(t, secret, 'alice');
    expect((await post(bob, `/pages/${secret}/labels`, { labels: 'leak' })).status).toBe(404);
    expect(await labelsOf(secret)).toEqual([]);
  });

  it('lists only the pages with the label that the viewer may see', async () => {
    const restricted = await createPage(admin, 'DOC', 'Restricted howto');
    await restrictView(t, restricted, 'alice');
    const priv = await createSpace(t, admin, 'PRIV', 'Private');
    await limitUsersGroup(t, priv.id);
    const hidden = await createPage(admin, 'PRIV', 'Private howto');
    const trashed = await createPage(alice, 'DOC', 'Trashed howto');
    for (const id of [restricted, hidden, trashed]) {
      expect((await post(admin, `/pages/${id}/labels`, { labels: 'howto' })).status).toBe(303);
    }
    expect((await post(admin, `/spaces/DOC/pages/${trashed}/delete`)).status).toBe(303);

    expect(listed((await bob.agent.get('/labels/howto').expect(200)).text)).toEqual(['Release process']);
    expect(listed((await alice.agent.get('/labels/HowTo').expect(200)).text)).toEqual(['Release process', 'Restricted howto']);
    expect(listed((await admin.agent.get('/labels/howto').expect(200)).text)).toEqual(['Private howto', 'Release process', 'Restricted howto']);
    // Anonymous visitors see only spaces open to them: here none.
    const anonymous = await new WebSession(t.http).agent.get('/labels/howto').expect(200);
    expect(listed(anonymous.text)).toEqual([]);
    expect(anonymous.text).toContain('No pages you can see have this label.');
    expect((await bob.agent.get('/labels/no%20such').expect(200)).text).toContain('No pages you can see have this label.');
  });

  it('pages through a long list, 50 at a time', async () => {
    await t.db.query(`INSERT INTO labels (name) VALUES ('bulk')`);
    await t.db.query(
      `WITH made AS (
         INSERT INTO pages (space_id, title) SELECT $1, 'Bulk ' || lpad(n::text, 3, '0') FROM generate_series(1, 55) n RETURNING id)
       INSERT INTO page_labels (page_id, label_id) SELECT id, (SELECT id FROM labels WHERE name = 'bulk') FROM made`,
      [spaceId],
    );
    const first = (await bob.agent.get('/labels/bulk').expect(200)).text;
    expect(listed(first)).toEqual(Array.from({ length: 50 }, (_, i) => `Bulk ${String(i + 1).padStart(3, '0')}`));
    expect(first).toContain('href="/labels/bulk?page&#x3D;2"');
    const second = (await bob.agent.get('/labels/bulk?page=2').expect(200)).text;
    expect(listed(second)).toEqual(['Bulk 051', 'Bulk 052', 'Bulk 053', 'Bulk 054', 'Bulk 055']);
    expect(second).toContain('href="/labels/bulk?page&#x3D;1"');
    expect(second).not.toContain('page&#x3D;3');
  });
});
