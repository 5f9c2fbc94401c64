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

  it('sends anonymous visitors of a private space to log in', async () => {
    const res = await new WebSession(t.http).agent.get('/spaces/DOC');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fspaces%2FDOC');
  });
});
