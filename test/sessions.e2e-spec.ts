import request from 'supertest';
import type { UserSummary } from '../src/users/user-summary.js';
import {
  USER_PASSWORD,
  basicAuth,
  cookieHeader,
  countSessionsForUser,
  createUser,
  sessionRowExists,
  sidFromCookie,
} from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

const GENERIC_ERROR = 'The username or password is incorrect.';

async function loggedIn(t: TestApp, username: string, password = USER_PASSWORD): Promise<WebSession> {
  const s = new WebSession(t.http);
  expect((await s.login(username, password)).status).toBe(303);
  return s;
}

async function isActive(t: TestApp, userId: string): Promise<boolean> {
  const [row] = await t.db.query(`SELECT active FROM users WHERE id = $1`, [userId]);
  return row.active;
}

describe('sessions', () => {
  let t: TestApp;
  let admin: WebSession;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await loggedIn(t, 'admin', ADMIN_PASSWORD);
  });
  afterAll(() => t.close());

  describe('deactivation', () => {
    let user: UserSummary;
    let first: WebSession;
    let second: WebSession;

    beforeAll(async () => {
      user = await createUser(t, { username: 'trudy', fullName: 'Trudy Example' });
      first = await loggedIn(t, 'trudy');
      second = await loggedIn(t, 'trudy');
    });

    it('ends every session of the user, and only theirs', async () => {
      await first.agent.get('/rest/api/user/current').expect(200);
      await second.agent.get('/rest/api/user/current').expect(200);
      expect(await countSessionsForUser(t, user.id)).toBe(2);
      const sids = [sidFromCookie(first.sessionCookie()!), sidFromCookie(second.sessionCookie()!)];
      expect(sids[0]).not.toBe(sids[1]);

      const res = await admin.submit(`/admin/users/${user.id}/deactivate`, {}, `/admin/users/${user.id}`);
      expect(res.status).toBe(303);
      expect(await isActive(t, user.id)).toBe(false);

      expect(await countSessionsForUser(t, user.id)).toBe(0);
      for (const sid of sids) expect(await sessionRowExists(t, sid)).toBe(false);
      for (const s of [first, second]) {
        const api = await s.agent.get('/rest/api/user/current').expect(401);
        expect(api.body.message).toEqual(expect.any(String));
        const home = await s.agent.get('/').expect(303);
        expect(home.headers.location).toMatch(/^\/login(\?|$)/);
      }
      // The admin who did it is still signed in.
      await admin.agent.get('/rest/api/user/current').expect(200);
    });

    it('refuses a new password login with the generic error and starts no session', async () => {
      const res = await new WebSession(t.http).login('trudy', USER_PASSWORD);
      expect(res.status).toBe(401);
      expect(res.text).toContain(GENERIC_ERROR);
      expect(await countSessionsForUser(t, user.id)).toBe(0);
      const [row] = await t.db.query(`SELECT last_login_at FROM users WHERE id = $1`, [user.id]);
      expect(row.last_login_at).not.toBeNull(); // from the logins before deactivation only
    });

    it('refuses HTTP Basic auth', async () => {
      const res = await request(t.http)
        .get('/rest/api/user/current')
        .set('Authorization', basicAuth('trudy', USER_PASSWORD))
        .expect(401);
      expect(res.body.message).toBe(GENERIC_ERROR);
      expect(await countSessionsForUser(t, user.id)).toBe(0);
    });

    it('lets the user log in again after reactivation', async () => {
      const res = await admin.submit(`/admin/users/${user.id}/reactivate`, {}, `/admin/users/${user.id}`);
      expect(res.status).toBe(303);
      expect(await isActive(t, user.id)).toBe(true);

      const s = await loggedIn(t, 'trudy');
      const me = await s.agent.get('/rest/api/user/current').expect(200);
      expect(me.body.username).toBe('trudy');
      await request(t.http)
        .get('/rest/api/user/current')
        .set('Authorization', basicAuth('trudy', USER_PASSWORD))
        .expect(200);
      // Sessions ended by deactivation stay ended.
      await first.agent.get('/rest/api/user/current').expect(401);
    });

    it('refuses and drops a session whose user was deactivated behind its back', async () => {
      const other = await createUser(t);
      const s = await loggedIn(t, other.username);
      const sid = sidFromCookie(s.sessionCookie()!);
      // As if the row survived the deactivation (e.g. written by a login racing with it).
      await t.db.query(`UPDATE users SET active = false WHERE id = $1`, [other.id]);

      await s.agent.get('/rest/api/user/current').expect(401);
      expect(await sessionRowExists(t, sid)).toBe(false);
    });
  });
});

describe('sessions across two app processes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({}, a.database);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('serves a session started on app A on app B, and a logout on B ends it on A', async () => {
    const user = await createUser(a, { fullName: 'Walter Shared' });
    const s = await loggedIn(a, user.username);
    const cookie = cookieHeader(s);

    const me = await request(b.http).get('/rest/api/user/current').set('Cookie', cookie).expect(200);
    expect(me.body.userKey).toBe(user.id);
    const home = await request(b.http).get('/').set('Cookie', cookie).expect(200);
    expect(home.text).toContain('Walter Shared');

    // A form loaded from A is accepted by B: the CSRF secret is shared through the database.
    const page = await s.agent.get('/').expect(200);
    const logout = await request(b.http)
      .post('/logout')
      .set('Cookie', cookieHeader(s))
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text) });
    expect(logout.status).toBe(303);
    expect(await countSessionsForUser(a, user.id)).toBe(0);
    await s.agent.get('/rest/api/user/current').expect(401);
  });

  it('ends sessions on every process when an admin on the other one deactivates the user', async () => {
    const user = await createUser(a);
    const onB = await loggedIn(b, user.username);
    await onB.agent.get('/rest/api/user/current').expect(200);

    const admin = await loggedIn(a, 'admin', ADMIN_PASSWORD);
    const res = await admin.submit(`/admin/users/${user.id}/deactivate`, {}, `/admin/users/${user.id}`);
    expect(res.status).toBe(303);

    await onB.agent.get('/rest/api/user/current').expect(401);
    expect(await countSessionsForUser(b, user.id)).toBe(0);
  });
});
