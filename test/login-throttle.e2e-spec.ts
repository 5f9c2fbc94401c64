import request from 'supertest';
import type { UserSummary } from '../src/users/user-summary.js';
import {
  USER_PASSWORD,
  basicAuth,
  countSessionsForUser,
  createUser,
  setCookieValue,
} from './helpers/login-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';

const THROTTLED = 'Too many failed login attempts. Wait a few minutes, then try again.';
const WRONG = 'wrong-password-1';

async function failures(t: TestApp, key: string): Promise<number | undefined> {
  const rows = await t.db.query(`SELECT failures FROM login_failures WHERE key = $1`, [key]);
  return rows[0]?.failures;
}

async function ipFailures(t: TestApp): Promise<{ key: string; failures: number }[]> {
  return t.db.query(`SELECT key, failures FROM login_failures WHERE key LIKE 'ip:%'`);
}

async function lastLogin(t: TestApp, userId: string): Promise<Date | null> {
  const [row] = await t.db.query(`SELECT last_login_at FROM users WHERE id = $1`, [userId]);
  return row.last_login_at;
}

/** Asserts a refused-by-throttle login: 429, the throttling message, the username kept, no session. */
async function expectThrottled(t: TestApp, user: UserSummary, username = user.username): Promise<void> {
  const res = await new WebSession(t.http).login(username, USER_PASSWORD);
  expect(res.status).toBe(429);
  expect(res.text).toContain(THROTTLED);
  expect(res.text).toContain(`value="${username}"`);
  expect(res.text).not.toContain(USER_PASSWORD);
  expect(setCookieValue(res, 'atrium.sid')).toBeUndefined();
  expect(await countSessionsForUser(t, user.id)).toBe(0);
}

describe('login throttling per username', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      ATRIUM_LOGIN_MAX_FAILURES_PER_USER: '3',
      ATRIUM_LOGIN_MAX_FAILURES_PER_IP: '1000',
      ATRIUM_LOGIN_WINDOW_SECONDS: '900',
    });
  });
  afterAll(() => t.close());

  it('refuses even the right password after N failures, and starts no session', async () => {
    const user = await createUser(t, { username: 'carol' });
    for (let i = 1; i <= 3; i++) {
      const res = await new WebSession(t.http).login('carol', WRONG);
      expect(res.status).toBe(401);
      expect(await failures(t, 'user:carol')).toBe(i);
    }

    await expectThrottled(t, user);
    // The counter is per account, whatever the case typed.
    await expectThrottled(t, user, 'CAROL');
    expect(await lastLogin(t, user.id)).toBeNull();

    // HTTP Basic goes through the same check.
    const api = await request(t.http).get('/rest/api/user/current').set('Authorization', basicAuth('carol', USER_PASSWORD));
    expect(api.status).toBe(429);
    expect(api.body.message).toBe(THROTTLED);
    expect(await countSessionsForUser(t, user.id)).toBe(0);
  });

  it('throttles one account only: another user still logs in from the same address', async () => {
    const victim = await createUser(t, { username: 'dave' });
    const bystander = await createUser(t, { username: 'erin' });
    for (let i = 0; i < 3; i++) await new WebSession(t.http).login('dave', WRONG);
    await expectThrottled(t, victim);

    const s = new WebSession(t.http);
    expect((await s.login('erin', USER_PASSWORD)).status).toBe(303);
    expect(await countSessionsForUser(t, bystander.id)).toBe(1);
  });

  it('throttles unknown usernames the same way as real ones', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await new WebSession(t.http).login('ghost', WRONG)).status).toBe(401);
    }
    const res = await new WebSession(t.http).login('ghost', WRONG);
    expect(res.status).toBe(429);
    expect(res.text).toContain(THROTTLED);
    expect(await failures(t, 'user:ghost')).toBe(3);
  });

  it('counts failures only inside the window', async () => {
    const user = await createUser(t, { username: 'frank' });
    for (let i = 0; i < 3; i++) await new WebSession(t.http).login('frank', WRONG);
    await expectThrottled(t, user);

    // Move the window into the past instead of waiting for it.
    await t.db.query(`UPDATE login_failures SET window_start = now() - interval '1 hour' WHERE key = 'user:frank'`);
    const s = new WebSession(t.http);
    expect((await s.login('frank', USER_PASSWORD)).status).toBe(303);
    await s.agent.get('/rest/api/user/current').expect(200);
  });

  it('clears the per-user counter on a successful login, but not the per-IP one', async () => {
    const user = await createUser(t, { username: 'grace' });
    for (let i = 0; i < 2; i++) await new WebSession(t.http).login('grace', WRONG);
    expect(await failures(t, 'user:grace')).toBe(2);
    const ipBefore = (await ipFailures(t))[0].failures;

    expect((await new WebSession(t.http).login('grace', USER_PASSWORD)).status).toBe(303);
    expect(await failures(t, 'user:grace')).toBeUndefined();
    expect((await ipFailures(t))[0].failures).toBe(ipBefore);

    // Two more failures would make four in the window had the counter not been cleared.
    for (let i = 0; i < 2; i++) {
      expect((await new WebSession(t.http).login('grace', WRONG)).status).toBe(401);
    }
    const s = new WebSession(t.http);
    expect((await s.login('grace', USER_PASSWORD)).status).toBe(303);
    expect(await countSessionsForUser(t, user.id)).toBe(2);
  });
});

describe('login throttling per IP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      ATRIUM_LOGIN_MAX_FAILURES_PER_USER: '100',
      ATRIUM_LOGIN_MAX_FAILURES_PER_IP: '3',
    });
  });
  afterAll(() => t.close());

  it('refuses every username from an address after N failures across different usernames', async () => {
    const user = await createUser(t, { username: 'heidi' });
    // X-Forwarded-For is not trusted by default, so rotating it does not dodge the limit.
    for (const [i, name] of ['ivan', 'judy', 'mallory'].entries()) {
      const s = new WebSession(t.http);
      const token = await s.csrfToken();
      const res = await s.agent
        .post('/login')
        .set('X-Forwarded-For', `10.0.0.${i + 1}`)
        .type('form')
        .send({ _csrf: token, username: name, password: WRONG });
      expect(res.status).toBe(401);
    }
    const ipRows = await ipFailures(t);
    expect(ipRows).toHaveLength(1);
    expect(ipRows[0].failures).toBe(3);
    expect(ipRows[0].key).not.toContain('10.0.0.');
    for (const name of ['ivan', 'judy', 'mallory']) expect(await failures(t, `user:${name}`)).toBe(1);

    await expectThrottled(t, user);
    expect(await failures(t, 'user:heidi')).toBeUndefined();
    expect(await lastLogin(t, user.id)).toBeNull();
  });
});

describe('login throttling per IP behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      ATRIUM_TRUST_PROXY: 'true',
      ATRIUM_LOGIN_MAX_FAILURES_PER_USER: '100',
      ATRIUM_LOGIN_MAX_FAILURES_PER_IP: '3',
    });
  });
  afterAll(() => t.close());

  /** A login as it arrives through the proxy, which appends the client address to X-Forwarded-For. */
  async function loginVia(forwardedFor: string, username: string, password: string) {
    const s = new WebSession(t.http);
    const token = await s.csrfToken();
    const res = await s.agent
      .post('/login')
      .set('X-Forwarded-For', forwardedFor)
      .type('form')
      .send({ _csrf: token, username, password });
    return res;
  }

  it('counts the address the proxy saw, not one the client forged in front of it', async () => {
    const user = await createUser(t, { username: 'sybil' });
    for (let i = 1; i <= 3; i++) {
      const res = await loginVia(`10.0.0.${i}, 203.0.113.7`, `name-${i}`, WRONG);
      expect(res.status).toBe(401);
    }
    expect(await failures(t, 'ip:203.0.113.7')).toBe(3);
    expect((await ipFailures(t)).filter((r) => r.key.startsWith('ip:10.0.0.'))).toEqual([]);

    const refused = await loginVia('10.9.9.9, 203.0.113.7', 'sybil', USER_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain(THROTTLED);
    expect(await countSessionsForUser(t, user.id)).toBe(0);

    // Another client behind the same proxy is not affected.
    const other = await loginVia('198.51.100.1', 'sybil', USER_PASSWORD);
    expect(other.status).toBe(303);
    expect(await countSessionsForUser(t, user.id)).toBe(1);
  });
});

describe('login throttling across processes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { ATRIUM_LOGIN_MAX_FAILURES_PER_USER: '2', ATRIUM_LOGIN_MAX_FAILURES_PER_IP: '1000' };
    a = await startTestApp(env);
    b = await startTestApp(env, a.database);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('holds the limit on one database: failures on app A refuse the login on app B', async () => {
    const user = await createUser(a, { username: 'oscar' });
    for (let i = 0; i < 2; i++) {
      expect((await new WebSession(a.http).login('oscar', WRONG)).status).toBe(401);
    }
    expect(await failures(b, 'user:oscar')).toBe(2);

    await expectThrottled(b, user);
    await expectThrottled(a, user);
  });

  it('adds failures from both apps into one counter', async () => {
    const user = await createUser(a, { username: 'peggy' });
    expect((await new WebSession(a.http).login('peggy', WRONG)).status).toBe(401);
    expect((await new WebSession(b.http).login('peggy', WRONG)).status).toBe(401);
    expect(await failures(a, 'user:peggy')).toBe(2);
    await expectThrottled(a, user);
  });
});
