import { createUser } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { createPage, restClient, restrictPage, type RestClient } from './rest-content-fixtures.js';

describe('REST content search with CQL', () => {
  let t: TestApp;
  let alice: RestClient;
  let bob: RestClient;
  const id: Record<string, string> = {};

  /** Titles of the results, in the order the API gave them. */
  async function search(client: RestClient, cql: string, extra = ''): Promise<string[]> {
    const res = await client.get(`/rest/api/content/search?cql=${encodeURIComponent(cql)}${extra}`);
    expect(res.status, `${cql}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body.results.map((r: { title: string }) => r.title);
  }

  beforeAll(async () => {
    t = await startTestApp();
    const admin = restClient(t, 'admin', ADMIN_PASSWORD);
    await createUser(t, { username: 'alice' });
    await createUser(t, { username: 'bob' });
    alice = restClient(t, 'alice');
    bob = restClient(t, 'bob');
    for (const [key, name] of [['DOC', 'Documentation'], ['ENG', 'Engineering'], ['HR', 'People']]) {
      await admin.post('/rest/api/space', { key, name }).expect(200);
    }
    id.deploy = await createPage(alice, 'DOC', 'Deploy guide', undefined, '<p>How we ship to kubernetes clusters.</p>');
    id.deployStep = await createPage(alice, 'DOC', 'Deploy steps', id.deploy, '<p>Run the pipeline.</p>');
    id.kube = await createPage(bob, 'ENG', 'Kubernetes', undefined, '<p>Our cluster notes.</p>');
    id.mention = await createPage(bob, 'ENG', 'Release notes 50%_off', undefined, '<p>Mentions kubernetes once.</p>');
    id.secret = await createPage(alice, 'ENG', 'Kubernetes secrets', undefined, '<p>kubernetes tokens</p>');
    id.people = await createPage(alice, 'HR', 'Holidays', undefined, '<p>Time off.</p>');
    await restrictPage(t.db, id.secret, 'view', 'alice');
    await alice.post(`/rest/api/content/${id.deploy}/label`, [{ prefix: 'global', name: 'howto' }, { name: 'ops' }]).expect(200);
    await bob.post(`/rest/api/content/${id.kube}/label`, [{ name: 'ops' }]).expect(200);
    // Dates to filter on: one page last changed long ago.
    await t.db.query(`UPDATE pages SET created_at = '2020-03-01T10:00:00Z', updated_at = '2020-03-02T10:00:00Z' WHERE id = $1`, [id.people]);
  });
  afterAll(() => t.close());

  it('filters by type and space, one space or several', async () => {
    expect((await search(bob, 'type = page AND space = DOC order by title')).sort()).toEqual(['Deploy guide', 'Deploy steps', 'Documentation Home']);
    const several = await search(bob, 'type=page and space in (eng, "HR") order by title');
    expect(several).toEqual(['Engineering Home', 'Holidays', 'Kubernetes', 'People Home', 'Release notes 50%_off']);
    expect(await search(bob, 'type = blogpost')).toEqual([]);
  });

  it('matches titles exactly with = and by substring or wildcard with ~', async () => {
    expect(await search(bob, 'title = "deploy GUIDE"')).toEqual(['Deploy guide']);
    expect(await search(bob, 'title ~ "deploy" order by title')).toEqual(['Deploy guide', 'Deploy steps']);
    expect(await search(bob, 'title ~ "d*y s?eps"')).toEqual(['Deploy steps']);
    // LIKE characters in the value are literal.
    expect(await search(bob, 'title ~ "50%_"')).toEqual(['Release notes 50%_off']);
    expect(await search(bob, 'title ~ "5%"')).toEqual([]);
  });

  it('searches text with websearch syntax, ranked title first, inside the permission filter', async () => {
    const ranked = await search(bob, 'text ~ "kubernetes"');
    expect(ranked[0]).toBe('Kubernetes');
    expect(ranked.sort()).toEqual(['Deploy guide', 'Kubernetes', 'Release notes 50%_off']);
    expect((await search(alice, 'text ~ kubernetes')).sort()).toEqual(['Deploy guide', 'Kubernetes', 'Kubernetes secrets', 'Release notes 50%_off']);
    expect((await search(bob, 'text ~ "kubernetes -cluster"')).sort()).toEqual(['Release notes 50%_off']);
    expect(await search(bob, 'text ~ "tokens"')).toEqual([]);
    // Labels are searchable text too (pages.label_text).
    expect(await search(bob, 'text ~ howto')).toEqual(['Deploy guide']);
  });

  it('filters by label, id, parent, ancestor, creator and dates, combined with AND, OR and NOT', async () => {
    expect(await search(bob, 'label = howto')).toEqual(['Deploy guide']);
    expect((await search(bob, 'label in (howto, ops)')).sort()).toEqual(['Deploy guide', 'Kubernetes']);
    expect(await search(bob, 'label = howto AND label = ops')).toEqual(['Deploy guide']);
    expect(await search(bob, 'label = ops and space = ENG')).toEqual(['Kubernetes']);
    expect(await search(bob, `parent = ${id.deploy}`)).toEqual(['Deploy steps']);
    expect((await search(bob, `id in (${id.kube}, ${id.secret})`))).toEqual(['Kubernetes']);
    expect(await search(bob, `ancestor = ${id.deploy}`)).toEqual(['Deploy steps']);
    expect((await search(bob, 'creator = bob order by title'))).toEqual(['Kubernetes', 'Release notes 50%_off']);
    expect((await search(bob, 'creator = currentUser() and space = ENG order by title'))).toEqual(['Kubernetes', 'Release notes 50%_off']);
    expect(await search(bob, 'space = HR and created < 2021-01-01')).toEqual(['Holidays']);
    expect(await search(bob, 'space = HR and lastmodified = "2020/03/02"')).toEqual(['Holidays']);
    expect(await search(bob, 'space = HR and lastmodified > now("-1w")')).toEqual(['People Home']);
    expect((await search(bob, 'space = DOC and not title ~ deploy'))).toEqual(['Documentation Home']);
    expect((await search(bob, '(space = HR OR label = howto) AND title != "People Home" order by title'))).toEqual(['Deploy guide', 'Holidays']);
    // Top-level pages have no parent; "!=" still finds them.
    expect((await search(bob, `space = DOC and parent != ${id.deploy} order by title`))).toEqual(['Deploy guide', 'Documentation Home']);
  });

  it('pages through results with next links that keep the query', async () => {
    const cql = 'space in (DOC, ENG) order by title';
    const first = await bob.get(`/rest/api/content/search?cql=${encodeURIComponent(cql)}&limit=2&expand=space`).expect(200);
    expect(first.body).toMatchObject({ start: 0, limit: 2, size: 2, cqlQuery: cql });
    expect(first.body.results.map((r: { title: string }) => r.title)).toEqual(['Deploy guide', 'Deploy steps']);
    expect(first.body.results[0].space.key).toBe('DOC');
    const second = await bob.get(first.body._links.next).expect(200);
    expect(second.body.results.map((r: { title: string }) => r.title)).toEqual(['Documentation Home', 'Engineering Home']);
    expect(second.body.cqlQuery).toBe(cql);
  });

  it.each([
    ['space = ', 'Could not parse cql: The CQL query ends where a value was expected.'],
    ['title = "unclosed', 'is not closed'],
    ['flavour = vanilla', 'The CQL field "flavour" is not supported'],
    ['text = kubernetes', 'does not support "="'],
    ['space = DOC; DROP TABLE pages', 'Unexpected'],
    ['created > someday', 'is not a date'],
    ['space = DOC order by popularity', 'Cannot order by'],
  ])('refuses %j with 400 and a clear message', async (cql, message) => {
    const res = await bob.get(`/rest/api/content/search?cql=${encodeURIComponent(cql)}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.message).toContain(message);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM pages`))[0].n).toBe(9);
  });

  it('requires the cql parameter, given once', async () => {
    expect((await bob.get('/rest/api/content/search')).body.message).toContain('cql parameter is required');
    await bob.get('/rest/api/content/search?cql=space=DOC&cql=space=ENG').expect(400);
  });
});
