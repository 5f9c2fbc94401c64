import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import { createPage, createSpace, pageHtml, post, restrictView } from './helpers/wiki-collab-fixtures.js';

const PASSWORD = 'Pa55word-long-1';

/** A page's restrictions as "kind:username-or-group", sorted, for comparing whole sets. */
async function restrictions(t: TestApp, pageId: string): Promise<string[]> {
  const rows: { line: string }[] = await t.db.query(
    `SELECT r.kind || ':' || coalesce(u.username, g.name) AS line FROM page_restrictions r
       LEFT JOIN users u ON u.id = r.user_id LEFT JOIN groups g ON g.id = r.group_id WHERE r.page_id = $1 ORDER BY 1`,
    [pageId],
  );
  return rows.map((r) => r.line);
}

async function placeOf(t: TestApp, pageId: string) {
  const [row] = await t.db.query(`SELECT status, parent_id::text AS "parentId", ancestors::text[] AS ancestors FROM pages WHERE id = $1`, [pageId]);
  return row;
}

/** How many pages the search shows `s` for a word only those pages hold. */
async function searchHits(s: WebSession, word: string): Promise<number> {
  const html = (await s.agent.get(`/search?q=${word}`).expect(200)).text;
  return (html.match(/class="search-hit"/g) ?? []).length;
}

describe('view restrictions never open up when pages are deleted or copied', () => {
  let t: TestApp;
  let admin: WebSession;
  let alice: WebSession;
  let dave: WebSession;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    await createSpace(t, admin, 'DOC', 'Documentation');
    for (const name of ['alice', 'dave']) {
      await createUser(t, { username: name, fullName: name, email: `${name}@example.com`, password: PASSWORD, confirmPassword: PASSWORD });
    }
    alice = await loginAs(t, 'alice', PASSWORD);
    dave = await loginAs(t, 'dave', PASSWORD);
  });
  afterAll(() => t.close());

  it('deleting a view-restricted page carries its restriction to the children that move up', async () => {
    const parent = await createPage(admin, 'DOC', 'Restricted parent', '<p>Parent</p>');
    const child = await createPage(admin, 'DOC', 'Hidden child', '<p>quokkafish notes</p>', parent);
    const grandchild = await createPage(admin, 'DOC', 'Hidden grandchild', '<p>quokkafish details</p>', child);
    await restrictView(t, parent, 'alice');
    await pageHtml(dave, child, 404);
    expect(await searchHits(dave, 'quokkafish')).toBe(0);

    expect((await post(admin, `/spaces/DOC/pages/${parent}/delete`)).status).toBe(303);

    expect(await placeOf(t, child)).toEqual({ status: 'current', parentId: null, ancestors: [] });
    expect(await restrictions(t, child)).toEqual(['view:alice']);
    // Still hidden from Dave everywhere, the grandchild through its parent; Alice still sees both.
    await pageHtml(dave, child, 404);
    await pageHtml(dave, grandchild, 404);
    expect(await searchHits(dave, 'quokkafish')).toBe(0);
    expect((await dave.agent.get('/rest/api/content/' + child).set('Accept', 'application/json')).status).toBe(404);
    await pageHtml(alice, child);
    await pageHtml(alice, grandchild);
    expect(await searchHits(alice, 'quokkafish')).toBe(2);
    const [audit] = await t.db.query(`SELECT summary FROM audit_log WHERE action = 'page.restriction-added' AND page_id = $1`, [parent]);
    expect(audit.summary).toContain('Copied the view restriction of "Restricted parent" to the 1 page(s) directly below it');
  });

  it('refuses to delete a restricted page whose child has a view restriction of its own, changing nothing', async () => {
    const parent = await createPage(admin, 'DOC', 'Locked folder', '<p>Parent</p>');
    const child = await createPage(admin, 'DOC', 'Locked report', '<p>Report</p>', parent);
    const open = await createPage(admin, 'DOC', 'Open note', '<p>Note</p>', parent);
    await restrictView(t, parent, 'alice');
    await restrictView(t, child, 'dave');
    const before = { parent: await placeOf(t, parent), child: await placeOf(t, child), open: await placeOf(t, open), rows: await t.db.query(`SELECT * FROM page_restrictions ORDER BY id`) };

    const res = await post(admin, `/spaces/DOC/pages/${parent}/delete`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('&quot;Locked report&quot; already has a view restriction of its own');
    expect(res.text).toContain('Nothing was changed.');

    expect({ parent: await placeOf(t, parent), child: await placeOf(t, child), open: await placeOf(t, open), rows: await t.db.query(`SELECT * FROM page_restrictions ORDER BY id`) }).toEqual(before);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE page_id = $1 AND action <> 'page.created'`, [parent]);
    expect(n).toBe(0);
  });

  it('carries the restriction to a child already in the trash, so restoring it later opens nothing', async () => {
    const parent = await createPage(admin, 'DOC', 'HR folder', '<p>Parent</p>');
    const child = await createPage(admin, 'DOC', 'Salaries', '<p>Child</p>', parent);
    await restrictView(t, parent, 'alice');
    expect((await post(admin, `/spaces/DOC/pages/${child}/delete`)).status).toBe(303);
    expect((await post(admin, `/spaces/DOC/pages/${parent}/delete`)).status).toBe(303);
    expect(await restrictions(t, child)).toEqual(['view:alice']);

    expect((await post(admin, `/spaces/DOC/trash/${child}/restore`)).status).toBe(303);
    expect(await placeOf(t, child)).toEqual({ status: 'current', parentId: null, ancestors: [] });
    await pageHtml(dave, child, 404);
    await pageHtml(alice, child);
  });

  it('names in the refusal only the pages the person deleting may see', async () => {
    const [space] = await t.db.query(`SELECT id FROM spaces WHERE key = 'DOC'`);
    await t.db.query(`INSERT INTO space_permissions (space_id, user_id, permission) SELECT $1, id, 'delete' FROM users WHERE username = 'alice'`, [space.id]);
    const parent = await createPage(admin, 'DOC', 'Board folder', '<p>Parent</p>');
    const hidden = await createPage(admin, 'DOC', 'Reorg plan', '<p>Secret</p>', parent);
    await restrictView(t, parent, 'alice');
    await restrictView(t, parent, 'dave');
    await restrictView(t, hidden, 'dave');
    const res = await post(alice, `/spaces/DOC/pages/${parent}/delete`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('1 page you cannot see already has a view restriction of its own');
    expect(res.text).not.toContain('Reorg plan');
    expect((await placeOf(t, parent)).status).toBe('current');
  });

  it('deleting an unrestricted page moves its children up without adding restrictions', async () => {
    const parent = await createPage(admin, 'DOC', 'Plain folder', '<p>Parent</p>');
    const child = await createPage(admin, 'DOC', 'Plain child', '<p>Child</p>', parent);
    expect((await post(admin, `/spaces/DOC/pages/${parent}/delete`)).status).toBe(303);
    expect(await placeOf(t, child)).toEqual({ status: 'current', parentId: null, ancestors: [] });
    expect(await restrictions(t, child)).toEqual([]);
    await pageHtml(dave, child);
  });

  it('copies attachments with the page, and numbers a second copy instead of refusing it', async () => {
    const original = await createPage(admin, 'DOC', 'Diagrams', '<p><ac:image><ri:attachment ri:filename="chart.png" /></ac:image></p>');
    const token = await admin.csrfToken(`/spaces/DOC/pages/${original}/attachments`);
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    for (const bytes of [png, Buffer.concat([png, Buffer.from('v2')])]) {
      await admin.agent
        .post(`/spaces/DOC/pages/${original}/attachments?_csrf=${encodeURIComponent(token)}`)
        .attach('files', bytes, { filename: 'chart.png', contentType: 'image/png' })
        .expect(303);
    }
    const first = await post(admin, `/spaces/DOC/pages/${original}/copy`);
    const second = await post(admin, `/spaces/DOC/pages/${original}/copy`);
    expect([first.status, second.status]).toEqual([303, 303]);
    const [copy, copy2] = [first, second].map((r) => r.headers.location.split('/')[4]);
    const titles = await t.db.query(`SELECT id::text, title FROM pages WHERE id = ANY($1::bigint[]) ORDER BY id`, [[copy, copy2]]);
    expect(titles.map((r: { title: string }) => r.title)).toEqual(['Copy of Diagrams', 'Copy of Diagrams (2)']);

    // The latest version of each attachment, as version 1 of the copy's; the original keeps its own.
    const download = await admin.agent.get(`/pages/${copy}/attachments/chart.png`).buffer(true).expect(200);
    expect(Buffer.compare(download.body as Buffer, Buffer.concat([png, Buffer.from('v2')]))).toBe(0);
    const versions = await t.db.query(
      `SELECT a.page_id::text AS page, a.version, count(v.*)::int AS stored FROM attachments a JOIN attachment_versions v ON v.attachment_id = a.id
        WHERE a.page_id = ANY($1::bigint[]) GROUP BY 1, 2 ORDER BY 1`,
      [[original, copy]],
    );
    expect(versions).toEqual([{ page: original, version: 2, stored: 2 }, { page: copy, version: 1, stored: 1 }]);
    expect(await pageHtml(admin, copy)).toContain(`src="/pages/${copy}/attachments/chart.png"`);
  });

  it('the restrictions screen keeps the chosen kind and subject on a typo, and offers changes only to editors', async () => {
    const page = await createPage(admin, 'DOC', 'Team charter', '<p>c</p>');
    const typo = await post(alice, `/spaces/DOC/pages/${page}/restrictions`, { kind: 'edit', subject: 'user', name: 'bobb' });
    expect(typo.status).toBe(400);
    expect(typo.text).toContain('No user named &quot;bobb&quot;.');
    expect(typo.text).toContain('<option value="edit" selected>Editing</option>');
    expect(typo.text).toContain('<option value="user" selected>User</option>');
    expect(typo.text).toContain('value="bobb"');
    expect(await restrictions(t, page)).toEqual([]);

    expect((await post(alice, `/spaces/DOC/pages/${page}/restrictions`, { kind: 'edit', subject: 'user', name: 'alice' })).status).toBe(303);
    expect(await restrictions(t, page)).toEqual(['edit:alice']);
    // Dave may view but not edit it now: he sees the lists, and no way to change them.
    const html = (await dave.agent.get(`/spaces/DOC/pages/${page}/restrictions`).expect(200)).text;
    expect(html).toContain('Only people who may edit this page can change its restrictions.');
    expect(html).not.toContain('>Remove</button>');
    expect(html).not.toContain(`action="/spaces/DOC/pages/${page}/restrictions" class="form inline"`);
    expect((await post(dave, `/spaces/DOC/pages/${page}/restrictions/remove`, { kind: 'edit', subject: 'user', name: 'alice' })).status).toBe(403);
    expect(await restrictions(t, page)).toEqual(['edit:alice']);
  });

  it('shows an image attached to another page to those who may see that page, and only to them', async () => {
    const owner = await createPage(admin, 'DOC', 'Chart store', '<p>Charts</p>');
    const token = await admin.csrfToken(`/spaces/DOC/pages/${owner}/attachments`);
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    await admin.agent
      .post(`/spaces/DOC/pages/${owner}/attachments?_csrf=${encodeURIComponent(token)}`)
      .attach('files', png, { filename: 'q3.png', contentType: 'image/png' })
      .expect(303);
    const report = await createPage(admin, 'DOC', 'Quarterly report', '<p><ac:image><ri:attachment ri:filename="q3.png"><ri:page ri:content-title="Chart store" /></ri:attachment></ac:image></p>');
    const [stored] = await t.db.query(`SELECT body FROM pages WHERE id = $1`, [report]);
    expect(stored.body).toContain('<ri:attachment ri:filename="q3.png"><ri:page ri:content-title="Chart store" /></ri:attachment>');

    expect(await pageHtml(dave, report)).toContain(`<img src="/pages/${owner}/attachments/q3.png" alt="" class="attachment-image" />`);
    await restrictView(t, owner, 'alice');
    const hidden = await pageHtml(dave, report);
    expect(hidden).toContain('Image not available: q3.png');
    expect(hidden).not.toContain(`/pages/${owner}/attachments/`);
    expect((await dave.agent.get(`/pages/${owner}/attachments/q3.png`)).status).toBe(404);
    expect(await pageHtml(alice, report)).toContain(`<img src="/pages/${owner}/attachments/q3.png"`);
  });

  it('a copy keeps the view and edit restrictions of its original', async () => {
    const secret = await createPage(admin, 'DOC', 'Layoffs plan', '<p>Secret</p>');
    await restrictView(t, secret, 'alice');
    await t.db.query(`INSERT INTO page_restrictions (page_id, kind, user_id) SELECT $1, 'edit', id FROM users WHERE username = 'admin'`, [secret]);

    const copied = await post(alice, `/spaces/DOC/pages/${secret}/copy`);
    expect(copied.status).toBe(303);
    const copy = copied.headers.location.split('/')[4];
    expect(copy).not.toBe(secret);
    expect(await restrictions(t, copy)).toEqual(await restrictions(t, secret));
    expect(await restrictions(t, copy)).toEqual(['edit:admin', 'view:alice']);
    await pageHtml(dave, copy, 404);
    // Alice may view the copy, but its edit restriction names only the admin, as on the original.
    const html = await pageHtml(alice, copy);
    expect(html).not.toContain(`/pages/${copy}/edit"`);
  });
});
