import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import {
  createUser,
  escapeHtml,
  fieldBlock,
  groupsOf,
  insertBulkUsers,
  inputValue,
  listedUsernames,
  loginAs,
  loginAsAdmin,
  postForm,
  snapshot,
} from './helpers/admin-fixtures.js';
import { WebSession } from './helpers/web-session.js';

const PAGE_SIZE = 50;

function unescapeHtml(value: string): string {
  return value
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function pagerLink(html: string, rel: 'prev' | 'next'): string | undefined {
  const href = new RegExp(`<a href="([^"]*)" rel="${rel}">`).exec(html)?.[1];
  return href === undefined ? undefined : unescapeHtml(href);
}

function userRow(html: string, username: string): string {
  const row = new RegExp(`<tr>\\s*<td><a href="/admin/users/[0-9a-f-]{36}">${username}</a></td>[\\s\\S]*?</tr>`).exec(html);
  if (!row) throw new Error(`no row for ${username}`);
  return row[0];
}

describe('User management', () => {
  let t: TestApp;
  let admin: WebSession;
  let adminId: string;
  let jdoe: Awaited<ReturnType<typeof createUser>>;
  let msmith: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    [{ id: adminId }] = await t.db.query(`SELECT id FROM users WHERE username = 'admin'`);
    await t.db.query(`INSERT INTO groups (name) VALUES ('team-a'), ('team-b')`);
    await insertBulkUsers(t.db, 120);
    jdoe = await createUser(t, { username: 'jdoe', fullName: 'Jane Doe', email: 'jane@corp.example' }, ['team-a']);
    msmith = await createUser(t, { username: 'msmith', fullName: 'Mary Smith', email: 'mary@another.example' });
    await createUser(t, { username: 'under_score', fullName: 'Under Score', email: 'us@example.com' });
  });
  afterAll(() => t.close());

  describe('list', () => {
    let all: string[];
    beforeAll(async () => {
      all = (await t.db.query(`SELECT username FROM users ORDER BY lower(username)`)).map((r: { username: string }) => r.username);
    });

    it('shows the first page with the total and a Next link, but no Previous', async () => {
      const res = await admin.agent.get('/admin/users').expect(200);
      expect(all.length).toBe(124);
      expect(res.text).toContain(`${all.length} user(s)`);
      expect(res.text).toContain('Page 1 of 3');
      expect(listedUsernames(res.text)).toEqual(all.slice(0, PAGE_SIZE));
      expect(pagerLink(res.text, 'next')).toBe('/admin/users?page=2');
      expect(pagerLink(res.text, 'prev')).toBeUndefined();
    });

    it('shows other users on page 2, with Previous and Next links', async () => {
      const first = listedUsernames((await admin.agent.get('/admin/users?page=1').expect(200)).text);
      const res = await admin.agent.get('/admin/users?page=2').expect(200);
      const second = listedUsernames(res.text);
      expect(second).toEqual(all.slice(PAGE_SIZE, 2 * PAGE_SIZE));
      expect(second.filter((u) => first.includes(u))).toEqual([]);
      expect(res.text).toContain('Page 2 of 3');
      expect(pagerLink(res.text, 'prev')).toBe('/admin/users?page=1');
      expect(pagerLink(res.text, 'next')).toBe('/admin/users?page=3');
    });

    it('shows the rest on the last page, with no Next link', async () => {
      const res = await admin.agent.get('/admin/users?page=3').expect(200);
      expect(listedUsernames(res.text)).toEqual(all.slice(2 * PAGE_SIZE));
      expect(pagerLink(res.text, 'next')).toBeUndefined();
      expect(pagerLink(res.text, 'prev')).toBe('/admin/users?page=2');
    });

    it('clamps page numbers that are out of range or not numbers', async () => {
      const past = await admin.agent.get('/admin/users?page=999').expect(200);
      expect(past.text).toContain('Page 3 of 3');
      for (const page of ['abc', '-2', '0']) {
        const res = await admin.agent.get(`/admin/users?page=${page}`).expect(200);
        expect(res.text, page).toContain('Page 1 of 3');
      }
    });

    it.each([
      ['full name', 'Jane DOE', ['jdoe']],
      ['username', 'MSMITH', ['msmith']],
      ['email', 'another.example', ['msmith']],
      ['a literal underscore, not a wildcard', '_', ['under_score']],
      ['a literal percent sign, not a wildcard', '%', []],
    ])('searches by %s', async (_what, q, expected) => {
      const res = await admin.agent.get('/admin/users').query({ q }).expect(200);
      expect(listedUsernames(res.text)).toEqual(expected);
      expect(res.text).toContain(`${expected.length} user(s)`);
      expect(inputValue(res.text, 'q')).toBe(escapeHtml(q));
      if (!expected.length) expect(res.text).toContain('No users found.');
    });

    it('pages through search results, keeping the search in the links', async () => {
      const res = await admin.agent.get('/admin/users').query({ q: 'bulk person' }).expect(200);
      expect(res.text).toContain('120 user(s)');
      expect(res.text).toContain('Page 1 of 3');
      expect(listedUsernames(res.text)).toHaveLength(PAGE_SIZE);
      expect(listedUsernames(res.text).every((u) => u.startsWith('bulk-user-'))).toBe(true);
      const next = pagerLink(res.text, 'next')!;
      expect(next).toBe('/admin/users?q=bulk+person&page=2');
      const page2 = await admin.agent.get(next).expect(200);
      expect(listedUsernames(page2.text)[0]).toBe('bulk-user-051');
      expect(pagerLink(page2.text, 'prev')).toBe('/admin/users?q=bulk+person&page=1');
    });

    it("shows each user's groups in their row", async () => {
      const res = await admin.agent.get('/admin/users').query({ q: 'corp.example' }).expect(200);
      expect(userRow(res.text, 'jdoe')).toContain('<td>confluence-users, team-a</td>');
      const adminRow = userRow((await admin.agent.get('/admin/users').query({ q: 'admin' })).text, 'admin');
      expect(adminRow).toContain('<td>confluence-administrators, confluence-users</td>');
    });
  });

  describe('one user', () => {
    it('shows the user with their details and group checkboxes', async () => {
      const res = await admin.agent.get(`/admin/users/${jdoe.id}`).expect(200);
      expect(inputValue(res.text, 'fullName')).toBe('Jane Doe');
      expect(inputValue(res.text, 'email')).toBe('jane@corp.example');
      expect(res.text).toContain('<input type="checkbox" name="groups" value="team-a" checked>');
      expect(res.text).toContain('<input type="checkbox" name="groups" value="confluence-users" checked>');
      expect(res.text).toContain('<input type="checkbox" name="groups" value="team-b">');
      expect(res.text).toContain('<input type="checkbox" name="groups" value="confluence-administrators">');
    });

    it('answers 404 for an unknown user and 400 for a malformed id', async () => {
      const missing = await admin.agent.get(`/admin/users/${randomUUID()}`);
      expect(missing.status).toBe(404);
      expect(missing.text).toContain('No such user.');
      expect((await admin.agent.get('/admin/users/not-a-uuid')).status).toBe(400);
    });

    it('edits full name and email', async () => {
      const res = await postForm(admin, `/admin/users/${jdoe.id}/profile`, {
        fullName: 'Jane Q. Doe',
        email: 'Jane.Q@corp.example',
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/users/${jdoe.id}`);
      const [row] = await t.db.query(`SELECT full_name, email FROM users WHERE id = $1`, [jdoe.id]);
      expect(row).toEqual({ full_name: 'Jane Q. Doe', email: 'Jane.Q@corp.example' });
      expect((await admin.agent.get(res.headers.location)).text).toContain('Details saved.');
    });

    it('accepts the same email in another case as the user’s own', async () => {
      const res = await postForm(admin, `/admin/users/${jdoe.id}/profile`, {
        fullName: 'Jane Q. Doe',
        email: 'jane.q@CORP.example',
      });
      expect(res.status).toBe(303);
      const [row] = await t.db.query(`SELECT email FROM users WHERE id = $1`, [jdoe.id]);
      expect(row.email).toBe('jane.q@CORP.example');
    });

    it.each([
      ['an empty full name', { fullName: '', email: 'new@corp.example' }, 'fullName', 'Enter a full name.'],
      ['an invalid email', { fullName: 'New Name', email: 'nope@' }, 'email', 'Enter a valid email address, like name@example.com.'],
      ['another user’s email', { fullName: 'New Name', email: 'MARY@another.example' }, 'email', 'A user with this email already exists.'],
      ['a 256-character full name', { fullName: 'n'.repeat(256), email: 'new@corp.example' }, 'fullName', 'Full name must be at most 255 characters.'],
      ['a 256-character email', { fullName: 'New Name', email: `${'e'.repeat(244)}@example.com` }, 'email', 'Email must be at most 255 characters.'],
    ])('refuses %s with a 400 and changes nothing', async (_what, fields, field, message) => {
      const before = await snapshot(t.db);
      const res = await postForm(admin, `/admin/users/${jdoe.id}/profile`, fields);
      expect(res.status).toBe(400);
      expect(fieldBlock(res.text, field)).toContain(escapeHtml(message));
      expect(inputValue(res.text, 'fullName')).toBe(escapeHtml(fields.fullName));
      expect(inputValue(res.text, 'email')).toBe(escapeHtml(fields.email));
      expect(await snapshot(t.db)).toEqual(before);
    });

    it('sets groups from the checkboxes', async () => {
      const res = await postForm(admin, `/admin/users/${jdoe.id}/groups`, { groups: ['confluence-users', 'team-b'] });
      expect(res.status).toBe(303);
      expect(await groupsOf(t.db, 'jdoe')).toEqual(['confluence-users', 'team-b']);
      const page = await admin.agent.get(`/admin/users/${jdoe.id}`).expect(200);
      expect(page.text).toContain('<input type="checkbox" name="groups" value="team-b" checked>');
      expect(page.text).toContain('<input type="checkbox" name="groups" value="team-a">');

      const single = await postForm(admin, `/admin/users/${jdoe.id}/groups`, { groups: 'team-a' });
      expect(single.status).toBe(303);
      expect(await groupsOf(t.db, 'jdoe')).toEqual(['team-a']);
    });

    it('refuses an unknown group and keeps the memberships', async () => {
      const before = await groupsOf(t.db, 'jdoe');
      const res = await postForm(admin, `/admin/users/${jdoe.id}/groups`, { groups: ['confluence-users', 'no-such-group'] });
      expect(res.status).toBe(400);
      expect(res.text).toContain('No such group: no-such-group.');
      expect(await groupsOf(t.db, 'jdoe')).toEqual(before);
    });

    it('sets a new password: the new one logs in, the old one no longer does', async () => {
      const [{ password_hash: oldHash }] = await t.db.query(`SELECT password_hash FROM users WHERE id = $1`, [msmith.id]);
      const res = await postForm(admin, `/admin/users/${msmith.id}/password`, {
        password: 'Brand-New-Pass-7',
        confirmPassword: 'Brand-New-Pass-7',
      });
      expect(res.status).toBe(303);
      const [{ password_hash: newHash }] = await t.db.query(`SELECT password_hash FROM users WHERE id = $1`, [msmith.id]);
      expect(newHash).not.toBe(oldHash);

      const old = await new WebSession(t.http).login('msmith', msmith.password);
      expect(old.status).toBe(401);
      const fresh = await loginAs(t, 'msmith', 'Brand-New-Pass-7');
      expect((await fresh.agent.get('/rest/api/user/current').expect(200)).body.username).toBe('msmith');
    });

    it.each([
      ['passwords that differ', { password: 'Mismatch-One-1', confirmPassword: 'Mismatch-Two-2' }, 'confirmPassword', 'Passwords do not match.'],
      ['a too-short password', { password: 'Tiny-1', confirmPassword: 'Tiny-1' }, 'password', 'Password must be at least 8 characters.'],
      ['an empty password', { password: '', confirmPassword: '' }, 'password', 'Enter a password.'],
    ])('refuses %s with a 400, never echoes it, and keeps the old hash', async (_what, fields, field, message) => {
      const before = await snapshot(t.db);
      const res = await postForm(admin, `/admin/users/${msmith.id}/password`, fields);
      expect(res.status).toBe(400);
      expect(fieldBlock(res.text, field)).toContain(message);
      for (const secret of [fields.password, fields.confirmPassword].filter(Boolean)) expect(res.text).not.toContain(secret);
      expect(await snapshot(t.db)).toEqual(before);
    });

    it('deactivates a user, ending their session, and reactivates them', async () => {
      const user = await createUser(t, { username: 'leaver' });
      const theirs = await loginAs(t, 'leaver', user.password);
      await theirs.agent.get('/').expect(200);

      const off = await postForm(admin, `/admin/users/${user.id}/deactivate`, {});
      expect(off.status).toBe(303);
      expect((await t.db.query(`SELECT active FROM users WHERE id = $1`, [user.id]))[0].active).toBe(false);
      const page = await admin.agent.get(`/admin/users/${user.id}`).expect(200);
      expect(page.text).toContain('<span class="badge">Deactivated</span>');
      expect(page.text).toContain(`action="/admin/users/${user.id}/reactivate"`);
      const kicked = await theirs.agent.get('/');
      expect(kicked.status).toBe(303);
      expect(kicked.headers.location).toBe('/login?next=%2F');
      expect((await new WebSession(t.http).login('leaver', user.password)).status).toBe(401);

      const on = await postForm(admin, `/admin/users/${user.id}/reactivate`, {});
      expect(on.status).toBe(303);
      expect((await t.db.query(`SELECT active FROM users WHERE id = $1`, [user.id]))[0].active).toBe(true);
      await loginAs(t, 'leaver', user.password);
    });
  });

  describe('the last active administrator', () => {
    const LAST_ADMIN_DEACTIVATE = 'This is the last active administrator; it cannot be deactivated.';
    const LAST_ADMIN_GROUP = 'confluence-administrators must keep at least one active member.';

    async function expectRefused(path: string, fields: Record<string, string | string[]>, message: string) {
      const before = await snapshot(t.db);
      const res = await postForm(admin, path, fields);
      expect(res.status, path).toBe(400);
      expect(res.text, path).toContain(message);
      expect(await snapshot(t.db)).toEqual(before);
    }

    it('cannot be deactivated', async () => {
      await expectRefused(`/admin/users/${adminId}/deactivate`, {}, LAST_ADMIN_DEACTIVATE);
      await admin.agent.get('/admin/users').expect(200);
    });

    it('cannot be unticked from confluence-administrators', async () => {
      await expectRefused(`/admin/users/${adminId}/groups`, { groups: ['confluence-users'] }, LAST_ADMIN_GROUP);
    });

    it('cannot be removed from confluence-administrators on the Groups page', async () => {
      await expectRefused(`/admin/groups/confluence-administrators/members/${adminId}/remove`, {}, LAST_ADMIN_GROUP);
    });

    it('counts only active administrators', async () => {
      const second = await createUser(t, { username: 'second-admin' }, ['confluence-administrators']);
      // With two active administrators, one may go.
      expect((await postForm(admin, `/admin/users/${second.id}/deactivate`, {})).status).toBe(303);
      // The deactivated one does not count, so the remaining one is still the last.
      await expectRefused(`/admin/users/${adminId}/deactivate`, {}, LAST_ADMIN_DEACTIVATE);
      await expectRefused(`/admin/users/${adminId}/groups`, { groups: ['confluence-users'] }, LAST_ADMIN_GROUP);

      expect((await postForm(admin, `/admin/users/${second.id}/reactivate`, {})).status).toBe(303);
      const removed = await postForm(admin, `/admin/groups/confluence-administrators/members/${second.id}/remove`, {});
      expect(removed.status).toBe(303);
      expect(await groupsOf(t.db, 'second-admin')).toEqual(['confluence-users']);
      expect((await t.db.query(`SELECT active FROM users WHERE id = $1`, [second.id]))[0].active).toBe(true);
    });
  });
});
