import { NotFoundException } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { releaseTogether } from '../../test/helpers/race.js';
import { startTestServices, type TestServices } from '../../test/helpers/test-services.js';
import { ADMINS_GROUP, USERS_GROUP } from './group.entity.js';
import { UserInputError } from './user-input.error.js';
import { UsersService, type NewUserInput } from './users.service.js';

let sequence = 0;
function userInput(overrides: Partial<NewUserInput> = {}): NewUserInput {
  sequence += 1;
  return {
    username: `person${sequence}`,
    fullName: `Person ${sequence}`,
    email: `person${sequence}@example.com`,
    password: 'long-enough-1',
    confirmPassword: 'long-enough-1',
    ...overrides,
  };
}

async function inputError(work: Promise<unknown>): Promise<Record<string, string>> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserInputError);
  return (error as UserInputError).fieldErrors;
}

describe('UsersService', () => {
  let s: TestServices;
  let users: UsersService;

  const count = async (table: 'users' | 'user_groups') =>
    (await s.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  beforeAll(async () => {
    s = await startTestServices();
    users = s.module.get(UsersService);
  });
  afterAll(() => s.close());

  describe('ensureInitialAdmin', () => {
    it('creates exactly one admin on an empty database, even when processes race', async () => {
      const results = await Promise.all([users.ensureInitialAdmin(), users.ensureInitialAdmin()]);
      const created = results.filter(Boolean);
      expect(created).toHaveLength(1);
      expect(created[0]!.username).toBe('admin');
      const generated = created[0]!.generatedPassword!;
      expect(generated.length).toBeGreaterThanOrEqual(16);
      const [row] = await s.db.query(`SELECT password_hash FROM users WHERE username = 'admin'`);
      expect(await bcrypt.compare(generated, row.password_hash)).toBe(true);
      expect((await users.findByUsername('admin'))!.groups).toEqual([ADMINS_GROUP, USERS_GROUP]);
    });

    it('does nothing once any user exists', async () => {
      expect(await users.ensureInitialAdmin('configured-pw-1')).toBeNull();
      expect(await count('users')).toBe(1);
    });
  });

  describe('createUser', () => {
    it('writes a trimmed user in confluence-users with a bcrypt hash', async () => {
      const user = await users.createUser(
        userInput({ username: ' carol ', fullName: ' Carol Danvers ', email: ' Carol@Example.com ', password: 'carol-pass-1', confirmPassword: 'carol-pass-1' }),
        { requirePassword: true },
      );
      expect(user).toMatchObject({
        username: 'carol',
        fullName: 'Carol Danvers',
        email: 'Carol@Example.com',
        active: true,
        lastLoginAt: null,
        groups: [USERS_GROUP],
      });
      const [row] = await s.db.query(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
      expect(row.password_hash).toMatch(/^\$2[aby]\$04\$/);
      expect(await bcrypt.compare('carol-pass-1', row.password_hash)).toBe(true);
    });

    it('adds the requested extra groups', async () => {
      const user = await users.createUser(userInput(), { requirePassword: true, groups: [ADMINS_GROUP] });
      expect(user.groups).toEqual([ADMINS_GROUP, USERS_GROUP]);
    });

    it('creates an SSO-only user with no password hash when none is required', async () => {
      const user = await users.createUser(userInput({ password: undefined, confirmPassword: undefined }), {
        requirePassword: false,
      });
      const [row] = await s.db.query(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
      expect(row.password_hash).toBeNull();
      expect(await users.findCredentials(user.username)).toMatchObject({ id: user.id, passwordHash: null });
    });

    it('still checks a password that is given when none is required', async () => {
      const errors = await inputError(
        users.createUser(userInput({ password: 'short', confirmPassword: 'short' }), { requirePassword: false }),
      );
      expect(errors).toEqual({ password: 'Password must be at least 8 characters.' });
    });

    it('reports every bad field at once and writes nothing', async () => {
      const before = await count('users');
      const errors = await inputError(users.createUser({}, { requirePassword: true }));
      expect(errors).toEqual({
        username: 'Enter a username.',
        fullName: 'Enter a full name.',
        email: 'Enter an email address.',
        password: 'Enter a password.',
      });
      expect(await count('users')).toBe(before);
    });

    it('checks the confirmation only when one is sent (the CLI sends none)', async () => {
      const errors = await inputError(
        users.createUser(userInput({ password: 'first-pass-1', confirmPassword: 'other-pass-1' }), { requirePassword: true }),
      );
      expect(errors).toEqual({ confirmPassword: 'Passwords do not match.' });
      const user = await users.createUser(userInput({ confirmPassword: undefined }), { requirePassword: true });
      expect(user.id).toBeTruthy();
    });

    it('refuses passwords that bcrypt would silently truncate (over 72 bytes)', async () => {
      const password = 'é'.repeat(37); // 37 characters, 74 bytes
      const errors = await inputError(users.createUser(userInput({ password, confirmPassword: password }), { requirePassword: true }));
      expect(errors).toEqual({ password: 'Password must be at most 72 bytes.' });
    });

    it('treats usernames and emails as unique regardless of case', async () => {
      await users.createUser(userInput({ username: 'Dana', email: 'Dana@Example.com' }), { requirePassword: true });
      const before = await count('users');
      expect(await inputError(users.createUser(userInput({ username: 'dANA' }), { requirePassword: true }))).toEqual({
        username: 'A user with this username already exists.',
      });
      expect(await inputError(users.createUser(userInput({ email: 'dana@EXAMPLE.COM' }), { requirePassword: true }))).toEqual({
        email: 'A user with this email already exists.',
      });
      expect(await count('users')).toBe(before);
    });

    it('turns a race for the same username into the same field error, with one row written', async () => {
      const before = await count('users');
      const results = await Promise.allSettled([
        users.createUser(userInput({ username: 'racer' }), { requirePassword: true }),
        users.createUser(userInput({ username: 'RACER' }), { requirePassword: true }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected.reason).toBeInstanceOf(UserInputError);
      expect((rejected.reason as UserInputError).fieldErrors).toEqual({ username: 'A user with this username already exists.' });
      expect(await count('users')).toBe(before + 1);
    });

    it('writes no user and no membership when a requested group does not exist', async () => {
      const [users0, members0] = [await count('users'), await count('user_groups')];
      const errors = await inputError(
        users.createUser(userInput({ username: 'half-way' }), { requirePassword: true, groups: ['no-such-group'] }),
      );
      expect(errors).toEqual({ groups: 'No such group: no-such-group.' });
      expect(await count('users')).toBe(users0);
      expect(await count('user_groups')).toBe(members0);
      expect(await users.findByUsername('half-way')).toBeNull();
    });

    it('has the database refuse what the service refuses, as the guarantee', async () => {
      const insert = (username: string, email: string) =>
        s.db.query(`INSERT INTO users (username, full_name, email) VALUES ($1, 'X', $2)`, [username, email]);
      await expect(insert('DANA', 'fresh1@example.com')).rejects.toMatchObject({ code: '23505' });
      await expect(insert('fresh1', 'DANA@example.com')).rejects.toMatchObject({ code: '23505' });
      await expect(insert('has space', 'fresh2@example.com')).rejects.toMatchObject({ code: '23514' });
      await expect(insert('x'.repeat(256), 'fresh3@example.com')).rejects.toBeTruthy();
    });
  });

  describe('searchUsers', () => {
    beforeAll(async () => {
      await s.db.query(`DELETE FROM users WHERE username <> 'admin'`);
      for (const username of ['a%b', 'a_b', 'axb', 'a\\b', 'zed']) {
        await users.createUser(userInput({ username, fullName: `Search ${username}`, email: `${sequence}@search.example` }), {
          requirePassword: false,
        });
      }
      await s.db.query(
        `INSERT INTO users (username, full_name, email)
         SELECT 'page-' || lpad(n::text, 2, '0'), 'Paged Person', 'page' || n || '@paging.example'
           FROM generate_series(1, 7) AS n`,
      );
    });

    it('matches a substring of username, full name or email, in any case', async () => {
      expect((await users.searchUsers({ q: 'ZED' })).users.map((u) => u.username)).toEqual(['zed']);
      expect((await users.searchUsers({ q: 'paged PERSON' })).total).toBe(7);
      expect((await users.searchUsers({ q: '@PAGING.example' })).total).toBe(7);
      expect((await users.searchUsers({ q: '  zed  ' })).total).toBe(1);
    });

    it.each([
      ['a%b', ['a%b']],
      ['a_b', ['a_b']],
      ['a\\b', ['a\\b']],
      ['%', ['a%b']],
      ['_', ['a_b']],
    ])('takes %s literally, not as a LIKE pattern', async (q, expected) => {
      expect((await users.searchUsers({ q })).users.map((u) => u.username)).toEqual(expected);
    });

    it('pages in username order with a total and a page count', async () => {
      const page1 = await users.searchUsers({ q: 'paged', pageSize: 3 });
      expect(page1).toMatchObject({ total: 7, page: 1, pages: 3, pageSize: 3 });
      expect(page1.users.map((u) => u.username)).toEqual(['page-01', 'page-02', 'page-03']);
      const page2 = await users.searchUsers({ q: 'paged', pageSize: 3, page: 2 });
      expect(page2.users.map((u) => u.username)).toEqual(['page-04', 'page-05', 'page-06']);
      const page3 = await users.searchUsers({ q: 'paged', pageSize: 3, page: 3 });
      expect(page3.users.map((u) => u.username)).toEqual(['page-07']);
    });

    it('clamps the page and the page size', async () => {
      expect(await users.searchUsers({ q: 'paged', pageSize: 3, page: 99 })).toMatchObject({ page: 3 });
      expect(await users.searchUsers({ q: 'paged', pageSize: 3, page: -1 })).toMatchObject({ page: 1 });
      expect(await users.searchUsers({ pageSize: 1000 })).toMatchObject({ pageSize: 100 });
      expect(await users.searchUsers({ pageSize: 0 })).toMatchObject({ pageSize: 1 });
      expect(await users.searchUsers({ q: 'nobody-matches' })).toMatchObject({ total: 0, page: 1, pages: 1, users: [] });
    });

    it("returns each user's groups", async () => {
      const [admin] = (await users.searchUsers({ q: 'admin' })).users;
      expect(admin.groups).toEqual([ADMINS_GROUP, USERS_GROUP]);
      const [paged] = (await users.searchUsers({ q: 'page-01' })).users;
      expect(paged.groups).toEqual([]);
    });
  });

  describe('updateProfile, setPassword and setActive', () => {
    it('updates full name and email, and allows the own email in another case', async () => {
      const user = await users.createUser(userInput({ email: 'erin@example.com' }), { requirePassword: true });
      const updated = await users.updateProfile(user.id, { fullName: ' Erin Example ', email: 'ERIN@example.com' });
      expect(updated).toMatchObject({ fullName: 'Erin Example', email: 'ERIN@example.com' });
    });

    it("refuses another user's email and bad values, changing nothing", async () => {
      await users.createUser(userInput({ email: 'taken@example.com' }), { requirePassword: true });
      const user = await users.createUser(userInput(), { requirePassword: true });
      expect(await inputError(users.updateProfile(user.id, { fullName: 'New', email: 'TAKEN@example.com' }))).toEqual({
        email: 'A user with this email already exists.',
      });
      expect(await inputError(users.updateProfile(user.id, { fullName: '', email: 'bad' }))).toEqual({
        fullName: 'Enter a full name.',
        email: 'Enter a valid email address, like name@example.com.',
      });
      expect(await users.findById(user.id)).toMatchObject({ fullName: user.fullName, email: user.email });
    });

    it('sets a password, checking it first', async () => {
      const user = await users.createUser(userInput(), { requirePassword: true });
      expect(await inputError(users.setPassword(user.id, 'new-pass-1', 'new-pass-2'))).toEqual({
        confirmPassword: 'Passwords do not match.',
      });
      await users.setPassword(user.id, 'new-pass-1', 'new-pass-1');
      const [row] = await s.db.query(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
      expect(await bcrypt.compare('new-pass-1', row.password_hash)).toBe(true);
    });

    it('answers NotFound for an unknown or malformed id', async () => {
      await expect(users.setPassword('00000000-0000-4000-8000-000000000000', 'whatever-1')).rejects.toBeInstanceOf(
        NotFoundException,
      );
      await expect(users.updateProfile('not-a-uuid', {})).rejects.toBeInstanceOf(NotFoundException);
      expect(await users.findById('not-a-uuid')).toBeNull();
    });

    it("deactivates a user and ends only that user's sessions", async () => {
      const user = await users.createUser(userInput(), { requirePassword: true });
      const other = await users.createUser(userInput(), { requirePassword: true });
      await s.db.query(
        `INSERT INTO sessions (sid, sess, expire) VALUES ($1, $2, now() + interval '1 hour'), ($3, $4, now() + interval '1 hour')`,
        ['sid-a', JSON.stringify({ userId: user.id }), 'sid-b', JSON.stringify({ userId: other.id })],
      );
      await users.setActive(user.id, false);
      expect((await users.findById(user.id))!.active).toBe(false);
      expect((await s.db.query(`SELECT sid FROM sessions ORDER BY sid`)).map((r: { sid: string }) => r.sid)).toEqual(['sid-b']);
      await users.setActive(user.id, true);
      expect((await users.findById(user.id))!.active).toBe(true);
    });

    it('refuses to deactivate the last active administrator', async () => {
      await s.db.query(
        `DELETE FROM user_groups WHERE group_id = (SELECT id FROM groups WHERE name = $1)
           AND user_id <> (SELECT id FROM users WHERE username = 'admin')`,
        [ADMINS_GROUP],
      );
      const admin = (await users.findByUsername('admin'))!;
      expect(await users.countActiveAdmins()).toBe(1);
      expect(await inputError(users.setActive(admin.id, false))).toEqual({
        active: 'This is the last active administrator; it cannot be deactivated.',
      });
      expect((await users.findById(admin.id))!.active).toBe(true);

      const second = await users.createUser(userInput(), { requirePassword: true, groups: [ADMINS_GROUP] });
      expect(await users.countActiveAdmins()).toBe(2);
      await users.setActive(second.id, false);
      expect(await users.countActiveAdmins()).toBe(1);
      await expect(users.setActive(admin.id, false)).rejects.toBeInstanceOf(UserInputError);
    });

    it('keeps one active administrator when two deactivate each other at once', async () => {
      const a = await users.createUser(userInput(), { requirePassword: true, groups: [ADMINS_GROUP] });
      const b = await users.createUser(userInput(), { requirePassword: true, groups: [ADMINS_GROUP] });
      const admin = (await users.findByUsername('admin'))!;
      await s.db.query(`UPDATE users SET active = false WHERE id = $1`, [admin.id]);
      try {
        expect(await users.countActiveAdmins()).toBe(2);
        const results = await releaseTogether(
          s.config.databaseUrl,
          { sql: `SELECT 1 FROM users WHERE id = ANY($1) FOR UPDATE`, params: [[a.id, b.id]] },
          2,
          () => [users.setActive(a.id, false), users.setActive(b.id, false)],
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const [refused] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(refused.reason).toBeInstanceOf(UserInputError);
        expect(await users.countActiveAdmins()).toBe(1);
      } finally {
        await s.db.query(`UPDATE users SET active = true WHERE id = $1`, [admin.id]);
      }
    });
  });
});
