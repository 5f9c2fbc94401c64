import type { DataSource } from 'typeorm';
import { UsersService, type NewUserInput } from '../../src/users/users.service.js';
import type { UserSummary } from '../../src/users/user-summary.js';
import { ADMIN_PASSWORD, type TestApp } from './test-app.js';
import { WebSession, csrfTokenFrom } from './web-session.js';

export type FormFields = Record<string, string | string[]>;
export type UserForm = Required<{ [K in keyof NewUserInput]: string }>;

let sequence = 0;

/** A valid Add Users form with a unique username and email; override any field. */
export function newUserForm(overrides: Partial<UserForm> = {}): UserForm {
  sequence += 1;
  const password = overrides.password ?? `Pa55word-${sequence}-x`;
  return {
    username: `user-${sequence}`,
    fullName: `Test User ${sequence}`,
    email: `user-${sequence}@example.com`,
    password,
    confirmPassword: password,
    ...overrides,
  };
}

/** Creates a user through the same service the UI uses; returns it with its password. */
export async function createUser(
  t: TestApp,
  overrides: Partial<UserForm> = {},
  groups: string[] = [],
): Promise<UserSummary & { password: string }> {
  const form = newUserForm(overrides);
  const user = await t.app.get(UsersService).createUser(form, { requirePassword: true, groups });
  return { ...user, password: form.password };
}

/**
 * Inserts `count` users in one statement (bcrypt would be slow and is beside the point):
 * `${prefix}-001` with full name `${namePrefix} 001` and email `${prefix}001@bulk.example`.
 */
export async function insertBulkUsers(db: DataSource, count: number, prefix = 'bulk-user', namePrefix = 'Bulk Person') {
  await db.query(
    `WITH created AS (
       INSERT INTO users (username, full_name, email)
       SELECT $1 || '-' || lpad(n::text, 3, '0'), $2 || ' ' || lpad(n::text, 3, '0'),
              $1 || lpad(n::text, 3, '0') || '@bulk.example'
         FROM generate_series(1, $3::int) AS n
       RETURNING id)
     INSERT INTO user_groups (user_id, group_id)
     SELECT c.id, g.id FROM created c CROSS JOIN groups g WHERE g.name = 'confluence-users'`,
    [prefix, namePrefix, count],
  );
}

/** Encodes a form as a browser does: repeated keys for multi-valued fields such as checkboxes. */
export function browserForm(fields: FormFields): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

/** Loads `fromPage` for its CSRF token, then posts the form like a browser. */
export async function postForm(s: WebSession, path: string, fields: FormFields, fromPage = '/') {
  const page = await s.agent.get(fromPage);
  const token = csrfTokenFrom(page.text);
  return s.agent
    .post(path)
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .send(browserForm({ _csrf: token, ...fields }));
}

/** A signed-in WebSession; throws when the login is refused. */
export async function loginAs(t: TestApp, username: string, password: string): Promise<WebSession> {
  const s = new WebSession(t.http);
  const res = await s.login(username, password);
  if (res.status !== 303) throw new Error(`login as ${username} failed with ${res.status}`);
  return s;
}

export function loginAsAdmin(t: TestApp): Promise<WebSession> {
  return loginAs(t, 'admin', ADMIN_PASSWORD);
}

export async function countUsers(db: DataSource): Promise<number> {
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM users`);
  return n;
}

export async function groupsOf(db: DataSource, username: string): Promise<string[]> {
  const rows: { name: string }[] = await db.query(
    `SELECT g.name FROM user_groups ug JOIN groups g ON g.id = ug.group_id JOIN users u ON u.id = ug.user_id
      WHERE lower(u.username) = lower($1) ORDER BY g.name`,
    [username],
  );
  return rows.map((r) => r.name);
}

/** Everything the admin console can change, for "nothing changed" assertions. */
export async function snapshot(db: DataSource) {
  return {
    users: await db.query(
      `SELECT id, username, full_name, email, password_hash, active, updated_at FROM users ORDER BY username`,
    ),
    groups: await db.query(`SELECT id, name FROM groups ORDER BY name`),
    memberships: await db.query(
      `SELECT u.username, g.name FROM user_groups ug JOIN users u ON u.id = ug.user_id
         JOIN groups g ON g.id = ug.group_id ORDER BY u.username, g.name`,
    ),
  };
}

/** HTML-escapes like Handlebars' `{{value}}`, to look for a kept form value. */
export function escapeHtml(value: string): string {
  const map: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#x27;',
    '`': '&#x60;',
    '=': '&#x3D;',
  };
  return value.replace(/[&<>"'`=]/g, (c) => map[c]);
}

/** The `<div class="field">` that holds the input `field`, so a message can be checked to sit beside it. */
export function fieldBlock(html: string, field: string): string {
  const match = new RegExp(`<div class="field">\\s*<label for="${field}">[\\s\\S]*?</div>`).exec(html);
  if (!match) throw new Error(`no field "${field}" in page`);
  return match[0];
}

/** The value attribute of the input with this id. */
export function inputValue(html: string, id: string): string | undefined {
  const tag = new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0];
  return tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined;
}

/** Usernames in the User management table, in order. */
export function listedUsernames(html: string): string[] {
  return [...html.matchAll(/<td><a href="\/admin\/users\/[0-9a-f-]{36}">([^<]*)<\/a><\/td>/g)].map((m) => m[1]);
}
