import bcrypt from 'bcrypt';
import { Client } from 'pg';
import { runCli } from '../src/cli/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { fieldBlock, loginAsAdmin, newUserForm, postForm } from './helpers/admin-fixtures.js';

interface Captured {
  code: number;
  out: string[];
  err: string[];
}

describe('operator CLI', () => {
  let database: TestDatabase;
  let pg: Client;
  let env: Record<string, string>;

  async function cli(...argv: string[]): Promise<Captured> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  }

  async function userCount(): Promise<number> {
    return (await pg.query(`SELECT count(*)::int AS n FROM users`)).rows[0].n;
  }

  async function groupsOf(username: string): Promise<string[]> {
    const { rows } = await pg.query(
      `SELECT g.name FROM user_groups ug JOIN groups g ON g.id = ug.group_id JOIN users u ON u.id = ug.user_id
        WHERE u.username = $1 ORDER BY g.name`,
      [username],
    );
    return rows.map((r) => r.name);
  }

  async function hashOf(username: string): Promise<string> {
    return (await pg.query(`SELECT password_hash FROM users WHERE username = $1`, [username])).rows[0].password_hash;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      DATABASE_URL: database.url,
      ATRIUM_BCRYPT_COST: '4',
      ATRIUM_ADMIN_PASSWORD: 'cli-admin-password',
      ATRIUM_LOG_LEVEL: 'error',
    };
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await database.drop();
  });

  it('user:add adds a user in confluence-users with a bcrypt hash', async () => {
    const r = await cli('user:add', '--username', 'alice', '--full-name', 'Alice Liddell', '--email', 'alice@example.com', '--password', 'alice-password-1');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['Added alice (alice@example.com) in groups: confluence-users']);
    const { rows } = await pg.query(`SELECT full_name, email, active FROM users WHERE username = 'alice'`);
    expect(rows).toEqual([{ full_name: 'Alice Liddell', email: 'alice@example.com', active: true }]);
    expect(await bcrypt.compare('alice-password-1', await hashOf('alice'))).toBe(true);
    expect(await groupsOf('alice')).toEqual(['confluence-users']);
  });

  it('user:add --admin also puts the user in confluence-administrators', async () => {
    const r = await cli('user:add', '--username', 'root-op', '--full-name', 'Root Operator', '--email', 'ops@example.com', '--password', 'ops-password-1', '--admin');
    expect(r.code).toBe(0);
    expect(r.out[0]).toContain('confluence-administrators');
    expect(await groupsOf('root-op')).toEqual(['confluence-administrators', 'confluence-users']);
  });

  it.each([
    ['a duplicate username in another case', ['--username', 'ALICE', '--full-name', 'A', '--email', 'other@example.com', '--password', 'password-123'], 'Error (username): A user with this username already exists.'],
    ['a duplicate email in another case', ['--username', 'alice2', '--full-name', 'A', '--email', 'Alice@Example.COM', '--password', 'password-123'], 'Error (email): A user with this email already exists.'],
    ['a missing email', ['--username', 'bob', '--full-name', 'Bob', '--password', 'password-123'], 'Error (email): Enter an email address.'],
    ['an invalid email', ['--username', 'bob', '--full-name', 'Bob', '--email', 'bob-at-example', '--password', 'password-123'], 'Error (email): Enter a valid email address, like name@example.com.'],
    ['a missing password', ['--username', 'bob', '--full-name', 'Bob', '--email', 'bob@example.com'], 'Error (password): Enter a password.'],
    ['a too-short password', ['--username', 'bob', '--full-name', 'Bob', '--email', 'bob@example.com', '--password', 'short'], 'Error (password): Password must be at least 8 characters.'],
    ['a username with a space', ['--username', 'bob smith', '--full-name', 'Bob', '--email', 'bob@example.com', '--password', 'password-123'], 'Error (username): Username cannot contain spaces or control characters.'],
  ])('user:add refuses %s: exit 1, a message, no row', async (_what, args, message) => {
    const before = await userCount();
    const r = await cli('user:add', ...args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.out).toEqual([]);
    expect(await userCount()).toBe(before);
  });

  it('user:set-password sets a password that verifies against the stored hash', async () => {
    const oldHash = await hashOf('alice');
    const r = await cli('user:set-password', '--username', 'Alice', '--password', 'alice-new-password');
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['Password set for alice.']);
    const hash = await hashOf('alice');
    expect(hash).not.toBe(oldHash);
    expect(await bcrypt.compare('alice-new-password', hash)).toBe(true);
    expect(await bcrypt.compare('alice-password-1', hash)).toBe(false);
  });

  it.each([
    ['an unknown user', ['--username', 'nobody', '--password', 'whatever-123'], 'Error (username): No user named "nobody".'],
    ['a too-short password', ['--username', 'alice', '--password', 'short'], 'Error (password): Password must be at least 8 characters.'],
    ['a missing username', ['--password', 'whatever-123'], 'Error (username): --username is required.'],
  ])('user:set-password refuses %s with exit 1 and keeps the hash', async (_what, args, message) => {
    const before = await hashOf('alice');
    const r = await cli('user:set-password', ...args);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(await hashOf('alice')).toBe(before);
  });

  it('user:list lists every user with their groups, and --search filters', async () => {
    const all = await cli('user:list');
    expect(all.code).toBe(0);
    expect(all.out).toEqual([
      'alice\tAlice Liddell\talice@example.com\tactive\tconfluence-users',
      'root-op\tRoot Operator\tops@example.com\tactive\tconfluence-administrators,confluence-users',
      '2 user(s); page 1 of 1.',
    ]);
    const found = await cli('user:list', '--search', 'OPERATOR');
    expect(found.out).toEqual([
      'root-op\tRoot Operator\tops@example.com\tactive\tconfluence-administrators,confluence-users',
      '1 user(s); page 1 of 1.',
    ]);
    const none = await cli('user:list', '--search', '%');
    expect(none.out).toEqual(['0 user(s); page 1 of 1.']);
  });

  it('exits 2 with the usage for an unknown command, no command or an unknown option', async () => {
    for (const argv of [['user:delete', '--username', 'alice'], [], ['user:list', '--frobnicate']]) {
      const before = await userCount();
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.join('\n'), argv.join(' ')).toContain('Usage: npm run cli -- <command> [options]');
      expect(await userCount()).toBe(before);
    }
  });

  it('migration:run reports that nothing is pending', async () => {
    const r = await cli('migration:run');
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['No pending migrations.']);
  });

  it('exits 1 with one clear line for bad configuration', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['user:list'], { ...env, ATRIUM_BCRYPT_COST: '99' }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err).toEqual(['Error: ATRIUM_BCRYPT_COST must be a whole number from 4 to 15, got "99"']);
    expect(out).toEqual([]);
  });

  describe('shares its rules with the Add Users form', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it.each([
      ['a space', 'two words'],
      ['a tab', 'tab\there'],
      ['a control character', 'bell\u0007'],
      ['256 characters', 'u'.repeat(256)],
    ])('refuses a username with %s in both, with the same message', async (_what, username) => {
      const admin = await loginAsAdmin(t);
      const form = newUserForm({ username });
      const ui = await postForm(admin, '/admin/users/add', form, '/admin/users/add');
      expect(ui.status).toBe(400);
      const uiMessage = /<p class="field-error" id="username-error">([^<]*)<\/p>/.exec(fieldBlock(ui.text, 'username'))?.[1];
      expect(uiMessage).toBeTruthy();

      const before = await userCount();
      const r = await cli('user:add', '--username', username, '--full-name', form.fullName, '--email', form.email, '--password', form.password);
      expect(r.code).toBe(1);
      expect(r.err).toEqual([`Error (username): ${uiMessage}`]);
      expect(await userCount()).toBe(before);
    });
  });
});
