import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import {
  createUser,
  groupsOf,
  loginAs,
  loginAsAdmin,
  postForm,
  snapshot,
  type FormFields,
} from './helpers/admin-fixtures.js';
import { WebSession } from './helpers/web-session.js';

describe('admin-only access', () => {
  let t: TestApp;
  let adminId: string;
  let normal: Awaited<ReturnType<typeof createUser>>;
  let victim: Awaited<ReturnType<typeof createUser>>;
  let dormant: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    t = await startTestApp();
    [{ id: adminId }] = await t.db.query(`SELECT id FROM users WHERE username = 'admin'`);
    await t.db.query(`INSERT INTO groups (name) VALUES ('team')`);
    normal = await createUser(t, { username: 'normal', fullName: 'Normal Person' });
    victim = await createUser(t, { username: 'victim', fullName: 'Victim Person' }, ['team']);
    dormant = await createUser(t, { username: 'dormant' });
    await t.db.query(`UPDATE users SET active = false WHERE id = $1`, [dormant.id]);
  });
  afterAll(() => t.close());

  const pages = () => [
    '/admin',
    '/admin/users',
    '/admin/users?q=victim&page=1',
    '/admin/users/add',
    `/admin/users/${victim.id}`,
    '/admin/groups',
    '/admin/groups/team',
    '/admin/groups/confluence-administrators',
  ];

  // Each would change something if an administrator sent it (checked in the last test).
  const posts = (): [string, FormFields][] => [
    ['/admin/users/add', { username: 'intruder', fullName: 'Intruder', email: 'intruder@example.com', password: 'intruder-pass-1', confirmPassword: 'intruder-pass-1' }],
    [`/admin/users/${victim.id}/profile`, { fullName: 'Hacked Name', email: 'hacked@example.com' }],
    [`/admin/users/${normal.id}/groups`, { groups: ['confluence-users', 'confluence-administrators'] }],
    [`/admin/users/${adminId}/password`, { password: 'taken-over-1', confirmPassword: 'taken-over-1' }],
    [`/admin/users/${dormant.id}/reactivate`, {}],
    ['/admin/groups', { name: 'intruders' }],
    ['/admin/groups/confluence-administrators/members', { username: 'normal' }],
    [`/admin/groups/team/members/${victim.id}/remove`, {}],
    [`/admin/users/${victim.id}/deactivate`, {}],
    ['/admin/groups/team/delete', {}],
  ];

  describe('a signed-in user who is not an administrator', () => {
    let s: WebSession;
    beforeAll(async () => {
      s = await loginAs(t, normal.username, normal.password);
    });

    it('gets a 403 page for every admin page', async () => {
      for (const path of pages()) {
        const res = await s.agent.get(path);
        expect(res.status, path).toBe(403);
        expect(res.headers['content-type'], path).toMatch(/text\/html/);
        expect(res.text, path).toContain('<h1>Not permitted</h1>');
        expect(res.text, path).toContain('Only administrators can open this page.');
        // No admin data leaks into the refusal.
        expect(res.text, path).not.toContain('victim@');
      }
    });

    it('gets a 403 page for every admin form post, with a valid CSRF token, and nothing changes', async () => {
      const before = await snapshot(t.db);
      for (const [path, fields] of posts()) {
        const res = await postForm(s, path, fields);
        expect(res.status, path).toBe(403);
        expect(res.text, path).toContain('Only administrators can open this page.');
      }
      expect(await snapshot(t.db)).toEqual(before);
      expect(await groupsOf(t.db, 'normal')).toEqual(['confluence-users']);
    });

    it('does not see the Administration menu', async () => {
      const home = await s.agent.get('/').expect(200);
      expect(home.text).toContain('Normal Person');
      expect(home.text).not.toContain('Administration');
      expect(home.text).not.toContain('href="/admin/');
    });
  });

  describe('an anonymous visitor', () => {
    it('is sent to /login?next=<page> for every admin page', async () => {
      const s = new WebSession(t.http);
      for (const path of pages()) {
        const res = await s.agent.get(path);
        expect(res.status, path).toBe(303);
        expect(res.headers.location, path).toBe(`/login?next=${encodeURIComponent(path)}`);
      }
    });

    it('is sent to /login for every admin form post, and nothing changes', async () => {
      const before = await snapshot(t.db);
      const s = new WebSession(t.http);
      for (const [path, fields] of posts()) {
        // A valid anonymous CSRF token, so the refusal comes from the access check.
        const res = await postForm(s, path, fields, '/login');
        expect(res.status, path).toBe(303);
        expect(res.headers.location, path).toMatch(/^\/login(\?|$)/);
      }
      expect(await snapshot(t.db)).toEqual(before);
    });

    it('comes back to the admin page after logging in as an administrator', async () => {
      const s = new WebSession(t.http);
      const redirect = await s.agent.get('/admin/groups');
      const next = new URL(redirect.headers.location, 'http://x').searchParams.get('next')!;
      const login = await s.login('admin', ADMIN_PASSWORD, next);
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe('/admin/groups');
      await s.agent.get('/admin/groups').expect(200);
    });
  });

  describe('an administrator', () => {
    it('sees the cog Administration menu in the header', async () => {
      const s = await loginAsAdmin(t);
      const home = await s.agent.get('/').expect(200);
      expect(home.text).toMatch(/<button[^>]*title="Administration"/);
      expect(home.text).toContain('<a href="/admin/users">User management</a>');
      expect(home.text).toContain('<a href="/admin/groups">Groups</a>');
    });

    it('opens every admin page', async () => {
      const s = await loginAsAdmin(t);
      for (const path of pages()) {
        const res = await s.agent.get(path);
        expect(res.status, path).toBe(path === '/admin' ? 303 : 200);
      }
    });

    // The control for the refusals above: the same requests do change things for an admin.
    it('changes things with the same form posts', async () => {
      const s = await loginAsAdmin(t);
      for (const [path, fields] of posts()) {
        const res = await postForm(s, path, fields);
        expect(res.status, path).toBe(303);
      }
      expect(await t.db.query(`SELECT 1 FROM users WHERE username = 'intruder'`)).toHaveLength(1);
      expect(await groupsOf(t.db, 'normal')).toEqual(['confluence-administrators', 'confluence-users']);
      const [v] = await t.db.query(`SELECT full_name, active FROM users WHERE id = $1`, [victim.id]);
      expect(v).toEqual({ full_name: 'Hacked Name', active: false });
      expect(await t.db.query(`SELECT 1 FROM groups WHERE name IN ('intruders')`)).toHaveLength(1);
      expect(await t.db.query(`SELECT 1 FROM groups WHERE name = 'team'`)).toHaveLength(0);
    });
  });
});
