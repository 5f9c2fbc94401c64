import request from 'supertest';
import {
  USER_PASSWORD,
  basicAuth,
  countSessionsForUser,
  countUsers,
  createUser,
  jarCookie,
  sessionRowExists,
  setCookieLine,
  setCookieValue,
  sidFromCookie,
} from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

const EXPIRED = /form has expired/;

function newUserFields(username: string) {
  return {
    username,
    fullName: 'Forged User',
    email: `${username}@example.com`,
    password: 'forged-password-1',
    confirmPassword: 'forged-password-1',
  };
}

async function userExists(t: TestApp, username: string): Promise<boolean> {
  const rows = await t.db.query(`SELECT 1 FROM users WHERE lower(username) = lower($1)`, [username]);
  return rows.length > 0;
}

async function adminSession(t: TestApp): Promise<WebSession> {
  const s = new WebSession(t.http);
  expect((await s.login('admin', ADMIN_PASSWORD)).status).toBe(303);
  return s;
}

function expectExpiredPage(res: request.Response): void {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.text).toMatch(EXPIRED);
  expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
}

describe('CSRF', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('refusals change nothing', () => {
    it('refuses Add Users without a token and writes no user', async () => {
      const admin = await adminSession(t);
      const before = await countUsers(t);
      const res = await admin.agent.post('/admin/users/add').type('form').send(newUserFields('no-token'));
      expectExpiredPage(res);
      expect(await userExists(t, 'no-token')).toBe(false);
      expect(await countUsers(t)).toBe(before);
    });

    it('refuses Add Users with a wrong token and writes no user', async () => {
      const admin = await adminSession(t);
      await admin.agent.get('/admin/users/add').expect(200);
      const before = await countUsers(t);
      for (const bad of ['wrong', 'a.b', `${'0'.repeat(64)}.${'1'.repeat(64)}`, '']) {
        const res = await admin.agent
          .post('/admin/users/add')
          .type('form')
          .send({ _csrf: bad, ...newUserFields('wrong-token') });
        expectExpiredPage(res);
      }
      // The token in a header is checked the same way.
      const header = await admin.agent
        .post('/admin/users/add')
        .set('X-CSRF-Token', 'wrong')
        .type('form')
        .send(newUserFields('wrong-token'));
      expectExpiredPage(header);
      expect(await userExists(t, 'wrong-token')).toBe(false);
      expect(await countUsers(t)).toBe(before);
    });

    it("refuses another session's token, even with that session's CSRF cookie", async () => {
      const mine = await adminSession(t);
      const theirs = await adminSession(t);
      const theirToken = await theirs.csrfToken('/admin/users/add');
      const theirCsrfCookie = jarCookie(theirs, 'atrium.csrf')!;
      const mySid = mine.sessionCookie()!;
      const before = await countUsers(t);

      // Their token with my cookies: the token does not match my CSRF cookie.
      await mine.csrfToken('/admin/users/add');
      const swapped = await mine.agent
        .post('/admin/users/add')
        .type('form')
        .send({ _csrf: theirToken, ...newUserFields('other-token') });
      expectExpiredPage(swapped);

      // Their token and their CSRF cookie with my session: the pair is bound to their session.
      const planted = await request(t.http)
        .post('/admin/users/add')
        .set('Cookie', `atrium.sid=${mySid}; atrium.csrf=${theirCsrfCookie}`)
        .type('form')
        .send({ _csrf: theirToken, ...newUserFields('other-token') });
      expectExpiredPage(planted);
      expect(await userExists(t, 'other-token')).toBe(false);
      expect(await countUsers(t)).toBe(before);

      // Control: the same hand-built request with my own pair goes through.
      const myToken = await mine.csrfToken('/admin/users/add');
      const ok = await request(t.http)
        .post('/admin/users/add')
        .set('Cookie', `atrium.sid=${mySid}; atrium.csrf=${jarCookie(mine, 'atrium.csrf')}`)
        .type('form')
        .send({ _csrf: myToken, ...newUserFields('own-token') });
      expect(ok.status).toBe(303);
      expect(await userExists(t, 'own-token')).toBe(true);
    });

    it('refuses a token issued before login once the session has changed', async () => {
      const s = new WebSession(t.http);
      const anonymousToken = await s.csrfToken('/login');
      expect((await s.login('admin', ADMIN_PASSWORD)).status).toBe(303);
      const res = await s.agent
        .post('/admin/users/add')
        .type('form')
        .send({ _csrf: anonymousToken, ...newUserFields('pre-login-token') });
      expectExpiredPage(res);
      expect(await userExists(t, 'pre-login-token')).toBe(false);
    });

    it('refuses POST /logout without a token and keeps the session', async () => {
      const user = await createUser(t);
      const s = new WebSession(t.http);
      await s.login(user.username, USER_PASSWORD);
      const sid = sidFromCookie(s.sessionCookie()!);

      expectExpiredPage(await s.agent.post('/logout').type('form').send({}));
      expectExpiredPage(await s.agent.post('/logout').type('form').send({ _csrf: 'forged' }));
      expect(await sessionRowExists(t, sid)).toBe(true);
      await s.agent.get('/rest/api/user/current').expect(200);
    });

    it('refuses POST /login without a token, even with the right password, and starts no session', async () => {
      const user = await createUser(t);
      const res = await request(t.http)
        .post('/login')
        .type('form')
        .send({ username: user.username, password: USER_PASSWORD });
      expectExpiredPage(res);
      expect(setCookieValue(res, 'atrium.sid')).toBeUndefined();
      expect(await countSessionsForUser(t, user.id)).toBe(0);
    });
  });

  describe('API calls with HTTP Basic auth', () => {
    it('need no token', async () => {
      const res = await request(t.http)
        .post('/admin/users/add')
        .set('Authorization', basicAuth('admin', ADMIN_PASSWORD))
        .type('form')
        .send(newUserFields('basic-made'));
      expect(res.status).toBe(303);
      expect(await userExists(t, 'basic-made')).toBe(true);
    });

    it('are still refused with the wrong password, and write nothing', async () => {
      const before = await countUsers(t);
      const res = await request(t.http)
        .post('/admin/users/add')
        .set('Authorization', basicAuth('admin', 'not-the-admin-password'))
        .set('Accept', 'application/json')
        .type('form')
        .send(newUserFields('basic-refused'));
      expect(res.status).toBe(401);
      expect(await userExists(t, 'basic-refused')).toBe(false);
      expect(await countUsers(t)).toBe(before);
    });

    it('are refused for a non-admin, and write nothing', async () => {
      const user = await createUser(t);
      const res = await request(t.http)
        .post('/admin/users/add')
        .set('Authorization', basicAuth(user.username, USER_PASSWORD))
        .type('form')
        .send(newUserFields('basic-non-admin'));
      expect(res.status).toBe(403);
      expect(await userExists(t, 'basic-non-admin')).toBe(false);
    });
  });

  describe('security headers', () => {
    it('sends a CSP that allows only our own scripts and styles, and no X-Powered-By', async () => {
      for (const path of ['/login', '/status', '/no-such-page', '/rest/api/user/current']) {
        const res = await request(t.http).get(path);
        const csp = res.headers['content-security-policy'];
        expect(csp, path).toBeDefined();
        const directives = Object.fromEntries(
          csp.split(';').map((d: string) => {
            const [name, ...values] = d.trim().split(/\s+/);
            return [name, values];
          }),
        );
        expect(directives['script-src'], path).toEqual(["'self'"]);
        expect(directives['style-src'], path).toEqual(["'self'"]);
        expect(directives['default-src'], path).toEqual(["'self'"]);
        expect(directives['object-src'], path).toEqual(["'none'"]);
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');
        expect(res.headers['x-powered-by'], path).toBeUndefined();
        expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      }
    });

    it('has no inline scripts or styles that the CSP would block', async () => {
      const page = await request(t.http).get('/login').expect(200);
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/<style\b|\sstyle="/);
    });

    it('marks the session and CSRF cookies HttpOnly and SameSite=Lax (not Secure on http)', async () => {
      const user = await createUser(t);
      const s = new WebSession(t.http);
      const page = await s.agent.get('/login');
      const csrfCookie = setCookieLine(page, 'atrium.csrf')!;
      expect(csrfCookie).toMatch(/; HttpOnly/i);
      expect(csrfCookie).toMatch(/; SameSite=Lax/i);

      const res = await s.agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfTokenFrom(page.text), username: user.username, password: USER_PASSWORD });
      expect(res.status).toBe(303);
      const sid = setCookieLine(res, 'atrium.sid')!;
      expect(sid).toBeDefined();
      expect(sid).toMatch(/; HttpOnly/i);
      expect(sid).toMatch(/; SameSite=Lax/i);
      expect(sid).toMatch(/; Path=\//i);
      expect(sid).not.toMatch(/; Secure/i);
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });
  });
});

describe('cookies behind HTTPS', () => {
  let t: TestApp;
  beforeAll(async () => {
    // An https base URL means TLS ends at a proxy, which must be trusted for X-Forwarded-Proto.
    t = await startTestApp({ ATRIUM_BASE_URL: 'https://wiki.example.com', ATRIUM_TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  it('sets Secure, HttpOnly, SameSite=Lax __Host- cookies on a successful login', async () => {
    const user = await createUser(t);
    const page = await request(t.http).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const csrfLine = setCookieLine(page, '__Host-atrium.csrf')!;
    expect(csrfLine).toMatch(/; Secure/i);
    expect(csrfLine).toMatch(/; HttpOnly/i);
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);

    const res = await request(t.http)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `__Host-atrium.csrf=${setCookieValue(page, '__Host-atrium.csrf')}`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), username: user.username, password: USER_PASSWORD });
    expect(res.status).toBe(303);
    const sidLine = setCookieLine(res, '__Host-atrium.sid')!;
    expect(sidLine).toBeDefined();
    expect(sidLine).toMatch(/; Secure/i);
    expect(sidLine).toMatch(/; HttpOnly/i);
    expect(sidLine).toMatch(/; SameSite=Lax/i);
    expect(sidLine).toMatch(/; Path=\//i);
    expect(sidLine).not.toMatch(/; Domain=/i);

    const me = await request(t.http)
      .get('/rest/api/user/current')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `__Host-atrium.sid=${setCookieValue(res, '__Host-atrium.sid')}`)
      .expect(200);
    expect(me.body.username).toBe(user.username);
    expect(me.body._links.base).toBe('https://wiki.example.com');
  });
});
