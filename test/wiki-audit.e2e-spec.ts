import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import { createPage, createSpace, editPage, post } from './helpers/wiki-collab-fixtures.js';

const PASSWORD = 'Pa55word-long-1';

/** The audit table's rows as "action | space | who", in page order. */
function rows(html: string): string[] {
  return [...html.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td><code>([^<]*)<\/code><\/td><td>([^<]*)<\/td>/g)].map(
    (m) => `${m[3]} | ${m[4]} | ${m[2]}`,
  );
}

function href(html: string, rel: string): string | null {
  const m = new RegExp(`<a href="([^"]+)"(?: rel="${rel}")?>${rel === 'next' ? 'Older' : 'Newest'}</a>`).exec(html);
  return m ? m[1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=') : null;
}

describe('audit log for administrators', () => {
  let t: TestApp;
  let admin: WebSession;
  let alice: WebSession;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    await createUser(t, { username: 'alice', fullName: 'Alice', email: 'alice@example.com', password: PASSWORD, confirmPassword: PASSWORD });
    alice = await loginAs(t, 'alice', PASSWORD);
    await createSpace(t, admin, 'DOC', 'Documentation');
    await createSpace(t, admin, 'OPS', 'Operations');
    const page = await createPage(alice, 'DOC', 'Guide');
    await editPage(t, alice, page, '<p>Second</p>');
    await post(admin, `/spaces/DOC/pages/${page}/delete`);
    await createPage(admin, 'OPS', 'Runbook');
  });
  afterAll(() => t.close());

  it('lists who did what and when, newest first, with the time of day', async () => {
    const html = (await admin.agent.get('/admin/audit').expect(200)).text;
    expect(rows(html).slice(0, 4)).toEqual(['page.created | OPS | admin', 'page.deleted | DOC | admin', 'page.updated | DOC | alice', 'page.created | DOC | alice']);
    expect(html).toMatch(/<tr><td>\d{4}-\d{2}-\d{2} \d{2}:\d{2}<\/td>/);
  });

  it('filters by action, space, person and day, keeping the filter in the form', async () => {
    const byAction = (await admin.agent.get('/admin/audit?action=page.created').expect(200)).text;
    expect(rows(byAction)).toEqual(['page.created | OPS | admin', 'page.created | DOC | alice']);
    expect(byAction).toContain('<option value="page.created" selected>');
    expect(rows((await admin.agent.get('/admin/audit?spaceKey=ops').expect(200)).text).every((r) => r.includes('| OPS |'))).toBe(true);
    const byActor = (await admin.agent.get('/admin/audit?actor=ALICE').expect(200)).text;
    expect(rows(byActor)).toEqual(['page.updated | DOC | alice', 'page.created | DOC | alice']);
    expect(byActor).toContain('value="ALICE"');

    const today = new Date().toISOString().slice(0, 10);
    expect(rows((await admin.agent.get(`/admin/audit?actor=alice&from=${today}&to=${today}`).expect(200)).text)).toHaveLength(2);
    expect(rows((await admin.agent.get('/admin/audit?actor=alice&to=2001-01-01').expect(200)).text)).toEqual([]);
  });

  it('says so when a date is not a day, instead of dropping it or failing', async () => {
    for (const bad of ['2026', '1', '2026-13-01', 'Tuesday 12', '-000001-01-01']) {
      const res = await admin.agent.get(`/admin/audit?actor=alice&from=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.text, bad).toContain('<p class="field-error" id="from-error">Enter a date as YYYY-MM-DD.</p>');
      expect(res.text, bad).toContain('value="alice"');
      expect(rows(res.text), bad).toEqual([]);
    }
    const to = await admin.agent.get('/admin/audit?to=12');
    expect(to.status).toBe(400);
    expect(to.text).toContain('id="to-error"');
  });

  it('pages through older entries, keeping the filter', async () => {
    await t.db.query(
      `INSERT INTO audit_log (actor_id, action, summary) SELECT (SELECT id FROM users WHERE username = 'alice'), 'space.updated', 'Entry ' || i FROM generate_series(1, 120) i`,
    );
    const first = (await admin.agent.get('/admin/audit?action=space.updated').expect(200)).text;
    expect(first).toContain('Entry 120');
    const seen = [...first.matchAll(/>Entry (\d+)</g)].map((m) => Number(m[1]));
    const second = (await admin.agent.get(href(first, 'next')!).expect(200)).text;
    seen.push(...[...second.matchAll(/>Entry (\d+)</g)].map((m) => Number(m[1])));
    const third = (await admin.agent.get(href(second, 'next')!).expect(200)).text;
    seen.push(...[...third.matchAll(/>Entry (\d+)</g)].map((m) => Number(m[1])));
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => 120 - i));
    expect(href(third, 'next')).toBeNull();
    expect(href(third, 'first')).toBe('/admin/audit?action=space.updated');
  });

  it('records who changed groups, memberships and accounts, as permission changes', async () => {
    const [alice] = await t.db.query(`SELECT id FROM users WHERE username = 'alice'`);
    const before = (await t.db.query(`SELECT max(id)::int AS id FROM audit_log`))[0].id;
    expect((await post(admin, '/admin/groups', { name: 'Auditors' })).status).toBe(303);
    expect((await post(admin, '/admin/groups/auditors/members', { username: 'alice' })).status).toBe(303);
    expect((await post(admin, `/admin/groups/auditors/members/${alice.id}/remove`)).status).toBe(303);
    expect((await post(admin, `/admin/users/${alice.id}/groups`, { groups: ['confluence-users', 'auditors'] })).status).toBe(303);
    expect((await post(admin, `/admin/users/${alice.id}/deactivate`)).status).toBe(303);
    expect((await post(admin, `/admin/users/${alice.id}/reactivate`)).status).toBe(303);
    expect((await post(admin, '/admin/users/add', { username: 'bob', fullName: 'Bob', email: 'bob@example.com', password: PASSWORD, confirmPassword: PASSWORD })).status).toBe(303);
    expect((await post(admin, '/admin/groups/auditors/delete')).status).toBe(303);

    const entries = await t.db.query(
      `SELECT a.action, a.summary, u.username AS actor FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE a.id > $1 ORDER BY a.id`,
      [before],
    );
    expect(entries).toEqual([
      { action: 'group.created', summary: 'Created group auditors', actor: 'admin' },
      { action: 'group.member-added', summary: 'Added alice to group auditors', actor: 'admin' },
      { action: 'group.member-removed', summary: 'Removed alice from group auditors', actor: 'admin' },
      { action: 'user.groups-changed', summary: 'alice: added to auditors', actor: 'admin' },
      { action: 'user.deactivated', summary: 'Deactivated user alice', actor: 'admin' },
      { action: 'user.reactivated', summary: 'Reactivated user alice', actor: 'admin' },
      { action: 'user.created', summary: 'Created user bob (Add Users), in confluence-users', actor: 'admin' },
      { action: 'group.deleted', summary: 'Deleted group auditors (1 members)', actor: 'admin' },
    ]);
    // The screen shows them and filters by them.
    expect(rows((await admin.agent.get('/admin/audit?action=group.member-added').expect(200)).text)).toEqual(['group.member-added |  | admin']);
  });

  it('is for administrators only', async () => {
    // Deactivation (above) ended Alice's sessions.
    alice = await loginAs(t, 'alice', PASSWORD);
    expect((await alice.agent.get('/admin/audit')).status).toBe(403);
  });
});
