import request from 'supertest';
import type { UserSummary } from '../src/users/user-summary.js';
import {
  USER_PASSWORD,
  basicAuth,
  countSessionsForUser,
  countUsers,
  createUser,
  jarCookie,
  setCookieValue,
} from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';

const GENERIC_ERROR = 'The username or password is incorrect.';

/** Nothing an error page or body should ever show a user. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/Cannot (GET|POST)/);
  expect(text).not.toMatch(/\bat .+\.(js|ts):\d+:\d+/);
  expect(text).not.toMatch(/node_modules|SyntaxError|TypeError|stack/);
}

async function sessionCount(t: TestApp): Promise<number> {
  const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM sessions`);
  return n;
}

describe('REST and error handling', () => {
  let t: TestApp;
  let user: UserSummary;
  beforeAll(async () => {
    t = await startTestApp();
    user = await createUser(t, { username: 'rita', fullName: 'Rita Rest', email: 'Rita.Rest@example.com' });
  });
  afterAll(() => t.close());

  describe('GET /rest/api/user/current', () => {
    it('answers HTTP Basic auth with the Confluence user shape, without starting a session', async () => {
      const res = await request(t.http)
        .get('/rest/api/user/current')
        .set('Authorization', basicAuth('rita', USER_PASSWORD))
        .expect(200);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({
        type: 'known',
        username: 'rita',
        userKey: user.id,
        displayName: 'Rita Rest',
        email: 'Rita.Rest@example.com',
      });
      expect(res.body).not.toHaveProperty('passwordHash');
      expect(JSON.stringify(res.body)).not.toContain('$2b$');
      expect(setCookieValue(res, 'atrium.sid')).toBeUndefined();
      expect(await countSessionsForUser(t, user.id)).toBe(0);
    });

    it('gives the same shape for a browser session', async () => {
      const s = new WebSession(t.http);
      expect((await s.login('rita', USER_PASSWORD)).status).toBe(303);
      const res = await s.agent.get('/rest/api/user/current').expect(200);
      expect(res.body).toMatchObject({ type: 'known', username: 'rita', userKey: user.id, email: 'Rita.Rest@example.com' });
    });

    it('answers a wrong password or an unknown user with the same 401 JSON, starting no session', async () => {
      const before = await sessionCount(t);
      const wrong = await request(t.http)
        .get('/rest/api/user/current')
        .set('Authorization', basicAuth('rita', 'not-ritas-password'))
        .expect(401);
      const unknown = await request(t.http)
        .get('/rest/api/user/current')
        .set('Authorization', basicAuth('nobody-here', 'not-ritas-password'))
        .expect(401);
      expect(wrong.headers['content-type']).toMatch(/application\/json/);
      expect(wrong.body).toEqual({ statusCode: 401, message: GENERIC_ERROR });
      expect(unknown.body).toEqual(wrong.body);
      expect(await sessionCount(t)).toBe(before);
    });

    it.each([
      ['no credentials', undefined],
      ['a malformed Basic header', 'Basic !!!not-base64!!!'],
      ['Basic without a colon', `Basic ${Buffer.from('rita').toString('base64')}`],
      ['an unknown scheme', 'Bearer some-token'],
    ])('answers %s with 401 JSON, even when HTML is accepted', async (_name, header) => {
      const req = request(t.http).get('/rest/api/user/current').set('Accept', 'text/html');
      if (header) req.set('Authorization', header);
      const res = await req.expect(401);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.statusCode).toBe(401);
      expect(res.body.message).toEqual(expect.any(String));
      expect(res.body.message.length).toBeGreaterThan(0);
    });
  });

  describe('unknown routes', () => {
    it('gives an anonymous visitor a 404 HTML page, not a login redirect', async () => {
      const res = await request(t.http).get('/no/such/page').expect(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Page not found');
      expectNoInternals(res.text);
    });

    it('gives a signed-in user the same 404 page, and keeps the session', async () => {
      const s = new WebSession(t.http);
      await s.login('rita', USER_PASSWORD);
      const res = await s.agent.get('/nothing-here').expect(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Page not found');
      expectNoInternals(res.text);
      await s.agent.get('/rest/api/user/current').expect(200);
    });

    it('gives 404 JSON under /rest/', async () => {
      for (const method of ['get', 'post', 'delete'] as const) {
        const res = await request(t.http)[method]('/rest/api/no-such-resource').expect(404);
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expect(res.body.statusCode).toBe(404);
        expect(res.body.message).toEqual(expect.any(String));
        expectNoInternals(JSON.stringify(res.body));
      }
    });
  });

  describe('bad request bodies', () => {
    async function loginForm(): Promise<{ s: WebSession; token: string; cookie: string }> {
      const s = new WebSession(t.http);
      const token = await s.csrfToken('/login');
      return { s, token, cookie: `atrium.csrf=${jarCookie(s, 'atrium.csrf')}` };
    }

    it('answers malformed JSON with 400, as a page or as JSON', async () => {
      const { s } = await loginForm();
      const page = await s.agent.post('/login').set('Content-Type', 'application/json').send('{"username": ');
      expect(page.status).toBe(400);
      expectNoInternals(page.text);

      const api = await request(t.http)
        .post('/rest/api/user/current')
        .set('Authorization', basicAuth('rita', USER_PASSWORD))
        .set('Content-Type', 'application/json')
        .send('{not json');
      expect(api.status).toBe(400);
      expect(api.body.statusCode).toBe(400);
      expectNoInternals(JSON.stringify(api.body));
    });

    it('answers a malformed urlencoded body with a 4xx and writes nothing', async () => {
      const admin = new WebSession(t.http);
      await admin.login('admin', ADMIN_PASSWORD);
      const token = await admin.csrfToken('/admin/users/add');
      const before = await countUsers(t);

      const charset = await admin.agent
        .post('/admin/users/add')
        .set('Content-Type', 'application/x-www-form-urlencoded; charset=klingon')
        .send(`_csrf=${encodeURIComponent(token)}&username=bad-charset`);
      expect(charset.status).toBe(415);
      expectNoInternals(charset.text);

      const deep = await admin.agent
        .post('/admin/users/add')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(`_csrf=${encodeURIComponent(token)}&username${'[a]'.repeat(40)}=x`);
      expect(deep.status).toBeGreaterThanOrEqual(400);
      expect(deep.status).toBeLessThan(500);
      expectNoInternals(deep.text);

      const many = await admin.agent
        .post('/admin/users/add')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(Array.from({ length: 1500 }, (_, i) => `f${i}=x`).join('&'));
      expect(many.status).toBeGreaterThanOrEqual(400);
      expect(many.status).toBeLessThan(500);

      const badEscapes = await admin.agent
        .post('/admin/users/add')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(`_csrf=${encodeURIComponent(token)}&username=%E0%A4%A&fullName=%%%&email=%ZZ&password=%`);
      expect(badEscapes.status).toBeGreaterThanOrEqual(400);
      expect(badEscapes.status).toBeLessThan(500);
      expect(await countUsers(t)).toBe(before);
    });

    it('answers an oversized body with 413, as a page or as JSON', async () => {
      const { s, token } = await loginForm();
      const sessionsBefore = await sessionCount(t);
      const big = 'x'.repeat(200 * 1024);
      const page = await s.agent.post('/login').type('form').send({ _csrf: token, username: 'rita', password: big });
      expect(page.status).toBe(413);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expectNoInternals(page.text);
      expect(page.text).not.toContain(big.slice(0, 100));

      const api = await request(t.http)
        .post('/rest/api/user/current')
        .set('Authorization', basicAuth('rita', USER_PASSWORD))
        .set('Content-Type', 'application/json')
        // JSON bodies may be larger (REST content), up to 1 MB.
        .send(JSON.stringify({ blob: 'x'.repeat(1100 * 1024) }));
      expect(api.status).toBe(413);
      expect(api.body.statusCode).toBe(413);
      expect(await sessionCount(t)).toBe(sessionsBefore);
    });

    it.each([
      ['a numeric username', { username: 12345, password: USER_PASSWORD }],
      ['a numeric password', { username: 'rita', password: 12345678 }],
      ['a boolean password', { username: 'rita', password: true }],
      ['a nested username', { username: { $gt: '' }, password: USER_PASSWORD }],
      ['array credentials', { username: ['rita', 'admin'], password: [USER_PASSWORD] }],
      ['null credentials', { username: null, password: null }],
    ])('refuses a JSON login with %s as a failed login, never a 500', async (_name, body) => {
      const { token, cookie } = await loginForm();
      const before = await sessionCount(t);
      const res = await request(t.http)
        .post('/login')
        .set('Cookie', cookie)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ _csrf: token, ...body }));
      expect(res.status).toBe(401);
      expect(res.text).toContain(GENERIC_ERROR);
      expectNoInternals(res.text);
      expect(setCookieValue(res, 'atrium.sid')).toBeUndefined();
      expect(await sessionCount(t)).toBe(before);
    });

    it('refuses array-valued form fields at login as a failed login', async () => {
      const { s, token } = await loginForm();
      const res = await s.agent
        .post('/login')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(
          `_csrf=${encodeURIComponent(token)}&username=rita&username=admin&password=${USER_PASSWORD}&password=x`,
        );
      expect(res.status).toBe(401);
      expectNoInternals(res.text);
      expect(setCookieValue(res, 'atrium.sid')).toBeUndefined();
    });
  });

  describe('a NUL character (which PostgreSQL text cannot hold)', () => {
    const NUL = 'The text contains a NUL character (code 0), which cannot be stored. Remove it and try again.';

    it('is refused with 400 in an address, a form, JSON and REST, and nothing is written', async () => {
      const admin = new WebSession(t.http);
      expect((await admin.login('admin', ADMIN_PASSWORD)).status).toBe(303);
      const created = await admin.submit('/spaces', { key: 'NUL', name: 'Nul', description: '' }, '/spaces/new');
      expect(created.status).toBe(303);
      const before = {
        pages: await t.db.query(`SELECT id, title, version FROM pages ORDER BY id`),
        spaces: await t.db.query(`SELECT key, name FROM spaces ORDER BY key`),
        audit: await t.db.query(`SELECT count(*)::int AS n FROM audit_log`),
      };

      for (const path of ['/search?q=a%00b', '/display/NUL/a%00b', '/admin/audit?actor=a%00b']) {
        const res = await admin.agent.get(path);
        expect(res.status, path).toBe(400);
        expect(res.text, path).toContain(NUL);
        expectNoInternals(res.text);
      }
      const form = await admin.submit('/spaces/NUL/pages', { title: 'Bad\u0000title', body: '<p>x</p>' }, '/spaces/NUL/pages/new');
      expect(form.status).toBe(400);
      expect(form.text).toContain(NUL);
      const space = await admin.submit('/spaces', { key: 'NUL2', name: 'Nul\u0000two', description: '' }, '/spaces/new');
      expect(space.status).toBe(400);
      const rest = await request(t.http)
        .post('/rest/api/content')
        .set('Authorization', basicAuth('admin', ADMIN_PASSWORD))
        .send({ type: 'page', title: 'T5\u0000', space: { key: 'NUL' }, body: { storage: { value: '<p>x</p>', representation: 'storage' } } });
      expect(rest.status).toBe(400);
      expect(rest.body.message).toBe(NUL);

      expect({
        pages: await t.db.query(`SELECT id, title, version FROM pages ORDER BY id`),
        spaces: await t.db.query(`SELECT key, name FROM spaces ORDER BY key`),
        audit: await t.db.query(`SELECT count(*)::int AS n FROM audit_log`),
      }).toEqual(before);
    });
  });

  describe('/status', () => {
    it('answers without login and starts no session', async () => {
      const before = await sessionCount(t);
      const res = await request(t.http).get('/status').expect(200);
      expect(res.body).toEqual({ state: 'RUNNING' });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await sessionCount(t)).toBe(before);
    });
  });
});
