import request from 'supertest';
import { basicAuth } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

describe('wiki smoke: space, pages, edit, conflict, trash', () => {
  let t: TestApp;
  let admin: WebSession;
  beforeAll(async () => {
    t = await startTestApp();
    admin = new WebSession(t.http);
    await admin.login('admin', ADMIN_PASSWORD);
  });
  afterAll(() => t.close());

  it('creates a space with a home page and default permissions', async () => {
    const res = await admin.submit('/spaces', { key: 'DOC', name: 'Documentation', description: 'Docs' }, '/spaces/new');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/spaces/DOC');
    const home = await admin.agent.get('/spaces/DOC').expect(302);
    expect(home.headers.location).toMatch(/^\/spaces\/DOC\/pages\/\d+\/documentation-home$/);
    const page = await admin.agent.get(home.headers.location).expect(200);
    expect(page.text).toContain('Documentation Home');
    const perms = await t.db.query(
      `SELECT g.name, array_agg(sp.permission ORDER BY sp.permission) AS p FROM space_permissions sp JOIN groups g ON g.id = sp.group_id GROUP BY g.name`,
    );
    expect(perms).toEqual([{ name: 'confluence-users', p: ['attach', 'comment', 'edit', 'view'] }]);
  });

  it('creates, edits, refuses a stale save without losing work, and trashes', async () => {
    const [home] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    const created = await admin.submit('/spaces/DOC/pages', { title: 'Setup guide', body: '<p>v1</p><script>x()</script>', parentId: home.id }, '/spaces/DOC/pages/new');
    expect(created.status).toBe(303);
    const id = created.headers.location.split('/')[4];
    const [row] = await t.db.query(`SELECT body, ancestors::text[] AS a FROM pages WHERE id = $1`, [id]);
    expect(row.body).toBe('<p>v1</p>');
    expect(row.a).toEqual([home.id]);

    const edit = await admin.agent.get(`/spaces/DOC/pages/${id}/edit`).expect(200);
    const token = csrfTokenFrom(edit.text);
    await admin.agent.post(`/spaces/DOC/pages/${id}`).type('form').send({ _csrf: token, title: 'Setup guide', body: '<p>v2</p>', baseVersion: '1' }).expect(303);
    const stale = await admin.agent.post(`/spaces/DOC/pages/${id}`).type('form').send({ _csrf: token, title: 'Setup guide', body: '<p>my work</p>', baseVersion: '1' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('my work');
    expect(stale.text).toContain('&lt;p&gt;v2&lt;/p&gt;');
    const versions = await t.db.query(`SELECT version, body FROM page_versions WHERE page_id = $1 ORDER BY version`, [id]);
    expect(versions).toEqual([{ version: 1, body: '<p>v1</p>' }, { version: 2, body: '<p>v2</p>' }]);

    const moved = await admin.agent.post(`/spaces/DOC/pages/${home.id}/move`).type('form').send({ _csrf: token, parentId: id });
    expect(moved.status).toBe(400);

    await admin.agent.post(`/spaces/DOC/pages/${id}/delete`).type('form').send({ _csrf: token }).expect(303);
    await admin.agent.get(`/spaces/DOC/pages/${id}/setup-guide`).expect(404);
    const trash = await admin.agent.get('/spaces/DOC/trash').expect(200);
    expect(trash.text).toContain('Setup guide');
    await admin.agent.post(`/spaces/DOC/trash/${id}/restore`).type('form').send({ _csrf: token }).expect(303);
    await admin.agent.get(`/pages/viewpage.action?pageId=${id}`).expect(301);
    const display = await admin.agent.get('/display/DOC/Setup+guide').expect(301);
    expect(display.headers.location).toBe(`/spaces/DOC/pages/${id}/setup-guide`);
  });

  it('shows a page whose title is also the name of a page sub-screen (its address gets a "-page" slug)', async () => {
    const [home] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    for (const title of ['Edit', 'Attachments', 'History', 'Restrictions', 'Move', 'Diff', 'Draft']) {
      const created = await admin.submit('/spaces/DOC/pages', { title, body: `<p>About ${title}</p>`, parentId: home.id }, '/spaces/DOC/pages/new');
      expect(created.status, title).toBe(303);
      expect(created.headers.location, title).toMatch(new RegExp(`/${title.toLowerCase()}-page$`));
      const page = await admin.agent.get(created.headers.location).expect(200);
      expect(page.text, title).toContain(`<h1>${title}</h1>`);
      expect(page.text, title).toContain(`About ${title}`);
    }
  });

  it('saves a large page (1.5 MB) by form, draft and REST, and refuses one over the 2 MB page limit keeping the title', async () => {
    const [home] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    const big = `<p>${'Release notes &amp; <details>, line after line. '.repeat(36_000)}</p>`.replace(/<details>/g, '&lt;details&gt;');
    expect(big.length).toBeGreaterThan(1_500_000);
    const created = await admin.submit('/spaces/DOC/pages', { title: 'Large page', body: big, parentId: home.id }, '/spaces/DOC/pages/new');
    expect(created.status).toBe(303);
    const id = created.headers.location.split('/')[4];
    const [stored] = await t.db.query(`SELECT length(body) AS n FROM pages WHERE id = $1`, [id]);
    expect(stored.n).toBe(big.length);

    const token = await admin.csrfToken(`/spaces/DOC/pages/${id}/edit`);
    const draft = await admin.agent
      .put(`/spaces/DOC/pages/${id}/draft`)
      .set('X-CSRF-Token', token)
      .set('Accept', 'application/json')
      .send({ title: 'Large page', body: `${big}<p>more</p>`, baseVersion: 1 });
    expect(draft.status).toBe(200);
    const rest = await request(t.http)
      .post('/rest/api/content')
      .set('Authorization', basicAuth('admin', ADMIN_PASSWORD))
      .send({ type: 'page', title: 'Large REST page', space: { key: 'DOC' }, body: { storage: { value: big, representation: 'storage' } } });
    expect(rest.status).toBe(200);

    // Without a credential the large limit does not apply: the default 1 MB for JSON.
    const anonymous = await request(t.http)
      .post('/rest/api/content')
      .send({ type: 'page', title: 'Anonymous', space: { key: 'DOC' }, body: { storage: { value: big, representation: 'storage' } } });
    expect(anonymous.status).toBe(413);

    const tooBig = `<p>${'x'.repeat(2 * 1024 * 1024)}</p>`;
    const before = await t.db.query(`SELECT count(*)::int AS n FROM pages`);
    const refused = await admin.submit('/spaces/DOC/pages', { title: 'Too large page', body: tooBig, parentId: home.id }, '/spaces/DOC/pages/new');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('The page is too large (at most 2 MB).');
    expect(refused.text).toContain('value="Too large page"');
    expect(await t.db.query(`SELECT count(*)::int AS n FROM pages`)).toEqual(before);
  });

  it('follows Confluence links by title, with pluses for spaces and %2B for pluses, in both forms', async () => {
    const [home] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    const created = await admin.submit('/spaces/DOC/pages', { title: 'C++ Guide', body: '<p>c</p>', parentId: home.id }, '/spaces/DOC/pages/new');
    const url = created.headers.location;
    for (const path of ['/display/DOC/C%2B%2B+Guide', '/display/doc/c%2b%2b%20guide', '/pages/viewpage.action?spaceKey=DOC&title=C%2B%2B+Guide']) {
      const res = await admin.agent.get(path);
      expect(res.status, path).toBe(301);
      expect(res.headers.location, path).toBe(url);
    }
    for (const path of ['/display/DOC/C++Guide', '/pages/viewpage.action?spaceKey=DOC&title=Nope']) {
      expect((await admin.agent.get(path)).status, path).toBe(404);
    }
    // A broken escape is a bad address, said plainly.
    const broken = await admin.agent.get('/display/DOC/%E0%A4%A');
    expect(broken.status).toBe(400);
    expect(broken.text).not.toMatch(/URIError|at .+\.js:\d+/);
  });

  it('keeps the minor-edit tick when a save comes back with an error', async () => {
    const [home] = await t.db.query(`SELECT homepage_id::text AS id, (SELECT title FROM pages WHERE id = homepage_id) AS title FROM spaces WHERE key = 'DOC'`);
    const created = await admin.submit('/spaces/DOC/pages', { title: 'Tick keeper', body: '<p>v1</p>', parentId: home.id }, '/spaces/DOC/pages/new');
    const id = created.headers.location.split('/')[4];
    const res = await admin.submit(`/spaces/DOC/pages/${id}`, { title: home.title, body: '<p>v2</p>', baseVersion: '1', minorEdit: 'true' }, `/spaces/DOC/pages/${id}/edit`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('name="minorEdit" value="true" checked');
  });

  it('publishing the edit form with no change makes no version and no audit entry', async () => {
    const [home] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    const created = await admin.submit('/spaces/DOC/pages', { title: 'Unchanged', body: '<p>Same</p>', parentId: home.id }, '/spaces/DOC/pages/new');
    const id = created.headers.location.split('/')[4];
    const state = async () => ({
      page: await t.db.query(`SELECT version, updated_at FROM pages WHERE id = $1`, [id]),
      versions: await t.db.query(`SELECT count(*)::int AS n FROM page_versions WHERE page_id = $1`, [id]),
      audit: await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE page_id = $1`, [id]),
    });
    const before = await state();
    const res = await admin.submit(`/spaces/DOC/pages/${id}`, { title: 'Unchanged', body: '<p>Same</p>', baseVersion: '1' }, `/spaces/DOC/pages/${id}/edit`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(created.headers.location);
    expect(await state()).toEqual(before);
  });

  it('shows the whole path in the breadcrumbs of every page sub-screen', async () => {
    const [home] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    const section = await admin.submit('/spaces/DOC/pages', { title: 'Section', body: '<p>s</p>', parentId: home.id }, '/spaces/DOC/pages/new');
    const sectionId = section.headers.location.split('/')[4];
    const leaf = await admin.submit('/spaces/DOC/pages', { title: 'Leaf', body: '<p>l</p>', parentId: sectionId }, '/spaces/DOC/pages/new');
    const id = leaf.headers.location.split('/')[4];
    const crumbs = (html: string) =>
      (/<nav class="breadcrumbs"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
    const screens: [string, string][] = [
      [leaf.headers.location, 'Spaces / Documentation / Documentation Home / Section'],
      [`/spaces/DOC/pages/${id}/edit`, 'Spaces / Documentation / Documentation Home / Section / Leaf / Edit'],
      [`/spaces/DOC/pages/${id}/history`, 'Spaces / Documentation / Documentation Home / Section / Leaf / History'],
      [`/spaces/DOC/pages/${id}/history/1`, 'Spaces / Documentation / Documentation Home / Section / Leaf / History / v. 1'],
      [`/spaces/DOC/pages/${id}/diff?from=1&to=1`, 'Spaces / Documentation / Documentation Home / Section / Leaf / History / Compare'],
      [`/spaces/DOC/pages/${id}/move`, 'Spaces / Documentation / Documentation Home / Section / Leaf / Move'],
      [`/spaces/DOC/pages/${id}/attachments`, 'Spaces / Documentation / Documentation Home / Section / Leaf / Attachments'],
      [`/spaces/DOC/pages/${id}/restrictions`, 'Spaces / Documentation / Documentation Home / Section / Leaf / Restrictions'],
    ];
    for (const [path, expected] of screens) {
      expect(crumbs((await admin.agent.get(path).expect(200)).text), path).toBe(expected);
    }
  });

  it('sends anonymous visitors of a private space to log in', async () => {
    const res = await new WebSession(t.http).agent.get('/spaces/DOC');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fspaces%2FDOC');
  });
});
