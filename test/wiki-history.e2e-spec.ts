import { PageService } from '../src/wiki/pages/page.service.js';
import { createUser, escapeHtml, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

/** Version numbers in the order the history table lists them. */
const listedVersions = (html: string) => [...html.matchAll(/>v\. (\d+)<\/a>/g)].map((m) => Number(m[1]));
/** The history table row of one version. */
const versionRow = (html: string, version: number) =>
  new RegExp(`<tr>(?:(?!</tr>)[\\s\\S])*>v\\. ${version}</a>[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
const diffBlock = (html: string) => /<div class="diff">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';

describe('wiki history: versions, old versions, diffs, restore, conflicts', () => {
  let t: TestApp;
  let admin: WebSession;
  let editor: WebSession;
  let editorName: string;
  let adminId: string;
  let homeId: string;

  async function createPage(s: WebSession, title: string, body: string): Promise<string> {
    const form = await s.agent.get(`/spaces/DOC/pages/new?parent=${homeId}`).expect(200);
    const res = await s.agent
      .post('/spaces/DOC/pages')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), title, body, parentId: homeId });
    expect(res.status).toBe(303);
    return res.headers.location.split('/')[4];
  }

  async function savePage(s: WebSession, id: string, fields: Record<string, string>) {
    const form = await s.agent.get(`/spaces/DOC/pages/${id}/edit`).expect(200);
    const baseVersion = /name="baseVersion" value="(\d+)"/.exec(form.text)![1];
    return s.agent
      .post(`/spaces/DOC/pages/${id}`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), baseVersion, ...fields });
  }

  async function restore(s: WebSession, id: string, version: number) {
    const token = csrfTokenFrom((await s.agent.get(`/spaces/DOC/pages/${id}/history`)).text);
    return s.agent.post(`/spaces/DOC/pages/${id}/history/${version}/restore`).type('form').send({ _csrf: token });
  }

  const pageState = async (id: string) => ({
    page: await t.db.query(`SELECT title, body, version, updated_at FROM pages WHERE id = $1`, [id]),
    versions: await t.db.query(`SELECT version, title, body, change_comment FROM page_versions WHERE page_id = $1 ORDER BY version`, [id]),
    audit: await t.db.query(`SELECT action FROM audit_log WHERE page_id = $1 ORDER BY id`, [id]),
  });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    const created = await admin.submit('/spaces', { key: 'DOC', name: 'Documentation', description: '' }, '/spaces/new');
    expect(created.status).toBe(303);
    [{ id: homeId }] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    [{ id: adminId }] = await t.db.query(`SELECT id FROM users WHERE username = 'admin'`);
    const user = await createUser(t, { fullName: 'Erin Editor' }, ['confluence-users']);
    editorName = user.fullName;
    editor = await loginAs(t, user.username, user.password);
  });
  afterAll(() => t.close());

  it('lists every version newest first with author, time, comment and minor-edit flag, linked from the page', async () => {
    const id = await createPage(admin, 'Release notes', '<p>First notes</p>');
    expect(
      (
        await savePage(editor, id, {
          title: 'Release notes',
          body: '<p>First notes, fixed</p>',
          comment: 'Fixed a typo',
          minorEdit: 'true',
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await savePage(admin, id, {
          title: 'Release notes',
          body: '<p>Second notes</p>',
          comment: 'Added 2.0',
        })
      ).status,
    ).toBe(303);

    const page = await editor.agent.get(`/spaces/DOC/pages/${id}/release-notes`).expect(200);
    expect(page.text).toContain(`href="/spaces/DOC/pages/${id}/history">History</a>`);

    const history = await editor.agent.get(`/spaces/DOC/pages/${id}/history`).expect(200);
    expect(listedVersions(history.text)).toEqual([3, 2, 1]);
    const v2 = versionRow(history.text, 2);
    expect(v2).toContain(escapeHtml(editorName));
    expect(v2).toContain('Fixed a typo');
    expect(v2).toContain('Minor edit');
    expect(v2).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
    expect(versionRow(history.text, 3)).toContain('Added 2.0');
    expect(versionRow(history.text, 3)).not.toContain('Minor edit');
    expect(versionRow(history.text, 3)).toContain('Current');
    // Radio buttons choose the two versions to compare; they start on previous → current.
    expect(history.text).toMatch(new RegExp(`<form method="get" action="/spaces/DOC/pages/${id}/diff"`));
    expect(history.text).toMatch(/name="from" value="2"[^>]*checked/);
    expect(history.text).toMatch(/name="to" value="3"[^>]*checked/);
  });

  it('paginates a long history', async () => {
    const id = await createPage(admin, 'Busy page', '<p>edit 1</p>');
    const viewer = { userId: adminId, isAdmin: true };
    for (let v = 1; v < 55; v++)
      await t.app.get(PageService).savePage(viewer, id, {
        title: 'Busy page',
        body: `<p>edit ${v + 1}</p>`,
        baseVersion: v,
      });

    const first = await admin.agent.get(`/spaces/DOC/pages/${id}/history`).expect(200);
    const firstVersions = listedVersions(first.text);
    expect(firstVersions).toHaveLength(50);
    expect(firstVersions[0]).toBe(55);
    expect(firstVersions[49]).toBe(6);
    expect(first.text).toContain(`href="${escapeHtml(`/spaces/DOC/pages/${id}/history?page=2`)}">Older versions</a>`);

    const second = await admin.agent.get(`/spaces/DOC/pages/${id}/history?page=2`).expect(200);
    expect(listedVersions(second.text)).toEqual([5, 4, 3, 2, 1]);
    expect(second.text).toContain(`href="/spaces/DOC/pages/${id}/history">Newer versions</a>`);
  });

  it('shows any old version rendered through the sanitiser, under an old-version banner', async () => {
    const id = await createPage(admin, 'Old and new', '<p>The original wording</p>');
    expect(
      (
        await savePage(admin, id, {
          title: 'Old and new',
          body: '<p>The current wording</p>',
        })
      ).status,
    ).toBe(303);
    // A version row written before today's allowlist still renders inert.
    await t.db.query(
      `UPDATE page_versions SET body = body || '<img src="x" onerror="alert(1)"><script>alert(2)</script>' WHERE page_id = $1 AND version = 1`,
      [id],
    );

    const old = await editor.agent.get(`/spaces/DOC/pages/${id}/history/1`).expect(200);
    expect(old.text).toContain('You are viewing an old version');
    expect(old.text).toContain('The original wording');
    expect(old.text).not.toContain('The current wording');
    expect(old.text).not.toContain('onerror');
    expect(old.text).not.toContain('<script>alert');
    expect(old.text).toContain(`action="/spaces/DOC/pages/${id}/history/1/restore"`);

    const current = await editor.agent.get(`/spaces/DOC/pages/${id}/history/2`).expect(200);
    expect(current.text).toContain('This is the current version');
    expect(current.text).not.toContain('You are viewing an old version');

    await editor.agent.get(`/spaces/DOC/pages/${id}/history/9`).expect(404);
    await editor.agent.get(`/spaces/DOC/pages/${id}/history/latest`).expect(404);
  });

  it('compares two versions word by word, escaped, with a title change line', async () => {
    const id = await createPage(admin, 'Install', '<p>Install the old package with <strong>care</strong></p>');
    const body = '<p>Install the new package with <strong>care</strong></p><p>Then type &lt;b&gt;done&lt;/b&gt;</p>';
    expect((await savePage(editor, id, { title: 'Install guide', body })).status).toBe(303);

    const res = await editor.agent.get(`/spaces/DOC/pages/${id}/diff?from=1&to=2`).expect(200);
    const diff = diffBlock(res.text);
    expect(diff).toMatch(/<del>\s*old\s*<\/del>/);
    expect(diff).toMatch(/<ins>\s*new\s*<\/ins>/);
    expect(diff).toMatch(/<ins>[^<]*Then type &lt;b&gt;done&lt;\/b&gt;[^<]*<\/ins>/);
    // Only the diff's own marks, never the page's markup.
    expect([...diff.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]).every((tag) => ['ins', 'del', 'span'].includes(tag))).toBe(true);
    expect(res.text).toContain('Title changed from <del>Install</del> to <ins>Install guide</ins>');

    // No choice means "previous version → current version".
    const latest = await editor.agent.get(`/spaces/DOC/pages/${id}/diff`).expect(200);
    expect(diffBlock(latest.text)).toBe(diff);

    const reversed = await editor.agent.get(`/spaces/DOC/pages/${id}/diff?from=2&to=1`).expect(200);
    expect(diffBlock(reversed.text)).toMatch(/<ins>\s*old\s*<\/ins>/);

    const same = await editor.agent.get(`/spaces/DOC/pages/${id}/diff?from=2&to=2`).expect(200);
    expect(same.text).toContain('The text of these versions is the same');

    const bad = await editor.agent.get(`/spaces/DOC/pages/${id}/diff?from=one&to=2`).expect(400);
    expect(bad.text).toContain('Choose two versions of this page to compare.');
    const missing = await editor.agent.get(`/spaces/DOC/pages/${id}/diff?from=1&to=7`).expect(404);
    expect(missing.text).toContain('This page has no version 7.');
  });

  it('restores an old version as a new version, with an audit entry', async () => {
    const id = await createPage(admin, 'Policy', '<p>Rule one</p>');
    expect(
      (
        await savePage(admin, id, {
          title: 'Policy v2',
          body: '<p>Rule two</p>',
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await savePage(admin, id, {
          title: 'Policy v3',
          body: '<p>Rule three</p>',
        })
      ).status,
    ).toBe(303);

    const res = await restore(editor, id, 1);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/spaces/DOC/pages/${id}/policy`);

    const after = await pageState(id);
    expect(after.page[0]).toMatchObject({
      title: 'Policy',
      body: '<p>Rule one</p>',
      version: 4,
    });
    expect(
      after.versions.map((v: { version: number; title: string; change_comment: string }) => [v.version, v.title, v.change_comment]),
    ).toEqual([
      [1, 'Policy', ''],
      [2, 'Policy v2', ''],
      [3, 'Policy v3', ''],
      [4, 'Policy', 'Restored version 1'],
    ]);
    const [entry] = await t.db.query(
      `SELECT a.summary, a.details, u.full_name FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.page_id = $1 AND a.action = 'page.restored-version'`,
      [id],
    );
    expect(entry).toMatchObject({
      full_name: editorName,
      details: { restoredVersion: 1, newVersion: 4 },
    });

    const page = await editor.agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('Version 1 was restored as version 4.');
    const history = await editor.agent.get(`/spaces/DOC/pages/${id}/history`).expect(200);
    expect(versionRow(history.text, 4)).toContain('Restored version 1');
  });

  it('refuses a restore without edit permission (403) or of the current version (400), changing nothing', async () => {
    const id = await createPage(admin, 'Locked', '<p>Locked one</p>');
    expect(
      (
        await savePage(admin, id, {
          title: 'Locked',
          body: '<p>Locked two</p>',
        })
      ).status,
    ).toBe(303);
    await t.db.query(`INSERT INTO page_restrictions (page_id, kind, user_id) VALUES ($1, 'edit', $2)`, [id, adminId]);
    const before = await pageState(id);

    const history = await editor.agent.get(`/spaces/DOC/pages/${id}/history`).expect(200);
    expect(history.text).not.toContain('Restore this version');
    const refused = await restore(editor, id, 1);
    expect(refused.status).toBe(403);
    expect(await pageState(id)).toEqual(before);

    const current = await restore(admin, id, 2);
    expect(current.status).toBe(400);
    expect(current.text).toContain('Version 2 is already the current version.');
    expect(await pageState(id)).toEqual(before);
  });

  it('hides the history, versions and diffs of a page the viewer may not see (404)', async () => {
    const id = await createPage(admin, 'Secret plans', '<p>Top secret words</p>');
    expect(
      (
        await savePage(admin, id, {
          title: 'Secret plans',
          body: '<p>More secret words</p>',
        })
      ).status,
    ).toBe(303);
    await t.db.query(`INSERT INTO page_restrictions (page_id, kind, user_id) VALUES ($1, 'view', $2)`, [id, adminId]);
    const before = await pageState(id);

    for (const path of ['history', 'history/1', 'diff?from=1&to=2', 'diff']) {
      const res = await editor.agent.get(`/spaces/DOC/pages/${id}/${path}`);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('secret words');
      expect(res.text).not.toContain('Secret plans');
    }
    expect((await restore(editor, id, 1)).status).toBe(404);
    expect(await pageState(id)).toEqual(before);
    await admin.agent.get(`/spaces/DOC/pages/${id}/history`).expect(200);

    // Anonymous visitors of a private space are sent to log in, as on the page itself.
    const anonymous = await new WebSession(t.http).agent.get(`/spaces/DOC/pages/${id}/history`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
  });

  it('lets anonymous visitors read history where the space allows it, without restore', async () => {
    const created = await admin.submit('/spaces', { key: 'PUB', name: 'Public', description: '' }, '/spaces/new');
    expect(created.status).toBe(303);
    const [space] = await t.db.query(`SELECT id, homepage_id::text AS home FROM spaces WHERE key = 'PUB'`);
    await t.db.query(`INSERT INTO space_permissions (space_id, permission) VALUES ($1, 'view')`, [space.id]);
    await t.app.get(PageService).savePage({ userId: adminId, isAdmin: true }, space.home, {
      title: 'Public Home',
      body: '<p>Hello world</p>',
      baseVersion: 1,
    });

    const anonymous = new WebSession(t.http);
    const history = await anonymous.agent.get(`/spaces/PUB/pages/${space.home}/history`).expect(200);
    expect(listedVersions(history.text)).toEqual([2, 1]);
    expect(history.text).not.toContain('Restore this version');
    const diff = await anonymous.agent.get(`/spaces/PUB/pages/${space.home}/diff?from=1&to=2`).expect(200);
    expect(diffBlock(diff.text)).toMatch(/<ins>[^<]*Hello world[^<]*<\/ins>/);
    await anonymous.agent.get(`/spaces/PUB/pages/${space.home}/history/1`).expect(200);
  });

  it('loses nothing in a version conflict: both texts shown, the work kept, nothing overwritten', async () => {
    const id = await createPage(admin, 'Shared notes', '<p>Base text</p>');
    const mine = await editor.agent.get(`/spaces/DOC/pages/${id}/edit`).expect(200);
    expect(
      (
        await savePage(admin, id, {
          title: 'Shared notes',
          body: '<p>Their newer text</p>',
        })
      ).status,
    ).toBe(303);

    const myBody = '<p>My careful work & more</p>';
    const conflict = await editor.agent
      .post(`/spaces/DOC/pages/${id}`)
      .type('form')
      .send({
        _csrf: csrfTokenFrom(mine.text),
        baseVersion: '1',
        title: 'Shared notes (mine)',
        body: myBody,
        comment: 'my comment',
      });
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain(escapeHtml('<p>Their newer text</p>'));
    expect(conflict.text).toMatch(new RegExp(`<textarea id="body"[^>]*>${escapeHtml(myBody)}</textarea>`));
    expect(conflict.text).toContain(`value="${escapeHtml('Shared notes (mine)')}"`);
    expect(conflict.text).toContain('value="my comment"');
    expect(conflict.text).toContain('name="baseVersion" value="2"');
    // The other person's changes, word by word, one click away.
    const changes = /<a href="([^"]+)" target="_blank" rel="noopener">See what changed from version 1 to 2<\/a>/.exec(conflict.text)?.[1];
    const changesUrl = changes!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    expect(changesUrl).toBe(`/spaces/DOC/pages/${id}/diff?from=1&to=2`);
    const diff = await editor.agent.get(changesUrl).expect(200);
    expect(diff.text).toMatch(/<ins[^>]*>[^<]*newer/);
    const [row] = await t.db.query(`SELECT title, body, version FROM pages WHERE id = $1`, [id]);
    expect(row).toEqual({
      title: 'Shared notes',
      body: '<p>Their newer text</p>',
      version: 2,
    });

    // Saving again from the conflict view (now on version 2) keeps their version in history.
    const resaved = await editor.agent
      .post(`/spaces/DOC/pages/${id}`)
      .type('form')
      .send({
        _csrf: csrfTokenFrom(conflict.text),
        baseVersion: '2',
        title: 'Shared notes (mine)',
        body: myBody,
      });
    expect(resaved.status).toBe(303);
    const versions = await t.db.query(`SELECT version, body FROM page_versions WHERE page_id = $1 ORDER BY version`, [id]);
    expect(versions).toEqual([
      { version: 1, body: '<p>Base text</p>' },
      { version: 2, body: '<p>Their newer text</p>' },
      { version: 3, body: '<p>My careful work &amp; more</p>' },
    ]);
  });
});
