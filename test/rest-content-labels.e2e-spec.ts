import { createUser } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { createPage, restClient, restrictPage, wikiSnapshot, type RestClient } from './rest-content-fixtures.js';

const BASE = 'http://localhost:8090';
const names = (body: { results: { name: string }[] }) => body.results.map((l) => l.name);

describe('REST labels and spaces', () => {
  let t: TestApp;
  let admin: RestClient;
  let alice: RestClient;
  let bob: RestClient;
  let pageId: string;
  let hidden: string;
  let locked: string;

  async function labelText(id: string): Promise<string> {
    const [row] = await t.db.query(`SELECT label_text FROM pages WHERE id = $1`, [id]);
    return row.label_text;
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = restClient(t, 'admin', ADMIN_PASSWORD);
    await createUser(t, { username: 'alice' });
    await createUser(t, { username: 'bob' });
    alice = restClient(t, 'alice');
    bob = restClient(t, 'bob');
    await admin.post('/rest/api/space', { key: 'DOC', name: 'Documentation', description: { plain: { value: 'Docs for all' } } }).expect(200);
    pageId = await createPage(alice, 'DOC', 'Runbook');
    hidden = await createPage(alice, 'DOC', 'Hidden');
    locked = await createPage(alice, 'DOC', 'Locked');
    await restrictPage(t.db, hidden, 'view', 'alice');
    await restrictPage(t.db, locked, 'edit', 'alice');
  });
  afterAll(() => t.close());

  describe('labels', () => {
    it('adds global labels, lower-cased and deduplicated, and keeps label_text in sync', async () => {
      const res = await bob.post(`/rest/api/content/${pageId}/label`, [{ prefix: 'global', name: 'HowTo' }, { name: 'ops' }, { name: 'howto' }]);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { prefix: 'global', name: 'howto', id: expect.stringMatching(/^\d+$/), label: 'howto' },
        { prefix: 'global', name: 'ops', id: expect.stringMatching(/^\d+$/), label: 'ops' },
      ]);
      expect(res.body.size).toBe(2);
      expect(await labelText(pageId)).toBe('howto ops');
      // A single object works too, and adding an existing label changes nothing.
      await bob.post(`/rest/api/content/${pageId}/label`, { prefix: 'global', name: 'ops' }).expect(200);
      expect(await labelText(pageId)).toBe('howto ops');
      const [{ matches }] = await t.db.query(`SELECT search_vector @@ to_tsquery('english', 'howto') AS matches FROM pages WHERE id = $1`, [pageId]);
      expect(matches).toBe(true);
    });

    it('lists labels, and shows them on content with expand=metadata.labels', async () => {
      const list = await bob.get(`/rest/api/content/${pageId}/label`).expect(200);
      expect(names(list.body)).toEqual(['howto', 'ops']);
      expect(list.body._links.self).toBe(`${BASE}/rest/api/content/${pageId}/label`);
      const paged = await bob.get(`/rest/api/content/${pageId}/label?limit=1`).expect(200);
      expect(names(paged.body)).toEqual(['howto']);
      expect(paged.body._links.next).toContain('start=1');
      const content = await bob.get(`/rest/api/content/${pageId}?expand=metadata.labels`).expect(200);
      expect(names(content.body.metadata.labels)).toEqual(['howto', 'ops']);
      const listed = await bob.get('/rest/api/content?spaceKey=DOC&expand=metadata.labels').expect(200);
      const runbook = listed.body.results.find((r: { id: string }) => r.id === pageId);
      expect(names(runbook.metadata.labels)).toEqual(['howto', 'ops']);
    });

    it('removes a label by path or by ?name=, and 404s for a label the page does not have', async () => {
      await bob.post(`/rest/api/content/${pageId}/label`, [{ name: 'temp' }]).expect(200);
      await bob.delete(`/rest/api/content/${pageId}/label/HOWTO`).expect(204);
      expect(await labelText(pageId)).toBe('ops temp');
      await bob.delete(`/rest/api/content/${pageId}/label?name=temp`).expect(204);
      expect(await labelText(pageId)).toBe('ops');

      const before = await wikiSnapshot(t.db);
      const missing = await bob.delete(`/rest/api/content/${pageId}/label/never-there`);
      expect(missing.status).toBe(404);
      expect(missing.body.message).toContain('never-there');
      await bob.delete(`/rest/api/content/${pageId}/label`).expect(400);
      expect(await wikiSnapshot(t.db)).toEqual(before);
    });

    it.each([
      ['a name with a space', [{ name: 'ok-one' }, { name: 'two words' }], 'contains a space or a comma'],
      ['a forbidden character', [{ name: 'ok-one' }, { name: 'a:b' }], 'is not a valid label'],
      ['another prefix', [{ prefix: 'my', name: 'mine' }], 'only the "global" prefix'],
      ['no name', [{ prefix: 'global' }], 'must be an object with a "name"'],
      ['an empty name', [{ name: '   ' }], 'empty name'],
      ['an empty list', [], 'at least one label'],
      ['a bare string', ['howto'], 'must be an object'],
      ['too many labels at once', Array.from({ length: 101 }, (_, i) => ({ name: `l${i}` })), 'at most 100'],
      ['more labels than a page may have', Array.from({ length: 100 }, (_, i) => ({ name: `l${i}` })), 'A page can have at most 100 labels.'],
    ])('refuses %s with 400, adding none of the labels', async (_name, body, message) => {
      const before = await wikiSnapshot(t.db);
      const [{ n: labelsBefore }] = await t.db.query(`SELECT count(*)::int AS n FROM labels`);
      const res = await bob.post(`/rest/api/content/${pageId}/label`, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
      expect(await wikiSnapshot(t.db)).toEqual(before);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM labels`))[0].n).toBe(labelsBefore);
    });

    it('refuses labels on pages the caller cannot see (404) or edit (403), and anonymous callers (401)', async () => {
      const before = await wikiSnapshot(t.db);
      await bob.get(`/rest/api/content/${hidden}/label`).expect(404);
      await bob.post(`/rest/api/content/${hidden}/label`, [{ name: 'x' }]).expect(404);
      await bob.delete(`/rest/api/content/${hidden}/label/x`).expect(404);
      const noEdit = await bob.post(`/rest/api/content/${locked}/label`, [{ name: 'x' }]);
      expect(noEdit.status).toBe(403);
      await restClient(t).post(`/rest/api/content/${pageId}/label`, [{ name: 'x' }]).expect(401);
      await restClient(t).delete(`/rest/api/content/${pageId}/label/ops`).expect(401);
      expect(await wikiSnapshot(t.db)).toEqual(before);
      // The restricted page's own editor may label it.
      await alice.post(`/rest/api/content/${locked}/label`, [{ name: 'x' }]).expect(200);
      expect(await labelText(locked)).toBe('x');
    });
  });

  describe('spaces', () => {
    it('lists the spaces the caller may view, paged, with description and homepage on request', async () => {
      await admin.post('/rest/api/space', { key: 'ENG', name: 'Engineering' }).expect(200);
      // A space only its creator can see: confluence-users lose view.
      await alice.post('/rest/api/space', { key: 'PRIV', name: 'Private' }).expect(200);
      await t.db.query(`DELETE FROM space_permissions WHERE space_id = (SELECT id FROM spaces WHERE key = 'PRIV') AND group_id IS NOT NULL`);

      const forBob = await bob.get('/rest/api/space').expect(200);
      expect(forBob.body.results.map((s: { key: string }) => s.key)).toEqual(['DOC', 'ENG']);
      expect(forBob.body.results[0]).toMatchObject({
        key: 'DOC',
        name: 'Documentation',
        type: 'global',
        _links: { webui: '/spaces/DOC', self: `${BASE}/rest/api/space/DOC` },
      });
      expect(forBob.body.results[0]).not.toHaveProperty('description');
      expect((await alice.get('/rest/api/space').expect(200)).body.results.map((s: { key: string }) => s.key)).toEqual(['DOC', 'ENG', 'PRIV']);

      const expanded = await bob.get('/rest/api/space?spaceKey=DOC&expand=description.plain,homepage').expect(200);
      expect(expanded.body.results).toHaveLength(1);
      expect(expanded.body.results[0].description.plain).toEqual({ value: 'Docs for all', representation: 'plain', embeddedContent: [] });
      expect(expanded.body.results[0].homepage).toMatchObject({ type: 'page', title: 'Documentation Home' });

      const paged = await bob.get('/rest/api/space?limit=1&start=1').expect(200);
      expect(paged.body.results.map((s: { key: string }) => s.key)).toEqual(['ENG']);
      expect(paged.body._links.prev).toContain('start=0');
      expect((await bob.get('/rest/api/space?spaceKey=DOC&spaceKey=ENG').expect(200)).body.size).toBe(2);
      expect((await bob.get('/rest/api/space?type=personal').expect(200)).body.results).toEqual([]);
    });

    it('reads one space by key, and 404s for a space the caller may not see', async () => {
      const res = await bob.get('/rest/api/space/doc?expand=description').expect(200);
      expect(res.body).toMatchObject({ key: 'DOC', description: { plain: { value: 'Docs for all' } } });
      const hiddenSpace = await bob.get('/rest/api/space/PRIV');
      expect(hiddenSpace.status).toBe(404);
      expect(JSON.stringify(hiddenSpace.body)).not.toContain('Private');
      await alice.get('/rest/api/space/PRIV').expect(200);
      await bob.get('/rest/api/space/NOPE').expect(404);
    });

    it('creates a space with its home page and answers in the space shape', async () => {
      const res = await bob.post('/rest/api/space', { key: 'OPS', name: 'Operations', description: { plain: { value: 'On call', representation: 'plain' } } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ key: 'OPS', name: 'Operations', description: { plain: { value: 'On call' } }, homepage: { title: 'Operations Home' } });
      const [row] = await t.db.query(`SELECT description, homepage_id IS NOT NULL AS home FROM spaces WHERE key = 'OPS'`);
      expect(row).toEqual({ description: 'On call', home: true });
    });

    it.each([
      ['a bad key', { key: 'no spaces!', name: 'X' }, 'The space key uses'],
      ['a duplicate key', { key: 'DOC', name: 'Again' }, 'already exists'],
      ['no name', { key: 'NEW' }, '"key" and "name" are required'],
      ['a description that is not plain', { key: 'NEW', name: 'New', description: 'text' }, '"description" must look like'],
    ])('refuses %s with 400, creating nothing', async (_name, body, message) => {
      const before = await wikiSnapshot(t.db);
      const res = await bob.post('/rest/api/space', body);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
      expect(await wikiSnapshot(t.db)).toEqual(before);
    });
  });
});
