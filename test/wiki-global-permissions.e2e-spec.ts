import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import { createSpace, pageHtml, post } from './helpers/wiki-collab-fixtures.js';

const PASSWORD = 'Pa55word-long-1';

async function useGrants(t: TestApp): Promise<string[]> {
  const rows: { line: string }[] = await t.db.query(
    `SELECT coalesce('group:' || g.name, 'user:' || u.username) AS line FROM global_permissions gp
       LEFT JOIN groups g ON g.id = gp.group_id LEFT JOIN users u ON u.id = gp.user_id WHERE gp.permission = 'use' ORDER BY 1`,
  );
  return rows.map((r) => r.line);
}

describe('global permissions: who may use Atrium', () => {
  let t: TestApp;
  let admin: WebSession;
  let dave: WebSession;
  let home: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    home = (await createSpace(t, admin, 'DOC', 'Documentation')).homeId;
    await createUser(t, { username: 'dave', fullName: 'Dave Outsider', email: 'dave@example.com', password: PASSWORD, confirmPassword: PASSWORD });
    // Dave is in confluence-users like everyone; that group loses "can use", so he holds it no way.
    await t.db.query(`DELETE FROM global_permissions WHERE permission = 'use' AND group_id = (SELECT id FROM groups WHERE name = 'confluence-users')`);
    dave = await loginAs(t, 'dave', PASSWORD);
  });
  afterAll(() => t.close());

  it('lists who holds "can use" and explains administering, for administrators only', async () => {
    const html = (await admin.agent.get('/admin/permissions').expect(200)).text;
    expect(html).toContain('confluence-administrators <span class="muted">(group)</span>');
    expect(html).not.toContain('confluence-users <span class="muted">');
    expect(html).toContain('href="/admin/groups/confluence-administrators"');
    expect((await dave.agent.get('/admin/permissions')).status).toBe(403);
    const before = await useGrants(t);
    expect((await post(dave, '/admin/permissions', { kind: 'user', name: 'dave' })).status).toBe(403);
    expect(await useGrants(t)).toEqual(before);
  });

  it('grants and takes away "can use" by user and by group, and the wiki follows at once', async () => {
    await pageHtml(dave, home, 404);

    const granted = await post(admin, '/admin/permissions', { kind: 'user', name: 'DAVE' });
    expect(granted.status).toBe(303);
    expect(await useGrants(t)).toContain('user:dave');
    expect((await admin.agent.get('/admin/permissions').expect(200)).text).toContain('Dave Outsider (dave)');
    await pageHtml(dave, home);

    expect((await post(admin, '/admin/permissions/remove', { kind: 'user', name: 'dave' })).status).toBe(303);
    expect(await useGrants(t)).not.toContain('user:dave');
    await pageHtml(dave, home, 404);

    expect((await post(admin, '/admin/permissions', { kind: 'group', name: 'confluence-users' })).status).toBe(303);
    await pageHtml(dave, home);
    // Granting twice changes nothing and records nothing more.
    const audit = await t.db.query(`SELECT action, summary FROM audit_log WHERE action LIKE 'global.%' ORDER BY id`);
    expect((await post(admin, '/admin/permissions', { kind: 'group', name: 'confluence-users' })).status).toBe(303);
    expect(await t.db.query(`SELECT action, summary FROM audit_log WHERE action LIKE 'global.%' ORDER BY id`)).toEqual(audit);
    expect(audit).toEqual([
      { action: 'global.permission-granted', summary: 'Granted "can use" to user dave' },
      { action: 'global.permission-revoked', summary: 'Took "can use" away from user dave' },
      { action: 'global.permission-granted', summary: 'Granted "can use" to group confluence-users' },
    ]);
  });

  it('refuses an unknown group or user with the form kept, writing nothing', async () => {
    const before = { grants: await useGrants(t), audit: await t.db.query(`SELECT count(*)::int AS n FROM audit_log`) };
    const group = await post(admin, '/admin/permissions', { kind: 'group', name: 'no-such-group' });
    expect(group.status).toBe(400);
    expect(group.text).toContain('No group named &quot;no-such-group&quot;.');
    expect(group.text).toContain('value="no-such-group"');
    const user = await post(admin, '/admin/permissions', { kind: 'user', name: 'ghost' });
    expect(user.status).toBe(400);
    expect(user.text).toContain('No user named &quot;ghost&quot;.');
    expect(user.text).toContain('<option value="user" selected>');
    const kind = await post(admin, '/admin/permissions', { kind: 'space', name: 'x' });
    expect(kind.status).toBe(400);
    expect(kind.text).toContain('Choose a group or a user.');
    expect({ grants: await useGrants(t), audit: await t.db.query(`SELECT count(*)::int AS n FROM audit_log`) }).toEqual(before);
  });
});
