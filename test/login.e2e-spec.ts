import request from 'supertest';
import { GroupsService } from '../src/users/groups.service.js';
import type { UserSummary } from '../src/users/user-summary.js';
import { UsersService } from '../src/users/users.service.js';
import {
  USER_PASSWORD,
  countSessionsForUser,
  createUser,
  plantAnonymousSession,
  sessionRowExists,
  setCookieValue,
  sidFromCookie,
} from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

const GENERIC_ERROR = 'The username or password is incorrect.';

function loginError(html: string): string | undefined {
  return /<p class="form-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
}

function hiddenNext(html: string): string | undefined {
  return /name="next" value="([^"]*)"/.exec(html)?.[1];
}

function usernameField(html: string): string | undefined {
  return /id="username" name="username" type="text" value="([^"]*)"/.exec(html)?.[1];
}

async function countAllSessions(t: TestApp): Promise<number> {
  const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM sessions`);
  return n;
}

describe('password login', () => {
  let t: TestApp;
  let alice: UserSummary;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.get(GroupsService).createGroup('wiki-editors');
    alice = await createUser(t, { username: 'alice', fullName: 'Alice Example' }, ['wiki-editors']);
  });
  afterAll(() => t.close());

  describe('success', () => {
    it('redirects with 303 to next and starts a session that the API and dashboard recognise', async () => {
      const s = new WebSession(t.http);
      const res = await s.login('alice', USER_PASSWORD);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');

      const me = await s.agent.get('/rest/api/user/current').expect(200);
      expect(me.body).toMatchObject({ username: 'alice', userKey: alice.id, displayName: 'Alice Example' });

      const home = await s.agent.get('/').expect(200);
      expect(home.text).toContain('Alice Example');
      expect(home.text).toContain('wiki-editors');
      expect(home.text).toContain('confluence-users');

      const sid = sidFromCookie(s.sessionCookie()!);
      const [row] = await t.db.query(`SELECT sess->>'userId' AS "userId" FROM sessions WHERE sid = $1`, [sid]);
      expect(row.userId).toBe(alice.id);
      const [user] = await t.db.query(`SELECT last_login_at FROM users WHERE id = $1`, [alice.id]);
      expect(user.last_login_at).not.toBeNull();
    });

    it('accepts the username in any case', async () => {
      const s = new WebSession(t.http);
      expect((await s.login('ALICE', USER_PASSWORD)).status).toBe(303);
      const me = await s.agent.get('/rest/api/user/current').expect(200);
      expect(me.body.username).toBe('alice');
    });
  });

  describe('failure', () => {
    it('gives a wrong password and an unknown user the same status and generic message', async () => {
      const before = await countAllSessions(t);
      const wrong = await new WebSession(t.http).login('alice', 'not-the-password-1');
      const unknown = await new WebSession(t.http).login('nobody-at-all', 'not-the-password-1');

      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(wrong.status);
      expect(loginError(wrong.text)).toBe(GENERIC_ERROR);
      expect(loginError(unknown.text)).toBe(GENERIC_ERROR);
      // Apart from the typed username and the CSRF token, the two pages are identical.
      const normalise = (html: string, username: string) =>
        html.replace(/name="_csrf" value="[^"]*"/g, '').replace(`value="${username}"`, 'value="USERNAME"');
      expect(normalise(unknown.text, 'nobody-at-all')).toBe(normalise(wrong.text, 'alice'));

      expect(setCookieValue(wrong, 'atrium.sid')).toBeUndefined();
      expect(setCookieValue(unknown, 'atrium.sid')).toBeUndefined();
      expect(await countAllSessions(t)).toBe(before);
    });

    it('keeps the typed username in the form and never echoes the password', async () => {
      const res = await new WebSession(t.http).login('alice', 'secret-typed-pw-9');
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(usernameField(res.text)).toBe('alice');
      expect(res.text).not.toContain('secret-typed-pw-9');
      expect(res.text).toMatch(/id="password" name="password" type="password"(?! value)/);
    });

    it('gives an SSO-only account (no password) the same generic answer', async () => {
      await t.app
        .get(UsersService)
        .createUser({ username: 'sso-only', fullName: 'Sso Only', email: 'sso-only@example.com' }, { requirePassword: false });
      const res = await new WebSession(t.http).login('sso-only', '');
      // passport-local refuses an empty password before our code runs; a typed one reaches bcrypt.
      const typed = await new WebSession(t.http).login('sso-only', 'anything-at-all');
      expect(res.status).toBe(401);
      expect(typed.status).toBe(401);
      expect(loginError(typed.text)).toBe(GENERIC_ERROR);
      const [{ id }] = await t.db.query(`SELECT id FROM users WHERE username = 'sso-only'`);
      expect(await countSessionsForUser(t, id)).toBe(0);
    });

    it('shows the form again with a CSRF token that works for the next attempt', async () => {
      const s = new WebSession(t.http);
      const failed = await s.login('alice', 'typo-password-1');
      expect(failed.status).toBe(401);
      const token = csrfTokenFrom(failed.text);
      const retry = await s.agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, username: 'alice', password: USER_PASSWORD });
      expect(retry.status).toBe(303);
      await s.agent.get('/rest/api/user/current').expect(200);
    });
  });

  describe('session ID', () => {
    it('replaces a pre-login session with a new ID and drops the old row', async () => {
      const planted = await plantAnonymousSession(t);
      const s = new WebSession(t.http);
      s.agent.jar.setCookie(`atrium.sid=${planted.cookieValue}; Path=/`, '127.0.0.1', '/');
      // The server really uses the planted session: it shows the flash message stored in it.
      const page = await s.agent.get('/login').expect(200);
      expect(page.text).toContain('hello');
      expect(await sessionRowExists(t, planted.sid)).toBe(true);

      const res = await s.login('alice', USER_PASSWORD);
      expect(res.status).toBe(303);
      const newSid = sidFromCookie(setCookieValue(res, 'atrium.sid')!);
      expect(newSid).not.toBe(planted.sid);
      expect(await sessionRowExists(t, planted.sid)).toBe(false);
      expect(await sessionRowExists(t, newSid)).toBe(true);

      await s.agent.get('/rest/api/user/current').expect(200);
      await request(t.http)
        .get('/rest/api/user/current')
        .set('Cookie', `atrium.sid=${planted.cookieValue}`)
        .expect(401);
    });

    it('gives a new ID when another user logs in on the same browser', async () => {
      const bob = await createUser(t, { username: 'bob' });
      const s = new WebSession(t.http);
      await s.login('alice', USER_PASSWORD);
      const aliceCookie = s.sessionCookie()!;
      const aliceSid = sidFromCookie(aliceCookie);

      // A signed-in user is redirected away from GET /login, so take the token from the dashboard.
      const res = await s.submit('/login', { username: 'bob', password: USER_PASSWORD }, '/');
      expect(res.status).toBe(303);
      const bobSid = sidFromCookie(s.sessionCookie()!);
      expect(bobSid).not.toBe(aliceSid);
      expect(await sessionRowExists(t, aliceSid)).toBe(false);

      const me = await s.agent.get('/rest/api/user/current').expect(200);
      expect(me.body.userKey).toBe(bob.id);
      await request(t.http).get('/rest/api/user/current').set('Cookie', `atrium.sid=${aliceCookie}`).expect(401);
    });
  });

  describe('next', () => {
    it('sends an anonymous visitor to /login?next=<path> and back there after login', async () => {
      const s = new WebSession(t.http);
      const denied = await s.agent.get('/admin/users').expect(303);
      expect(denied.headers.location).toBe('/login?next=%2Fadmin%2Fusers');

      const form = await s.agent.get(denied.headers.location).expect(200);
      const next = hiddenNext(form.text);
      expect(next).toBe('/admin/users');
      const res = await s.agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfTokenFrom(form.text), username: 'admin', password: ADMIN_PASSWORD, next });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/users');
      const page = await s.agent.get('/admin/users').expect(200);
      expect(page.text).toContain('User management');
    });

    it('keeps next through a failed attempt', async () => {
      const s = new WebSession(t.http);
      const form = await s.agent.get('/login?next=%2Fadmin%2Fgroups').expect(200);
      const failed = await s.agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfTokenFrom(form.text), username: 'admin', password: 'wrong-password-1', next: '/admin/groups' });
      expect(failed.status).toBe(401);
      expect(hiddenNext(failed.text)).toBe('/admin/groups');
      const res = await s.agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfTokenFrom(failed.text), username: 'admin', password: ADMIN_PASSWORD, next: hiddenNext(failed.text) });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/groups');
    });

    it('keeps the query string of the page asked for', async () => {
      const denied = await request(t.http).get('/admin/users?q=ali&page=1').expect(303);
      expect(denied.headers.location).toBe(`/login?next=${encodeURIComponent('/admin/users?q=ali&page=1')}`);
    });

    it.each(['//evil.com', 'https://evil.com', '/\\evil.com', '/\t/evil.com', 'javascript:alert(1)', 'evil.com'])(
      'refuses next=%j and lands on /',
      async (evil) => {
        const s = new WebSession(t.http);
        const form = await s.agent.get(`/login?next=${encodeURIComponent(evil)}`).expect(200);
        expect(hiddenNext(form.text)).toBe('/');

        const res = await s.agent
          .post('/login')
          .type('form')
          .send({ _csrf: csrfTokenFrom(form.text), username: 'alice', password: USER_PASSWORD, next: evil });
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/');
      },
    );

    it('redirects a signed-in user away from /login, to a safe next', async () => {
      const s = new WebSession(t.http);
      await s.login('alice', USER_PASSWORD);
      const plain = await s.agent.get('/login').expect(303);
      expect(plain.headers.location).toBe('/');
      const withNext = await s.agent.get('/login?next=%2Fadmin%2Fusers').expect(303);
      expect(withNext.headers.location).toBe('/admin/users');
      const evil = await s.agent.get('/login?next=%2F%2Fevil.com').expect(303);
      expect(evil.headers.location).toBe('/');
    });
  });

  describe('logout', () => {
    it('refuses POST /logout without a CSRF token and keeps the session', async () => {
      const s = new WebSession(t.http);
      await s.login('alice', USER_PASSWORD);
      const sid = sidFromCookie(s.sessionCookie()!);

      const res = await s.agent.post('/logout').type('form').send({});
      expect(res.status).toBe(403);
      expect(await sessionRowExists(t, sid)).toBe(true);
      await s.agent.get('/rest/api/user/current').expect(200);
    });

    it('ends the session: row gone, API 401, pages redirect to /login, old cookie useless', async () => {
      const s = new WebSession(t.http);
      await s.login('alice', USER_PASSWORD);
      const cookie = s.sessionCookie()!;
      const sid = sidFromCookie(cookie);

      const res = await s.submit('/logout', {}, '/');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?loggedout');
      expect(await sessionRowExists(t, sid)).toBe(false);

      const me = await s.agent.get('/rest/api/user/current').expect(401);
      expect(me.body.message).toEqual(expect.any(String));
      const home = await s.agent.get('/').expect(303);
      expect(home.headers.location).toBe('/login?next=%2F');
      await request(t.http).get('/rest/api/user/current').set('Cookie', `atrium.sid=${cookie}`).expect(401);
    });
  });
});
