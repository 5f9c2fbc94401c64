import { startTestApp, type TestApp } from './helpers/test-app.js';
import {
  createUser,
  fieldBlock,
  groupsOf,
  inputValue,
  loginAsAdmin,
  postForm,
  snapshot,
} from './helpers/admin-fixtures.js';
import type { WebSession } from './helpers/web-session.js';

async function groupNames(t: TestApp): Promise<string[]> {
  return (await t.db.query(`SELECT name FROM groups ORDER BY name`)).map((r: { name: string }) => r.name);
}

describe('Groups', () => {
  let t: TestApp;
  let admin: WebSession;
  let member: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    member = await createUser(t, { username: 'Grace', fullName: 'Grace Hopper', email: 'grace@example.com' });
  });
  afterAll(() => t.close());

  it('lists the built-in groups with their member counts', async () => {
    const res = await admin.agent.get('/admin/groups').expect(200);
    expect(res.text).toMatch(/<a href="\/admin\/groups\/confluence-administrators">confluence-administrators<\/a> <span class="badge">built in<\/span><\/td><td>1<\/td>/);
    expect(res.text).toMatch(/<a href="\/admin\/groups\/confluence-users">confluence-users<\/a> <span class="badge">built in<\/span><\/td><td>2<\/td>/);
    expect(res.text).toContain('<label for="name">Group name</label>');
  });

  it('creates a group, stored in lower case', async () => {
    const res = await postForm(admin, '/admin/groups', { name: '  Engineering ' }, '/admin/groups');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/groups/engineering');
    expect(await groupNames(t)).toContain('engineering');
    expect(await groupNames(t)).not.toContain('Engineering');
    const page = await admin.agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('Group engineering was created.');
    expect(page.text).toContain('No members.');
    // Group pages answer to any case, as the names are case-insensitive.
    await admin.agent.get('/admin/groups/ENGINEERING').expect(200);
  });

  it.each([
    ['a duplicate name in another case', 'ENGINEERING', 'A group with this name already exists.'],
    ['an empty name', '   ', 'Enter a group name.'],
    ['a 256-character name', 'g'.repeat(256), 'Group name must be at most 255 characters.'],
  ])('refuses %s with a 400, the message by the field, and no row', async (_what, name, message) => {
    const before = await snapshot(t.db);
    const res = await postForm(admin, '/admin/groups', { name }, '/admin/groups');
    expect(res.status).toBe(400);
    expect(fieldBlock(res.text, 'name')).toContain(message);
    expect(inputValue(res.text, 'name')).toBe(name.trim());
    expect(await snapshot(t.db)).toEqual(before);
  });

  it('adds a member by username, in any case', async () => {
    const res = await postForm(admin, '/admin/groups/engineering/members', { username: 'GRACE' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/groups/engineering');
    expect(await groupsOf(t.db, 'Grace')).toEqual(['confluence-users', 'engineering']);
    const page = await admin.agent.get('/admin/groups/engineering').expect(200);
    expect(page.text).toContain(`<a href="/admin/users/${member.id}">Grace</a>`);
    expect(page.text).toContain(`action="/admin/groups/engineering/members/${member.id}/remove"`);

    // Adding again is harmless.
    expect((await postForm(admin, '/admin/groups/engineering/members', { username: 'grace' })).status).toBe(303);
    expect(await groupsOf(t.db, 'Grace')).toEqual(['confluence-users', 'engineering']);
  });

  it.each([
    ['an unknown username', 'ghost', 'No user named &quot;ghost&quot;.'],
    ['an empty username', '', 'Enter a username.'],
  ])('refuses %s with a 400 and adds nobody', async (_what, username, message) => {
    const before = await snapshot(t.db);
    const res = await postForm(admin, '/admin/groups/engineering/members', { username });
    expect(res.status).toBe(400);
    expect(fieldBlock(res.text, 'username')).toContain(message);
    expect(inputValue(res.text, 'username')).toBe(username);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it('removes a member, leaving the user in place', async () => {
    const res = await postForm(admin, `/admin/groups/engineering/members/${member.id}/remove`, {});
    expect(res.status).toBe(303);
    expect(await groupsOf(t.db, 'Grace')).toEqual(['confluence-users']);
    expect(await t.db.query(`SELECT 1 FROM users WHERE id = $1`, [member.id])).toHaveLength(1);
  });

  it('deletes a group and its memberships, but not its members', async () => {
    await postForm(admin, '/admin/groups/engineering/members', { username: 'Grace' });
    const page = await admin.agent.get('/admin/groups/engineering').expect(200);
    expect(page.text).toContain('action="/admin/groups/engineering/delete"');

    const res = await postForm(admin, '/admin/groups/engineering/delete', {});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/groups');
    expect(await groupNames(t)).not.toContain('engineering');
    expect(await groupsOf(t.db, 'Grace')).toEqual(['confluence-users']);
    expect((await admin.agent.get('/admin/groups')).text).toContain('Group engineering was deleted.');
    expect((await admin.agent.get('/admin/groups/engineering')).status).toBe(404);
  });

  it('refuses to delete a group named in page restrictions, so no restricted page opens up', async () => {
    expect((await postForm(admin, '/admin/groups', { name: 'hr' })).status).toBe(303);
    expect((await postForm(admin, '/spaces', { key: 'HRS', name: 'HR', description: '' })).status).toBe(303);
    const [home] = await t.db.query(`SELECT homepage_id AS id FROM spaces WHERE key = 'HRS'`);
    await t.db.query(`INSERT INTO page_restrictions (page_id, kind, group_id) SELECT $1, 'view', id FROM groups WHERE name = 'hr'`, [home.id]);

    const before = { groups: await groupNames(t), restrictions: await t.db.query(`SELECT * FROM page_restrictions ORDER BY id`) };
    const res = await postForm(admin, '/admin/groups/hr/delete', {});
    expect(res.status).toBe(400);
    expect(res.text).toContain('hr is named in the restrictions of 1 page. Remove it from those restrictions first');
    expect({ groups: await groupNames(t), restrictions: await t.db.query(`SELECT * FROM page_restrictions ORDER BY id`) }).toEqual(before);

    await t.db.query(`DELETE FROM page_restrictions WHERE page_id = $1`, [home.id]);
    expect((await postForm(admin, '/admin/groups/hr/delete', {})).status).toBe(303);
    expect(await groupNames(t)).not.toContain('hr');
  });

  it.each(['confluence-users', 'confluence-administrators'])('never deletes the built-in %s', async (name) => {
    const page = await admin.agent.get(`/admin/groups/${name}`).expect(200);
    expect(page.text).not.toContain(`action="/admin/groups/${name}/delete"`);

    const before = await snapshot(t.db);
    const res = await postForm(admin, `/admin/groups/${name}/delete`, {});
    expect(res.status).toBe(400);
    expect(res.text).toContain(`${name} is built in and cannot be deleted.`);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it('answers 404 for a group that does not exist, and changes nothing', async () => {
    const before = await snapshot(t.db);
    expect((await admin.agent.get('/admin/groups/nope')).status).toBe(404);
    expect((await postForm(admin, '/admin/groups/nope/delete', {})).status).toBe(404);
    expect((await postForm(admin, '/admin/groups/nope/members', { username: 'Grace' })).status).toBe(404);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it('handles a group name that needs URL encoding', async () => {
    const res = await postForm(admin, '/admin/groups', { name: 'R&D / Ops' }, '/admin/groups');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/groups/${encodeURIComponent('r&d / ops')}`);
    await admin.agent.get(res.headers.location).expect(200);
    const add = await postForm(admin, `${res.headers.location}/members`, { username: 'Grace' });
    expect(add.status).toBe(303);
    expect(await groupsOf(t.db, 'Grace')).toEqual(['confluence-users', 'r&d / ops']);
  });
});
