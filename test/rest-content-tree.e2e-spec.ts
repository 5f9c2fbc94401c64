import { createUser } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { allowAnonymousView, createPage, restClient, restrictPage, storage, wikiSnapshot, type RestClient } from './rest-content-fixtures.js';

const ids = (body: { results: { id: string }[] }) => body.results.map((r) => r.id);

describe('REST content: children, history, versions and permission filtering', () => {
  let t: TestApp;
  let admin: RestClient;
  let alice: RestClient;
  let bob: RestClient;
  let anon: RestClient;
  let homeId: string;
  let parentId: string;
  let childA: string;
  let childB: string;
  let secret: string;
  let secretChild: string;
  let locked: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = restClient(t, 'admin', ADMIN_PASSWORD);
    await createUser(t, { username: 'alice', fullName: 'Alice Author' });
    await createUser(t, { username: 'bob', fullName: 'Bob Reader' });
    alice = restClient(t, 'alice');
    bob = restClient(t, 'bob');
    anon = restClient(t);
    homeId = (await admin.post('/rest/api/space', { key: 'DOC', name: 'Documentation' }).expect(200)).body.homepage.id;
    parentId = await createPage(alice, 'DOC', 'Parent', homeId);
    childA = await createPage(alice, 'DOC', 'Child A', parentId);
    childB = await createPage(alice, 'DOC', 'Child B', parentId);
    secret = await createPage(alice, 'DOC', 'Secret plans', parentId);
    secretChild = await createPage(alice, 'DOC', 'Secret detail', secret);
    locked = await createPage(alice, 'DOC', 'Locked page', homeId);
    await restrictPage(t.db, secret, 'view', 'alice');
    await restrictPage(t.db, locked, 'edit', 'alice');
  });
  afterAll(() => t.close());

  it('lists visible children in tree order, in the list envelope', async () => {
    const forAlice = await alice.get(`/rest/api/content/${parentId}/child/page`).expect(200);
    expect(ids(forAlice.body)).toEqual([childA, childB, secret]);
    expect(forAlice.body).toMatchObject({ start: 0, limit: 25, size: 3 });
    const forBob = await bob.get(`/rest/api/content/${parentId}/child/page?expand=version`).expect(200);
    expect(ids(forBob.body)).toEqual([childA, childB]);
    expect(forBob.body.results[0].version.number).toBe(1);

    const paged = await alice.get(`/rest/api/content/${parentId}/child/page?limit=2&start=1`).expect(200);
    expect(ids(paged.body)).toEqual([childB, secret]);

    const child = await bob.get(`/rest/api/content/${parentId}/child?expand=page.body.storage`).expect(200);
    expect(ids(child.body.page)).toEqual([childA, childB]);
    expect(child.body.page.results[0].body.storage.value).toBe('<p>Child A</p>');
    const types = await bob.get(`/rest/api/content/${parentId}/child`).expect(200);
    expect(types.body._expandable.page).toBe(`/rest/api/content/${parentId}/child/page`);
  });

  it('hides a view-restricted page and its subtree from list, children, search and every read by id', async () => {
    for (const id of [secret, secretChild]) {
      for (const path of [`/rest/api/content/${id}`, `/rest/api/content/${id}/child/page`, `/rest/api/content/${id}/history`, `/rest/api/content/${id}/version`, `/rest/api/content/${id}/version/1`, `/rest/api/content/${id}/label`]) {
        const res = await bob.get(path);
        expect(res.status, path).toBe(404);
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expect(JSON.stringify(res.body)).not.toContain('Secret');
      }
      await alice.get(`/rest/api/content/${id}`).expect(200);
    }
    const listed = await bob.get('/rest/api/content?spaceKey=DOC&limit=200').expect(200);
    expect(ids(listed.body)).not.toContain(secret);
    expect(ids(listed.body)).not.toContain(secretChild);
    expect(ids(listed.body)).toContain(childA);
    const byTitle = await bob.get('/rest/api/content?spaceKey=DOC&title=Secret%20plans').expect(200);
    expect(byTitle.body.results).toEqual([]);
    const searched = await bob.get(`/rest/api/content/search?cql=${encodeURIComponent('title ~ secret')}`).expect(200);
    expect(searched.body.results).toEqual([]);
    const forAlice = await alice.get(`/rest/api/content/search?cql=${encodeURIComponent('title ~ secret')}`).expect(200);
    expect(ids(forAlice.body).sort()).toEqual([secret, secretChild].sort());
    // The admin sees everything.
    await admin.get(`/rest/api/content/${secretChild}`).expect(200);
  });

  it('refuses writes to a page the caller cannot see (404) or not edit (403), writing nothing', async () => {
    const before = await wikiSnapshot(t.db);
    const hidden = await bob.put(`/rest/api/content/${secret}`, { type: 'page', title: 'Mine now', version: { number: 2 } });
    expect(hidden.status).toBe(404);
    await bob.delete(`/rest/api/content/${secret}`).expect(404);
    await bob.post('/rest/api/content', { type: 'page', title: 'Under secret', space: { key: 'DOC' }, ancestors: [{ id: secret }] }).expect(404);
    const noEdit = await bob.put(`/rest/api/content/${locked}`, { type: 'page', title: 'Unlocked', version: { number: 2 }, body: storage('<p>x</p>') });
    expect(noEdit.status).toBe(403);
    expect(noEdit.body.message).toContain('edit');
    // A stale version from someone who may not edit is still a 403, not a hint about versions.
    expect((await bob.put(`/rest/api/content/${locked}`, { type: 'page', title: 'Unlocked', version: { number: 7 } })).status).toBe(403);
    expect(await wikiSnapshot(t.db)).toEqual(before);
    await bob.get(`/rest/api/content/${locked}`).expect(200);
  });

  it('shows history and versions newest first, with authors and change comments', async () => {
    await alice.put(`/rest/api/content/${childA}`, { type: 'page', title: 'Child A', version: { number: 2, message: 'second' }, body: storage('<p>2</p>') }).expect(200);
    await admin.put(`/rest/api/content/${childA}`, { type: 'page', title: 'Child A', version: { number: 3, message: 'third', minorEdit: true } }).expect(200);

    const history = await bob.get(`/rest/api/content/${childA}/history`).expect(200);
    expect(history.body).toMatchObject({ latest: true, createdBy: { username: 'alice', displayName: 'Alice Author' }, createdDate: expect.any(String) });
    expect(history.body.createdBy).not.toHaveProperty('email');
    expect(history.body).not.toHaveProperty('lastUpdated');
    const withLast = await bob.get(`/rest/api/content/${childA}/history?expand=lastUpdated`).expect(200);
    expect(withLast.body.lastUpdated).toMatchObject({ number: 3, message: 'third', minorEdit: true, by: { username: 'admin' } });

    const versions = await bob.get(`/rest/api/content/${childA}/version`).expect(200);
    expect(versions.body.results.map((v: { number: number; message: string; by: { username: string } }) => [v.number, v.message, v.by.username])).toEqual([
      [3, 'third', 'admin'],
      [2, 'second', 'alice'],
      [1, '', 'alice'],
    ]);
    const page2 = await bob.get(`/rest/api/content/${childA}/version?limit=1&start=1`).expect(200);
    expect(page2.body.results.map((v: { number: number }) => v.number)).toEqual([2]);
    expect(page2.body._links.next).toContain('start=2');

    const one = await bob.get(`/rest/api/content/${childA}/version/2`).expect(200);
    expect(one.body).toMatchObject({ number: 2, message: 'second', _expandable: { content: `/rest/api/content/${childA}` } });
    await bob.get(`/rest/api/content/${childA}/version/9`).expect(404);
    await bob.get(`/rest/api/content/${childA}/version/x`).expect(404);

    const expanded = await bob.get(`/rest/api/content/${childA}?expand=history.lastUpdated,ancestors`).expect(200);
    expect(expanded.body.history.lastUpdated.number).toBe(3);
    expect(expanded.body.ancestors.map((a: { title: string }) => a.title)).toEqual(['Documentation Home', 'Parent']);
  });

  it('answers anonymous reads with 401 JSON until a space opens to anonymous visitors', async () => {
    for (const path of ['/rest/api/content', `/rest/api/content/${childA}`, '/rest/api/space', `/rest/api/content/search?cql=type=page`]) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/json/);
    }
    await admin.post('/rest/api/space', { key: 'PUB', name: 'Public' }).expect(200);
    const open = await createPage(admin, 'PUB', 'Open page');
    await allowAnonymousView(t.db, 'PUB');

    await anon.get(`/rest/api/content/${open}`).expect(200);
    const listed = await anon.get('/rest/api/content?limit=200').expect(200);
    expect(listed.body.results.map((r: { title: string }) => r.title).sort()).toEqual(['Open page', 'Public Home']);
    const spaces = await anon.get('/rest/api/space').expect(200);
    expect(spaces.body.results.map((s: { key: string }) => s.key)).toEqual(['PUB']);
    // Other spaces stay closed: 401 (log in), never their content.
    await anon.get(`/rest/api/content/${childA}`).expect(401);
    await anon.get('/rest/api/content?spaceKey=DOC').expect(401);
    const before = await wikiSnapshot(t.db);
    await anon.put(`/rest/api/content/${open}`, { type: 'page', title: 'Defaced', version: { number: 2 } }).expect(401);
    expect(await wikiSnapshot(t.db)).toEqual(before);
  });

  it('answers unknown and malformed ids with 404 JSON', async () => {
    for (const path of ['/rest/api/content/999999', '/rest/api/content/abc', '/rest/api/content/1e3/child/page', '/rest/api/content/99999999999999999999']) {
      const res = await alice.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.statusCode).toBe(404);
    }
  });
});
