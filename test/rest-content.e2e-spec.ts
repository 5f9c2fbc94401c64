import { USER_PASSWORD, createUser } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';
import { restClient, storage, wikiSnapshot, type RestClient } from './rest-content-fixtures.js';

const BASE = 'http://localhost:8090';

describe('REST content: create, read, update, delete in Confluence shapes', () => {
  let t: TestApp;
  let admin: RestClient;
  let alice: RestClient;
  let homeId: string;
  let pageId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = restClient(t, 'admin', ADMIN_PASSWORD);
    await createUser(t, { username: 'alice', fullName: 'Alice Author' });
    alice = restClient(t, 'alice');
    const space = await admin.post('/rest/api/space', { key: 'DOC', name: 'Documentation', description: { plain: { value: 'All the docs' } } });
    expect(space.status).toBe(200);
    homeId = space.body.homepage.id;
  });
  afterAll(() => t.close());

  it('creates a page under a parent, sanitising the storage body, and answers with the full content', async () => {
    const res = await alice.post('/rest/api/content', {
      type: 'page',
      title: 'Setup guide',
      space: { key: 'DOC' },
      ancestors: [{ id: homeId }],
      body: storage('<p>Install it.</p><script>alert(1)</script><img src="x" onerror="alert(2)">'),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    pageId = res.body.id;
    expect(pageId).toMatch(/^\d+$/);
    expect(res.body).toMatchObject({
      id: pageId,
      type: 'page',
      status: 'current',
      title: 'Setup guide',
      space: { key: 'DOC', name: 'Documentation', type: 'global' },
      version: { number: 1, minorEdit: false, by: { type: 'known', username: 'alice', displayName: 'Alice Author' } },
      history: { latest: true, createdBy: { username: 'alice' } },
      ancestors: [{ id: homeId, type: 'page', title: 'Documentation Home' }],
      body: { storage: { representation: 'storage' } },
      _links: { webui: `/spaces/DOC/pages/${pageId}/setup-guide`, self: `${BASE}/rest/api/content/${pageId}`, base: BASE, context: '' },
    });
    const stored = res.body.body.storage.value as string;
    expect(stored).toContain('<p>Install it.</p>');
    expect(stored).not.toMatch(/script|onerror|alert/);
    // The author sees their own email; the page's stored row is what was answered.
    expect(res.body.version.by.email).toBe('alice@example.com');
    const [row] = await t.db.query(`SELECT parent_id::text AS parent, body, version FROM pages WHERE id = $1`, [pageId]);
    expect(row).toEqual({ parent: homeId, body: stored, version: 1 });
  });

  it('reads a page with Confluence default expansions, and the body only when asked', async () => {
    const plain = await alice.get(`/rest/api/content/${pageId}`).expect(200);
    expect(plain.body).toMatchObject({ id: pageId, space: { key: 'DOC' }, version: { number: 1 }, history: { createdBy: { username: 'alice' } } });
    expect(plain.body).not.toHaveProperty('body');
    expect(plain.body).not.toHaveProperty('ancestors');
    expect(plain.body._expandable).toMatchObject({ body: '', ancestors: '', children: `/rest/api/content/${pageId}/child` });

    const withBody = await alice.get(`/rest/api/content/${pageId}?expand=body.storage,ancestors`).expect(200);
    expect(withBody.body.body.storage).toMatchObject({ value: expect.stringContaining('Install it.'), representation: 'storage' });
    expect(withBody.body.body._expandable).toHaveProperty('view');
    expect(withBody.body.ancestors.map((a: { id: string }) => a.id)).toEqual([homeId]);
    // Asking for something replaces the defaults, as in Confluence.
    expect(withBody.body).not.toHaveProperty('version');
    expect(withBody.body._expandable.version).toBe('');

    const view = await alice.get(`/rest/api/content/${pageId}?expand=body.view`).expect(200);
    expect(view.body.body.view).toMatchObject({ value: expect.stringContaining('Install it.'), representation: 'view' });
    expect(view.body.body).not.toHaveProperty('storage');
  });

  it('lists pages by space and title in the list envelope, minimal unless expanded, with paging links', async () => {
    const byTitle = await alice.get('/rest/api/content?spaceKey=DOC&title=setup%20guide').expect(200);
    expect(byTitle.body).toMatchObject({ start: 0, limit: 25, size: 1, _links: { base: BASE, context: '' } });
    expect(byTitle.body.results).toHaveLength(1);
    expect(Object.keys(byTitle.body.results[0]).sort()).toEqual(['_expandable', '_links', 'extensions', 'id', 'status', 'title', 'type']);

    const first = await alice.get('/rest/api/content?spaceKey=doc&limit=1&expand=version,body.storage').expect(200);
    expect(first.body.results.map((r: { id: string }) => r.id)).toEqual([homeId]);
    expect(first.body.results[0]).toMatchObject({ version: { number: 1 }, body: { storage: { value: expect.any(String) } } });
    expect(first.body._links.next).toBe('/rest/api/content?spaceKey=doc&expand=version%2Cbody.storage&limit=1&start=1');
    const second = await alice.get(first.body._links.next).expect(200);
    expect(second.body.results.map((r: { id: string }) => r.id)).toEqual([pageId]);
    expect(second.body._links).not.toHaveProperty('next');
    expect(second.body._links.prev).toContain('start=0');

    // Limits are capped, not refused: 200 at most, 50 when bodies come along.
    expect((await alice.get('/rest/api/content?limit=5000').expect(200)).body.limit).toBe(200);
    expect((await alice.get('/rest/api/content?limit=200&expand=body.storage').expect(200)).body.limit).toBe(50);
    const blog = await alice.get('/rest/api/content?type=blogpost&spaceKey=DOC').expect(200);
    expect(blog.body.results).toEqual([]);
    await alice.get('/rest/api/content?limit=-1').expect(400);
    await alice.get('/rest/api/content?type=whiteboard').expect(400);
  });

  it('updates with version.number = current + 1, keeping the change comment as a version', async () => {
    const res = await alice.put(`/rest/api/content/${pageId}`, {
      type: 'page',
      title: 'Setup guide v2',
      version: { number: 2, message: 'Clarified install', minorEdit: true },
      body: storage('<p>Install it twice.</p>'),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: pageId,
      title: 'Setup guide v2',
      version: { number: 2, message: 'Clarified install', minorEdit: true, by: { username: 'alice' } },
      body: { storage: { value: '<p>Install it twice.</p>' } },
    });
    const versions = await t.db.query(
      `SELECT version, title, change_comment AS c, minor_edit AS m FROM page_versions WHERE page_id = $1 ORDER BY version`,
      [pageId],
    );
    expect(versions).toEqual([
      { version: 1, title: 'Setup guide', c: '', m: false },
      { version: 2, title: 'Setup guide v2', c: 'Clarified install', m: true },
    ]);

    // A title-only update keeps the body, as scripts that rename rely on.
    const renamed = await alice.put(`/rest/api/content/${pageId}`, { type: 'page', title: 'Setup guide', version: { number: 3 } }).expect(200);
    expect(renamed.body.body.storage.value).toBe('<p>Install it twice.</p>');
  });

  it('answers a stale or skipped version number with 409 and writes nothing', async () => {
    const before = await wikiSnapshot(t.db);
    for (const number of [3, 2, 9]) {
      const res = await alice.put(`/rest/api/content/${pageId}`, { type: 'page', title: 'Lost edit', version: { number }, body: storage('<p>lost</p>') });
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({ statusCode: 409, message: 'Version must be incremented on update. Current version is: 3' });
    }
    expect(await wikiSnapshot(t.db)).toEqual(before);
  });

  it.each([
    ['no version', { type: 'page', title: 'X' }, '"version" must be a JSON object.'],
    ['a string version number', { type: 'page', title: 'X', version: { number: '4' } }, '"version.number"'],
    ['no title', { type: 'page', version: { number: 4 } }, '"title" is required.'],
    ['another representation', { type: 'page', title: 'X', version: { number: 4 }, body: { storage: { value: 'h1. x', representation: 'wiki' } } }, 'representation'],
    ['a body that is not a string', { type: 'page', title: 'X', version: { number: 4 }, body: { storage: { value: 5, representation: 'storage' } } }, 'body.storage.value'],
    ['a blog post', { type: 'blogpost', title: 'X', version: { number: 4 } }, '"type" must be "page"'],
    ['a move through ancestors', { type: 'page', title: 'X', version: { number: 4 }, ancestors: [] }, 'Moving a page'],
    ['a move to another space', { type: 'page', title: 'X', version: { number: 4 }, space: { key: 'OTHER' } }, 'Moving a page to another space'],
    ['an empty title', { type: 'page', title: '  ', version: { number: 4 } }, 'Enter a title.'],
    ['an array body', [{ type: 'page' }], 'must be a JSON object'],
  ])('refuses an update with %s as 400 JSON, writing nothing', async (_name, body, message) => {
    const before = await wikiSnapshot(t.db);
    const res = await alice.put(`/rest/api/content/${pageId}`, body);
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.message).toContain(message);
    expect(await wikiSnapshot(t.db)).toEqual(before);
  });

  it.each([
    ['no space', { type: 'page', title: 'New' }, 400, '"space" must be a JSON object.'],
    ['an unknown space', { type: 'page', title: 'New', space: { key: 'NOPE' } }, 404, 'no space'],
    ['a duplicate title', { type: 'page', title: 'setup GUIDE', space: { key: 'DOC' } }, 400, 'already exists'],
    ['a parent in no space of ours', { type: 'page', title: 'New', space: { key: 'DOC' }, ancestors: [{ id: '999999' }] }, 400, 'parent page does not exist'],
    ['a bad ancestor id', { type: 'page', title: 'New', space: { key: 'DOC' }, ancestors: [{ id: 'x' }] }, 400, 'not a content id'],
    ['a draft status', { type: 'page', status: 'draft', title: 'New', space: { key: 'DOC' } }, 400, '"status" must be "current"'],
    ['a title too long', { type: 'page', title: 'x'.repeat(256), space: { key: 'DOC' } }, 400, 'at most 255'],
  ])('refuses a create with %s, writing nothing', async (_name, body, status, message) => {
    const before = await wikiSnapshot(t.db);
    const res = await alice.post('/rest/api/content', body);
    expect(res.status).toBe(status);
    expect(res.body.message).toContain(message);
    expect(await wikiSnapshot(t.db)).toEqual(before);
  });

  it('refuses malformed JSON with 400 JSON', async () => {
    const before = await wikiSnapshot(t.db);
    const res = await alice.post('/rest/api/content', '{"type": "page",').set('Content-Type', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(await wikiSnapshot(t.db)).toEqual(before);
  });

  it('deletes to the trash with 204, then 404s; needs the delete permission; the home page stays; purges with status=trashed', async () => {
    const id = (await alice.post('/rest/api/content', { type: 'page', title: 'Doomed', space: { key: 'DOC' } }).expect(200)).body.id;
    // confluence-users may view and edit, not delete (the space's defaults).
    let before = await wikiSnapshot(t.db);
    const refused = await alice.delete(`/rest/api/content/${id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('delete');
    expect(await wikiSnapshot(t.db)).toEqual(before);

    const res = await admin.delete(`/rest/api/content/${id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const [row] = await t.db.query(`SELECT status FROM pages WHERE id = $1`, [id]);
    expect(row.status).toBe('trashed');
    const [audit] = await t.db.query(`SELECT action FROM audit_log WHERE page_id = $1 ORDER BY id DESC LIMIT 1`, [id]);
    expect(audit.action).toBe('page.deleted');
    await alice.get(`/rest/api/content/${id}`).expect(404);
    await admin.delete(`/rest/api/content/${id}`).expect(404);

    before = await wikiSnapshot(t.db);
    const home = await admin.delete(`/rest/api/content/${homeId}`);
    expect(home.status).toBe(400);
    expect(home.body.message).toContain('home page');
    // Purging is for space admins.
    expect((await alice.delete(`/rest/api/content/${id}?status=trashed`)).status).toBe(403);
    expect(await wikiSnapshot(t.db)).toEqual(before);
    await admin.delete(`/rest/api/content/${id}?status=trashed`).expect(204);
    expect(await t.db.query(`SELECT 1 FROM pages WHERE id = $1`, [id])).toEqual([]);
  });

  it('refuses writes without credentials (401) and with a session but no CSRF token (403)', async () => {
    const before = await wikiSnapshot(t.db);
    const anon = restClient(t);
    const res = await anon.post('/rest/api/content', { type: 'page', title: 'Anon', space: { key: 'DOC' } });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    await anon.put(`/rest/api/content/${pageId}`, { type: 'page', title: 'Anon', version: { number: 4 } }).expect(401);
    await anon.delete(`/rest/api/content/${pageId}`).expect(401);
    await restClient(t, 'alice', 'wrong-password').post('/rest/api/content', { type: 'page', title: 'Anon', space: { key: 'DOC' } }).expect(401);
    const browser = new WebSession(t.http);
    expect((await browser.login('alice', USER_PASSWORD)).status).toBe(303);
    const csrf = await browser.agent.post('/rest/api/content').send({ type: 'page', title: 'Forged', space: { key: 'DOC' } });
    expect(csrf.status).toBe(403);
    expect(await wikiSnapshot(t.db)).toEqual(before);
    // The same session reads without a token.
    await browser.agent.get(`/rest/api/content/${pageId}`).expect(200);
  });
});
