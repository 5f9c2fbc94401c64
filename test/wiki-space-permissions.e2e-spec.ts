import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import { createSpace, post } from './helpers/wiki-collab-fixtures.js';

const PASSWORD = 'Pa55word-long-1';

/** The space's grants as "who:permission", sorted. */
async function grants(t: TestApp, spaceId: number): Promise<string[]> {
  const rows: { line: string }[] = await t.db.query(
    `SELECT coalesce('group:' || g.name, 'user:' || u.username, 'anonymous') || ':' || sp.permission AS line
       FROM space_permissions sp LEFT JOIN groups g ON g.id = sp.group_id LEFT JOIN users u ON u.id = sp.user_id
      WHERE sp.space_id = $1 ORDER BY 1`,
    [spaceId],
  );
  return rows.map((r) => r.line);
}

/** The form fields that keep the grid as it is, with `changes` applied (false unticks). */
function grid(current: string[], changes: Record<string, string | boolean> = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of current) {
    const [kind, ...rest] = line.split(':');
    const permission = rest.pop()!;
    const name = kind === 'anonymous' ? '' : rest.join(':');
    fields[`p|${kind}|${name}|${permission}`] = 'on';
  }
  for (const [field, value] of Object.entries(changes)) {
    if (value === false) delete fields[field];
    else fields[field] = value === true ? 'on' : value;
  }
  return fields;
}

describe('space permissions screen', () => {
  let t: TestApp;
  let admin: WebSession;
  let space: { id: number; homeId: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    space = await createSpace(t, admin, 'TEAM', 'Team');
    await createUser(t, { username: 'carol', fullName: 'Carol', email: 'carol@example.com', password: PASSWORD, confirmPassword: PASSWORD });
    await post(admin, '/admin/groups', { name: 'devs' });
  });
  afterAll(() => t.close());

  it('shows the grid with the defaults of a new space', async () => {
    const html = (await admin.agent.get('/spaces/TEAM/permissions').expect(200)).text;
    expect(html).toContain('aria-label="confluence-users view" checked');
    expect(html).toContain('aria-label="confluence-users edit" checked');
    expect(html).not.toContain('aria-label="confluence-users admin" checked');
    expect(await grants(t, space.id)).toContain('user:admin:admin');
  });

  it('saves unticked cells, a new group and a new user, and records the change', async () => {
    const before = await grants(t, space.id);
    const res = await post(admin, '/spaces/TEAM/permissions', {
      ...grid(before, { 'p|group|confluence-users|edit': false }),
      newGroup: 'devs',
      'p|new-group||view': 'on',
      'p|new-group||comment': 'on',
      newUser: 'carol',
      'p|new-user||view': 'on',
      'p|new-user||attach': 'on',
    });
    expect(res.status).toBe(303);
    const after = await grants(t, space.id);
    expect(after).not.toContain('group:confluence-users:edit');
    expect(after).toEqual(expect.arrayContaining(['group:devs:comment', 'group:devs:view', 'user:carol:attach', 'user:carol:view']));
    const [audit] = await t.db.query(`SELECT summary FROM audit_log WHERE action = 'space.permissions-changed' ORDER BY id DESC LIMIT 1`);
    expect(audit.summary).toBe('Changed space permissions: granted group devs comment, view; user carol attach, view; took away group confluence-users edit');
  });

  it('refuses an unknown group with every tick and typed name kept, changing nothing', async () => {
    const before = await grants(t, space.id);
    const res = await post(admin, '/spaces/TEAM/permissions', {
      ...grid(before, { 'p|group|devs|comment': false, 'p|user|carol|edit': true }),
      newGroup: 'nosuchgroup',
      'p|new-group||view': 'on',
      newUser: 'ghost-typed',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('No group named &quot;nosuchgroup&quot;.');
    expect(res.text).toContain('value="nosuchgroup"');
    expect(res.text).toContain('value="ghost-typed"');
    expect(res.text).toContain('aria-label="new group view" checked');
    expect(res.text).toContain('aria-label="devs comment">');
    expect(res.text).toContain('aria-label="Carol (carol) edit" checked');
    expect(await grants(t, space.id)).toEqual(before);
  });

  it('refuses to leave the space without an admin, and anonymous editing', async () => {
    const before = await grants(t, space.id);
    const noAdmin = await post(admin, '/spaces/TEAM/permissions', grid(before, { 'p|user|admin|admin': false }));
    expect(noAdmin.status).toBe(400);
    expect(noAdmin.text).toContain('Keep at least one group or user with the admin permission.');
    const anonymousEdit = await post(admin, '/spaces/TEAM/permissions', grid(before, { 'p|anonymous||edit': true }));
    expect(anonymousEdit.status).toBe(400);
    expect(anonymousEdit.text).toContain('Anonymous visitors may only view and comment.');
    expect(await grants(t, space.id)).toEqual(before);
  });

  it('is for the space admins', async () => {
    const carol = await loginAs(t, 'carol', PASSWORD);
    expect((await carol.agent.get('/spaces/TEAM/permissions')).status).toBe(403);
    const before = await grants(t, space.id);
    expect((await post(carol, '/spaces/TEAM/permissions', { 'p|user|carol|admin': 'on' })).status).toBe(403);
    expect(await grants(t, space.id)).toEqual(before);
  });
});
