import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { createUser, escapeHtml, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { hasChromium, launchChromium, logInAsAdmin, watchProblems } from './helpers/browser.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import { createPage, createSpace, limitUsersGroup, pageHtml, post, restrictView } from './helpers/wiki-collab-fixtures.js';

const PASSWORD = 'Pa55word-long-1';

describe('wiki move screen: another parent or space, sibling order, trashed pages', () => {
  let t: TestApp;
  let admin: WebSession;
  let editor: WebSession;
  let reader: WebSession;
  let doc: { id: number; homeId: string; key: string };
  let ops: { id: number; homeId: string; key: string };
  const ids: Record<string, string> = {};

  /** Every page's place in the tree, for "nothing changed" checks. */
  const tree = () => t.db.query(`SELECT id::text, space_id, parent_id::text, ancestors::text[] AS a, position, status FROM pages ORDER BY id`);
  const pageRow = async (id: string) =>
    (await t.db.query(`SELECT p.space_id, s.key, p.parent_id::text AS parent, p.ancestors::text[] AS a FROM pages p JOIN spaces s ON s.id = p.space_id WHERE p.id = $1`, [id]))[0];
  const childTitles = async (parentId: string) =>
    (await t.db.query(`SELECT title FROM pages WHERE parent_id = $1 AND status = 'current' ORDER BY position, id`, [parentId])).map((r: { title: string }) => r.title);
  const moveForm = (s: WebSession, id: string, fields: Record<string, string>) => post(s, `/spaces/DOC/pages/${id}/move-form`, fields);
  /** The position a Move up / Move down button on the move screen posts. */
  const buttonPosition = (html: string, label: string) =>
    new RegExp(`name="position" value="([^"]+)"><button type="submit">${label}</button>`).exec(html)?.[1];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    doc = await createSpace(t, admin, 'DOC', 'Documentation');
    ops = await createSpace(t, admin, 'OPS', 'Operations');
    for (const name of ['editor', 'reader']) await createUser(t, { username: name, password: PASSWORD, confirmPassword: PASSWORD });
    editor = await loginAs(t, 'editor', PASSWORD);
    reader = await loginAs(t, 'reader', PASSWORD);
    // DOC: Home > Guides > Install > Linux, Home > Guides > Upgrade, Home > Reference > A, B, C
    ids.guides = await createPage(editor, 'DOC', 'Guides', '<p>g</p>', doc.homeId);
    ids.install = await createPage(editor, 'DOC', 'Install', '<p>i</p>', ids.guides);
    ids.linux = await createPage(editor, 'DOC', 'Linux', '<p>l</p>', ids.install);
    ids.upgrade = await createPage(editor, 'DOC', 'Upgrade', '<p>u</p>', ids.guides);
    ids.reference = await createPage(editor, 'DOC', 'Reference', '<p>r</p>', doc.homeId);
    for (const title of ['A', 'B', 'C']) ids[title] = await createPage(editor, 'DOC', title, '<p>x</p>', ids.reference);
    ids.opsUpgrade = await createPage(admin, 'OPS', 'Upgrade', '<p>ops</p>', ops.homeId);
  });
  afterAll(() => t.close());

  it('offers Move to editors and shows the form with editable spaces, the current parent and the sibling positions', async () => {
    expect(await pageHtml(editor, ids.upgrade)).toContain(`href="/spaces/DOC/pages/${ids.upgrade}/move">Move</a>`);
    const res = await editor.agent.get(`/spaces/DOC/pages/${ids.upgrade}/move`).expect(200);
    expect(res.text).toContain('<option value="DOC" selected>Documentation (DOC)</option>');
    expect(res.text).toContain('<option value="OPS">Operations (OPS)</option>');
    expect(res.text).toMatch(/<input id="parentTitle" name="parentTitle" type="text" value="Guides"/);
    // Upgrade is after Install among Guides' children; itself is not a choice.
    expect(res.text).toContain(`<option value="after:${ids.install}" selected>After “Install”</option>`);
    expect(res.text).not.toContain(`value="after:${ids.upgrade}"`);
    expect(res.text).toContain('<option value="first">First</option>');
    expect(res.text).toContain('<option value="last">Last</option>');
  });

  it('moves a page with its subtree under another parent typed by title, at the chosen place', async () => {
    const res = await moveForm(editor, ids.install, { spaceKey: 'DOC', parentTitle: 'reference', position: 'first' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/spaces/DOC/pages/${ids.install}/install`);
    expect(await pageRow(ids.install)).toMatchObject({ key: 'DOC', parent: ids.reference, a: [doc.homeId, ids.reference] });
    expect(await pageRow(ids.linux)).toMatchObject({ key: 'DOC', parent: ids.install, a: [doc.homeId, ids.reference, ids.install] });
    expect(await childTitles(ids.reference)).toEqual(['Install', 'A', 'B', 'C']);
    expect(await childTitles(ids.guides)).toEqual(['Upgrade']);
    const breadcrumbs = /<nav class="breadcrumbs"[\s\S]*?<\/nav>/.exec(await pageHtml(editor, ids.linux))![0];
    expect(breadcrumbs).toContain('>Reference</a>');
    expect(breadcrumbs).toContain('>Install</a>');
    expect(breadcrumbs).not.toContain('>Guides</a>');
    const [audit] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'page.moved' AND page_id = $1`, [ids.install]);
    expect(audit.n).toBe(1);
  });

  it('moves a page with its subtree to the top level of another space', async () => {
    const res = await moveForm(admin, ids.install, { spaceKey: 'OPS', parentTitle: '', position: 'last' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/spaces/OPS/pages/${ids.install}/install`);
    expect(await pageRow(ids.install)).toMatchObject({ key: 'OPS', parent: null, a: [] });
    expect(await pageRow(ids.linux)).toMatchObject({ key: 'OPS', parent: ids.install, a: [ids.install] });
    expect(await childTitles(ids.reference)).toEqual(['A', 'B', 'C']);
    // The old address follows the page to its new space.
    const old = await admin.agent.get(`/spaces/DOC/pages/${ids.linux}/linux`).expect(301);
    expect(old.headers.location).toBe(`/spaces/OPS/pages/${ids.linux}/linux`);
    const breadcrumbs = /<nav class="breadcrumbs"[\s\S]*?<\/nav>/.exec(await pageHtml(admin, ids.linux))![0];
    // The space by its name, as Confluence shows it; the link by its key.
    expect(breadcrumbs).toContain('<a href="/spaces/OPS">Operations</a>');
    expect(breadcrumbs).toContain('>Install</a>');
  });

  it('refuses a move under its own descendant with the message and the typed values, moving nothing', async () => {
    const before = await tree();
    const res = await moveForm(editor, ids.guides, { spaceKey: 'DOC', parentTitle: 'Upgrade', position: 'last' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('A page cannot be moved under itself or one of its descendants.');
    expect(res.text).toMatch(/<input id="parentTitle" name="parentTitle" type="text" value="Upgrade"/);
    expect(await tree()).toEqual(before);
    const self = await moveForm(editor, ids.guides, { spaceKey: 'DOC', parentTitle: 'Guides', position: 'last' });
    expect(self.status).toBe(400);
    expect(await tree()).toEqual(before);
  });

  it('refuses a move into a space that already has the title, moving nothing', async () => {
    const before = await tree();
    const res = await moveForm(editor, ids.upgrade, { spaceKey: 'OPS', parentTitle: 'Operations Home', position: 'last' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The target space already has pages titled: Upgrade.');
    expect(res.text).toContain('<option value="OPS" selected>Operations (OPS)</option>');
    expect(await tree()).toEqual(before);
  });

  it('refuses an unknown or hidden parent title and a stale position, keeping what was typed', async () => {
    const before = await tree();
    const missing = await moveForm(editor, ids.upgrade, { spaceKey: 'DOC', parentTitle: 'No such <page>', position: 'last' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain(escapeHtml('There is no page titled “No such <page>” in DOC.'));
    expect(missing.text).toContain(`value="${escapeHtml('No such <page>')}"`);

    await restrictView(t, ids.A, 'admin');
    const hidden = await moveForm(editor, ids.upgrade, { spaceKey: 'DOC', parentTitle: 'A', position: 'last' });
    expect(hidden.status).toBe(400);
    expect(hidden.text).toContain('There is no page titled “A” in DOC.');

    // A position taken from another parent's list: asked again, with the typed parent's children listed.
    const stale = await moveForm(editor, ids.upgrade, { spaceKey: 'DOC', parentTitle: 'Reference', position: `after:${ids.guides}` });
    expect(stale.status).toBe(400);
    expect(stale.text).toContain('That position is not under the chosen parent');
    expect(stale.text).toContain(`<option value="after:${ids.B}">After “B”</option>`);
    expect(stale.text).not.toContain('After “A”');
    expect(await tree()).toEqual(before);
    await t.db.query(`DELETE FROM page_restrictions WHERE page_id = $1`, [ids.A]);
  });

  it('lists the positions under a typed parent as JSON for the form script', async () => {
    const res = await editor.agent
      .get(`/spaces/DOC/pages/${ids.upgrade}/move/siblings`)
      .query({ spaceKey: 'DOC', parentTitle: 'Reference' })
      .set('Accept', 'application/json')
      .expect(200);
    expect(res.body.children.map((c: { title: string }) => c.title)).toEqual(['A', 'B', 'C']);
    const missing = await editor.agent
      .get(`/spaces/DOC/pages/${ids.upgrade}/move/siblings`)
      .query({ spaceKey: 'DOC', parentTitle: 'Nope' })
      .set('Accept', 'application/json');
    expect(missing.status).toBe(400);
  });

  it('reorders siblings with Move up and Move down', async () => {
    let screen = (await editor.agent.get(`/spaces/DOC/pages/${ids.C}/move`).expect(200)).text;
    expect(buttonPosition(screen, 'Move down')).toBeUndefined();
    const up = await post(editor, `/spaces/DOC/pages/${ids.C}/reorder`, { position: buttonPosition(screen, 'Move up')! });
    expect(up.status).toBe(303);
    expect(up.headers.location).toBe(`/spaces/DOC/pages/${ids.C}/move`);
    expect(await childTitles(ids.reference)).toEqual(['A', 'C', 'B']);

    screen = (await editor.agent.get(`/spaces/DOC/pages/${ids.C}/move`).expect(200)).text;
    expect((await post(editor, `/spaces/DOC/pages/${ids.C}/reorder`, { position: buttonPosition(screen, 'Move up')! })).status).toBe(303);
    expect(await childTitles(ids.reference)).toEqual(['C', 'A', 'B']);

    screen = (await editor.agent.get(`/spaces/DOC/pages/${ids.C}/move`).expect(200)).text;
    expect(buttonPosition(screen, 'Move up')).toBeUndefined();
    expect((await post(editor, `/spaces/DOC/pages/${ids.C}/reorder`, { position: buttonPosition(screen, 'Move down')! })).status).toBe(303);
    expect(await childTitles(ids.reference)).toEqual(['A', 'C', 'B']);
    const positions = await t.db.query(`SELECT position FROM pages WHERE parent_id = $1 ORDER BY position`, [ids.reference]);
    expect(positions.map((r: { position: number }) => r.position)).toEqual([1, 2, 3]);
  });

  it('refuses moving to readers and into spaces where the editor may not add pages, changing nothing', async () => {
    await limitUsersGroup(t, ops.id, ['view']);
    const form = (await editor.agent.get(`/spaces/DOC/pages/${ids.upgrade}/move`).expect(200)).text;
    expect(form).not.toContain('value="OPS"');
    const before = await tree();
    const forged = await moveForm(editor, ids.upgrade, { spaceKey: 'OPS', parentTitle: '', position: 'last' });
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('Choose a space where you may add pages.');

    await limitUsersGroup(t, doc.id, ['view']);
    expect(await pageHtml(reader, ids.upgrade)).not.toContain('>Move</a>');
    await reader.agent.get(`/spaces/DOC/pages/${ids.upgrade}/move`).expect(403);
    expect((await moveForm(reader, ids.upgrade, { spaceKey: 'DOC', parentTitle: 'Reference', position: 'first' })).status).toBe(403);
    expect((await post(reader, `/spaces/DOC/pages/${ids.B}/reorder`, { position: 'first' })).status).toBe(403);
    expect(await tree()).toEqual(before);
    await t.db.query(
      `INSERT INTO space_permissions (space_id, group_id, permission)
       SELECT s, g.id, p FROM groups g, unnest(ARRAY[$1::int, $2::int]) s, unnest(ARRAY['edit','comment','attach']) p WHERE g.name = 'confluence-users'`,
      [doc.id, ops.id],
    );
  });

  it('explains that a trashed page cannot be edited, and saving to it writes nothing', async () => {
    expect((await post(admin, `/spaces/DOC/pages/${ids.B}/delete`)).status).toBe(303);
    const message = 'This page is in the trash. A space admin can restore it from the space trash.';

    const asEditor = await editor.agent.get(`/spaces/DOC/pages/${ids.B}/edit`);
    expect(asEditor.status).toBe(400);
    expect(asEditor.text).toContain(message);
    expect(asEditor.text).not.toContain('href="/spaces/DOC/trash"');
    const asAdmin = await admin.agent.get(`/spaces/DOC/pages/${ids.B}/edit`);
    expect(asAdmin.status).toBe(400);
    expect(asAdmin.text).toContain(message);
    expect(asAdmin.text).toContain('href="/spaces/DOC/trash"');

    const before = await t.db.query(`SELECT p.title, p.body, p.version, (SELECT count(*)::int FROM page_versions v WHERE v.page_id = p.id) AS versions FROM pages p WHERE id = $1`, [ids.B]);
    const saved = await post(editor, `/spaces/DOC/pages/${ids.B}`, { title: 'B changed', body: '<p>new</p>', baseVersion: '1' });
    expect(saved.status).toBe(400);
    expect(saved.text).toContain(message);
    // The editor's text comes back to copy, escaped.
    expect(saved.text).toContain('Your changes were not saved');
    expect(saved.text).toContain('value="B changed"');
    expect(saved.text).toContain('readonly>&lt;p&gt;new&lt;/p&gt;</textarea>');
    expect(await t.db.query(`SELECT p.title, p.body, p.version, (SELECT count(*)::int FROM page_versions v WHERE v.page_id = p.id) AS versions FROM pages p WHERE id = $1`, [ids.B])).toEqual(before);

    // The move screen does not offer a trashed page, and people who cannot see it learn nothing.
    await admin.agent.get(`/spaces/DOC/pages/${ids.B}/move`).expect(404);
    await restrictView(t, ids.B, 'admin');
    await editor.agent.get(`/spaces/DOC/pages/${ids.B}/edit`).expect(404);
  });
});

// public/js/page-move.js in Debian's Chromium, as in the drafts browser test.
describe.skipIf(!hasChromium)('page-move.js in Chromium: positions follow the typed parent', () => {
  let t: TestApp;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the new parent\'s children once the parent is typed, and the form moves the page there', async () => {
    const admin = await loginAsAdmin(t);
    const doc = await createSpace(t, admin, 'DOC', 'Documentation');
    const team = await createPage(admin, 'DOC', 'Team', '<p>t</p>', doc.homeId);
    const first = await createPage(admin, 'DOC', 'Onboarding', '<p>o</p>', team);
    await createPage(admin, 'DOC', 'Offboarding', '<p>o</p>', team);
    const moving = await createPage(admin, 'DOC', 'Holidays', '<p>h</p>', doc.homeId);

    const base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    watchProblems(page, problems);
    await logInAsAdmin(page, base);

    await page.goto(`${base}/spaces/DOC/pages/${moving}/move`);
    await page.fill('#parentTitle', 'Team');
    await page.press('#parentTitle', 'Tab');
    await page.locator('#position option', { hasText: 'After “Onboarding”' }).waitFor({ state: 'attached' });
    expect(await page.locator('#position option').allTextContents()).toEqual(['First', 'After “Onboarding”', 'After “Offboarding”', 'Last']);
    await page.selectOption('#position', `after:${first}`);
    await Promise.all([page.waitForURL(`${base}/spaces/DOC/pages/${moving}/holidays`), page.click('form.page-move-form button[type=submit]')]);
    const titles = await t.db.query(`SELECT title FROM pages WHERE parent_id = $1 ORDER BY position`, [team]);
    expect(titles.map((r: { title: string }) => r.title)).toEqual(['Onboarding', 'Holidays', 'Offboarding']);
    expect(problems).toEqual([]);
  });

  it('asks before moving a page to the trash, and says it was done', async () => {
    const admin = await loginAsAdmin(t);
    const doc = await createSpace(t, admin, 'ASK', 'Ask');
    const doomed = await createPage(admin, 'ASK', 'Doomed', '<p>d</p>', doc.homeId);
    const base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    watchProblems(page, problems);
    await logInAsAdmin(page, base);
    await page.goto(`${base}/pages/viewpage.action?pageId=${doomed}`);

    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });
    await page.click('form[data-confirm] button.danger');
    await page.waitForTimeout(300);
    expect(questions).toEqual(['Move “Doomed” to the space trash? Pages below it move up a level.']);
    const [kept] = await t.db.query(`SELECT status FROM pages WHERE id = $1`, [doomed]);
    expect(kept.status).toBe('current');

    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(/\/ask-home$/), page.click('form[data-confirm] button.danger')]);
    expect(await page.locator('.flash').textContent()).toBe('“Doomed” was moved to the space trash.');
    const [trashed] = await t.db.query(`SELECT status FROM pages WHERE id = $1`, [doomed]);
    expect(trashed.status).toBe('trashed');
    expect(problems).toEqual([]);
  });

  it('opens the sidebar tree down to the page being viewed', async () => {
    const admin = await loginAsAdmin(t);
    const doc = await createSpace(t, admin, 'DEEP', 'Deep');
    let parent = doc.homeId;
    const chain: string[] = [];
    for (const title of ['Level one', 'Level two', 'Level three']) {
      await createPage(admin, 'DEEP', `${title} sibling`, '<p>s</p>', parent);
      parent = await createPage(admin, 'DEEP', title, '<p>l</p>', parent);
      chain.push(parent);
    }
    const base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    watchProblems(page, problems);
    await logInAsAdmin(page, base);

    await page.goto(`${base}/pages/viewpage.action?pageId=${chain[2]}`);
    const current = page.locator('.page-tree a[aria-current="page"]');
    await current.waitFor();
    expect(await current.textContent()).toBe('Level three');
    // Each ancestor is open, with its other children listed beside the path.
    const open = await page.locator('.page-tree .tree-toggle[aria-expanded="true"] + a').allTextContents();
    expect(open).toEqual(['Deep Home', 'Level one', 'Level two']);
    for (const sibling of ['Level one sibling', 'Level two sibling', 'Level three sibling']) {
      expect(await page.locator('.page-tree a', { hasText: sibling }).count(), sibling).toBe(1);
    }
    // A click still closes a level.
    await page.click(`.page-tree li[data-page-id="${chain[0]}"] > .tree-toggle`);
    expect(await current.isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });
});
