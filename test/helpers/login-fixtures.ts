import { createHmac, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { UsersService } from '../../src/users/users.service.js';
import type { UserSummary } from '../../src/users/user-summary.js';
import type { TestApp } from './test-app.js';
import type { WebSession } from './web-session.js';

export const USER_PASSWORD = 'user-password-1';

let sequence = 0;

/** Creates an active user through UsersService (the same path as Add Users), password USER_PASSWORD. */
export async function createUser(
  t: TestApp,
  overrides: { username?: string; fullName?: string; email?: string; password?: string } = {},
  groups: string[] = [],
): Promise<UserSummary> {
  sequence += 1;
  const username = overrides.username ?? `user${sequence}-${randomBytes(3).toString('hex')}`;
  const password = overrides.password ?? USER_PASSWORD;
  return t.app.get(UsersService).createUser(
    {
      username,
      fullName: overrides.fullName ?? `Test User ${sequence}`,
      email: overrides.email ?? `${username}@example.com`,
      password,
      confirmPassword: password,
    },
    { requirePassword: true, groups },
  );
}

/** The session ID inside an express-session cookie value (`s:<sid>.<signature>`, maybe URL-encoded). */
export function sidFromCookie(value: string): string {
  const decoded = decodeURIComponent(value);
  if (!decoded.startsWith('s:')) throw new Error(`not a signed session cookie: ${value}`);
  return decoded.slice(2, decoded.lastIndexOf('.'));
}

/** The `name=value` of a cookie set by a response, or undefined. */
export function setCookieValue(res: Response, name: string): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = header?.find((c) => c.startsWith(`${name}=`));
  return cookie?.slice(name.length + 1).split(';')[0];
}

/** The full Set-Cookie line for a cookie, attributes included. */
export function setCookieLine(res: Response, name: string): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return header?.find((c) => c.startsWith(`${name}=`));
}

export async function sessionRowExists(t: TestApp, sid: string): Promise<boolean> {
  const rows = await t.db.query(`SELECT 1 FROM sessions WHERE sid = $1`, [sid]);
  return rows.length > 0;
}

export async function countSessionsForUser(t: TestApp, userId: string): Promise<number> {
  const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM sessions WHERE sess->>'userId' = $1`, [userId]);
  return n;
}

export async function countUsers(t: TestApp): Promise<number> {
  const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM users`);
  return n;
}

/**
 * Stores an anonymous session row the way express-session would and returns a cookie
 * value signed with the app's secret: what an attacker planting a session would hold.
 */
export async function plantAnonymousSession(t: TestApp): Promise<{ sid: string; cookieValue: string }> {
  const sid = randomBytes(18).toString('base64url');
  const sess = { cookie: { originalMaxAge: 3_600_000, httpOnly: true, path: '/', sameSite: 'lax' }, flash: 'hello' };
  await t.db.query(`INSERT INTO sessions (sid, sess, expire) VALUES ($1, $2, now() + interval '1 hour')`, [
    sid,
    JSON.stringify(sess),
  ]);
  const [{ value: secret }] = await t.db.query(`SELECT value FROM system_secrets WHERE name = 'session'`);
  const signature = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return { sid, cookieValue: encodeURIComponent(`s:${sid}.${signature}`) };
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** A cookie's value in a WebSession's jar (as the browser would send it), or undefined. */
export function jarCookie(s: WebSession, name: string): string | undefined {
  const cookies = s.agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false });
  return cookies.find((c) => c.name === name)?.value;
}

/** The Cookie header a WebSession would send, to replay its cookies against another app. */
export function cookieHeader(s: WebSession): string {
  return s.agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();
}
