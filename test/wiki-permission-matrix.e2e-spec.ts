import request from 'supertest';
import { GroupsService } from '../src/users/groups.service.js';
import { PageRestrictionsService } from '../src/wiki/permissions/page-restrictions.service.js';
import { SpacePermissionsService } from '../src/wiki/permissions/space-permissions.service.js';
import { viewerOf, type Viewer } from '../src/wiki/permissions/viewer.js';
import { PageService } from '../src/wiki/pages/page.service.js';
import { SpaceService } from '../src/wiki/spaces/space.service.js';
import { UsersService } from '../src/users/users.service.js';
import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { basicAuth } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';
import { hitTitleHtml } from './wiki-search-fixtures.js';

type Role = 'admin' | 'spaceadmin' | 'insider' | 'reader' | 'editor' | 'anonymous';
type Outcome = 'ok' | 'hidden' | 'forbidden' | 'login' | 'unauthorized' | 'listed' | 'unlisted';
type Action = 'page' | 'attachment' | 'history' | 'old version' | 'diff' | 'REST content' | 'search' | 'quick search' | 'CQL search';

// A 1x1 PNG for the attachments of Parent and of the restricted child.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
/** The restricted child's title word, found nowhere else, so its search hit is unambiguous. */
const CHILD_WORD = 'quokka';

/**
 * Role × action × object, as the rules say: space permissions per group and user, view
 * restrictions inherited by children, edit restrictions, anonymous access, global "use".
 */
describe('wiki permission matrix', () => {
  let t: TestApp;
  const sessions = {} as Record<Role, WebSession>;
  /** Basic auth for REST calls; anonymous sends none. */
  const passwords = { admin: ADMIN_PASSWORD } as Record<Exclude<Role, 'anonymous'>, string>;
  const ids = {} as Record<'openHome' | 'parent' | 'child' | 'grandchild', string>;

  beforeAll(async () => {
    t = await startTestApp();
    const groups = t.app.get(GroupsService);
    await groups.createGroup('readers');
    await groups.createGroup('insiders');
    const spaceadmin = await createUser(t, { username: 'spaceadmin', email: 'sa@example.com' });
    const insider = await createUser(t, { username: 'insider', email: 'in@example.com' }, ['readers', 'insiders']);
    const reader = await createUser(t, { username: 'reader', email: 're@example.com' }, ['readers']);
    // Everyone is in confluence-users (view and edit in OPEN by default); editor has no grant in PRIV.
    const editor = await createUser(t, { username: 'editor', email: 'ed@example.com' });
    Object.assign(passwords, { spaceadmin: spaceadmin.password, insider: insider.password, reader: reader.password, editor: editor.password });

    const admin = viewerOf(await t.app.get(UsersService).findByUsername('admin'));
    const spaces = t.app.get(SpaceService);
    const grants = t.app.get(SpacePermissionsService);
    const pages = t.app.get(PageService);

    const open = await spaces.createSpace(admin, { key: 'OPEN', name: 'Open' });
    await grants.replaceGrants(admin, open.id, [
      ...(await grants.listGrants(admin, open.id)).filter((g) => g.kind !== 'anonymous'),
      { kind: 'anonymous', name: '', label: '', permissions: ['view'] },
    ]);
    ids.openHome = open.homepageId!;

    const priv = await spaces.createSpace(admin, { key: 'PRIV', name: 'Private' });
    await grants.replaceGrants(admin, priv.id, [
      { kind: 'group', name: 'readers', label: '', permissions: ['view'] },
      { kind: 'user', name: 'spaceadmin', label: '', permissions: ['view', 'edit', 'comment', 'attach', 'delete', 'admin'] },
    ]);
    ids.parent = (await pages.createPage(admin, priv.id, priv.homepageId, { title: 'Parent', body: '<p>p</p>' })).id;
    // Second versions, so both pages have something to diff.
    await pages.savePage(admin, ids.parent, { title: 'Parent', body: '<p>p, edited</p>', baseVersion: '1' });
    const child = await pages.createPage(admin, priv.id, ids.parent, { title: `Secret ${CHILD_WORD} child`, body: '<p>c</p>' });
    ids.child = child.id;
    await pages.savePage(admin, ids.child, { title: child.title, body: '<p>c, edited</p>', baseVersion: '1' });
    ids.grandchild = (await pages.createPage(admin, priv.id, ids.child, { title: 'Secret grandchild', body: '<p>g</p>' })).id;
    await t.app.get(PageRestrictionsService).addRestriction(admin as Viewer, ids.child, { kind: 'view', subject: 'group', name: 'insiders' });

    sessions.admin = await loginAsAdmin(t);
    sessions.spaceadmin = await loginAs(t, 'spaceadmin', spaceadmin.password);
    sessions.insider = await loginAs(t, 'insider', insider.password);
    sessions.reader = await loginAs(t, 'reader', reader.password);
    sessions.editor = await loginAs(t, 'editor', editor.password);
    sessions.anonymous = new WebSession(t.http);

    for (const id of [ids.parent, ids.child]) {
      const token = await sessions.admin.csrfToken(`/spaces/PRIV/pages/${id}/attachments`);
      await sessions.admin.agent
        .post(`/spaces/PRIV/pages/${id}/attachments?_csrf=${encodeURIComponent(token)}`)
        .attach('files', PNG, { filename: 'diagram.png', contentType: 'image/png' })
        .expect(303);
    }
    const attached = await t.db.query(`SELECT page_id::text AS id FROM attachments ORDER BY page_id`);
    expect(attached.map((a: { id: string }) => a.id)).toEqual([ids.parent, ids.child]);
  });
  afterAll(() => t.close());

  function outcome(status: number, location?: string): Outcome {
    if (status === 200 || status === 301 || status === 302) return 'ok';
    if (status === 303 && location?.startsWith('/login')) return 'login';
    if (status === 401) return 'unauthorized';
    if (status === 404) return 'hidden';
    if (status === 403) return 'forbidden';
    return `status ${status}` as Outcome;
  }

  // Parent and child are in the matrix below.
  const viewCases: [Role, keyof typeof ids, Outcome][] = [
    ['insider', 'grandchild', 'ok'], ['reader', 'grandchild', 'hidden'], ['spaceadmin', 'grandchild', 'hidden'],
    ['editor', 'openHome', 'ok'], ['reader', 'openHome', 'ok'], ['anonymous', 'openHome', 'ok'],
  ];
  it.each(viewCases)('%s viewing %s: %s', async (role, page, expected) => {
    const res = await sessions[role].agent.get(`/pages/viewpage.action?pageId=${ids[page]}`);
    expect(outcome(res.status, res.headers.location)).toBe(expected);
  });

  const treeCases: [Role, boolean][] = [['insider', true], ['reader', false], ['spaceadmin', false], ['admin', true]];
  it.each(treeCases)('%s sees the restricted child in the tree: %s', async (role, sees) => {
    const res = await sessions[role].agent.get(`/spaces/PRIV/tree?parent=${ids.parent}`).expect(200);
    expect(res.body.children.some((c: { id: string }) => c.id === ids.child)).toBe(sees);
  });

  const editCases: [Role, Outcome][] = [
    ['admin', 'ok'], ['spaceadmin', 'ok'], ['reader', 'forbidden'], ['insider', 'forbidden'], ['editor', 'hidden'], ['anonymous', 'login'],
  ];
  it.each(editCases)('%s opening the editor of Parent: %s', async (role, expected) => {
    const res = await sessions[role].agent.get(`/spaces/PRIV/pages/${ids.parent}/edit`);
    expect(outcome(res.status, res.headers.location)).toBe(expected);
  });

  /** One request per action, answering how it went for `role` on page `id`. */
  const perform: Record<Action, (role: Role, id: string) => Promise<Outcome>> = {
    page: (role, id) => status(sessions[role].agent.get(`/pages/viewpage.action?pageId=${id}`)),
    attachment: (role, id) => status(sessions[role].agent.get(`/pages/${id}/attachments/diagram.png`)),
    history: (role, id) => status(sessions[role].agent.get(`/spaces/PRIV/pages/${id}/history`)),
    'old version': (role, id) => status(sessions[role].agent.get(`/spaces/PRIV/pages/${id}/history/1`)),
    diff: (role, id) => status(sessions[role].agent.get(`/spaces/PRIV/pages/${id}/diff?from=1&to=2`)),
    'REST content': (role, id) => status(rest(role, `/rest/api/content/${id}`)),
    search: async (role, id) => {
      const res = await sessions[role].agent.get('/search').query({ q: titleWord(id) }).expect(200);
      return listed(hitTitleHtml(res.text).map((h) => h.replace(/<\/?mark>/g, '')), id);
    },
    'quick search': async (role, id) => {
      const res = await sessions[role].agent.get('/search/quick').query({ q: titleWord(id) }).set('Accept', 'application/json').expect(200);
      return listed(res.body.results.map((r: { title: string }) => r.title), id);
    },
    'CQL search': async (role, id) => {
      const res = await rest(role, `/rest/api/content/search?cql=${encodeURIComponent(`text ~ "${titleWord(id)}"`)}`).expect(200);
      return listed(res.body.results.map((r: { title: string }) => r.title), id);
    },
  };

  async function status(req: request.Test): Promise<Outcome> {
    const res = await req;
    return outcome(res.status, res.headers.location);
  }
  function rest(role: Role, path: string): request.Test {
    const req = request(t.http).get(path);
    return role === 'anonymous' ? req : req.set('Authorization', basicAuth(role, passwords[role]));
  }
  const titleWord = (id: string) => (id === ids.child ? CHILD_WORD : 'parent');
  const titleOf = (id: string) => (id === ids.child ? `Secret ${CHILD_WORD} child` : 'Parent');
  const listed = (titles: string[], id: string): Outcome => (titles.includes(titleOf(id)) ? 'listed' : 'unlisted');

  /*
   * The rules: a page's history, old versions, diffs, attachments, REST representation and
   * search hits follow the page itself. Admins see everything. In PRIV the readers group
   * may view and spaceadmin holds every space permission; editor holds nothing there. The
   * child's view restriction names only insiders and is inherited below it, so it shuts
   * out readers and even the space admin. Refusals hide (404); anonymous visitors are sent
   * to log in on HTML routes and get 401 from REST, and search simply finds nothing.
   */
  const row = (access: Outcome, search: Outcome, api: Outcome = access): Record<Action, Outcome> => ({
    page: access, attachment: access, history: access, 'old version': access, diff: access, 'REST content': api,
    search, 'quick search': search, 'CQL search': search,
  });
  const SEES = row('ok', 'listed');
  const HIDDEN = row('hidden', 'unlisted');
  const ANONYMOUS = row('login', 'unlisted', 'unauthorized');
  const matrix: Record<'parent' | 'child', Record<Role, Record<Action, Outcome>>> = {
    parent: { admin: SEES, spaceadmin: SEES, insider: SEES, reader: SEES, editor: HIDDEN, anonymous: ANONYMOUS },
    child: { admin: SEES, spaceadmin: HIDDEN, insider: SEES, reader: HIDDEN, editor: HIDDEN, anonymous: ANONYMOUS },
  };
  const matrixCases = (['parent', 'child'] as const).flatMap((page) =>
    (Object.keys(matrix[page]) as Role[]).flatMap((role) =>
      (Object.keys(matrix[page][role]) as Action[]).map((action) => [page, role, action, matrix[page][role][action]] as const),
    ),
  );
  it.each(matrixCases)('%s: %s, %s → %s', async (page, role, action, expected) => {
    expect(await perform[action](role, ids[page])).toBe(expected);
  });

  it('serves an allowed attachment download as the uploaded bytes', async () => {
    const res = await sessions.insider.agent.get(`/pages/${ids.child}/attachments/diagram.png`).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(res.body as Buffer, PNG)).toBe(0);
  });

  it('keeps a hidden page out of REST answers entirely, with nothing about it in the error', async () => {
    const hidden = await rest('reader', `/rest/api/content/${ids.child}?expand=body.storage`);
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain(CHILD_WORD);
    const shown = await rest('insider', `/rest/api/content/${ids.child}?expand=body.storage`).expect(200);
    expect(shown.body).toMatchObject({ id: ids.child, title: `Secret ${CHILD_WORD} child`, body: { storage: { value: '<p>c, edited</p>' } } });
  });

  it('refuses a save from a reader and writes nothing', async () => {
    const token = await sessions.reader.csrfToken(`/pages/viewpage.action?pageId=${ids.parent}`).catch(() => sessions.reader.csrfToken('/'));
    const res = await sessions.reader.agent
      .post(`/spaces/PRIV/pages/${ids.parent}`)
      .type('form')
      .send({ _csrf: token, title: 'Hacked', body: '<p>x</p>', baseVersion: '2' });
    expect(res.status).toBe(403);
    const [row] = await t.db.query(`SELECT title, version FROM pages WHERE id = $1`, [ids.parent]);
    expect(row).toEqual({ title: 'Parent', version: 2 });
  });

  it('refuses to delete a restricted page for everyone the restriction shuts out, even space admins', async () => {
    const readerToken = await sessions.reader.csrfToken('/');
    const refused = await sessions.reader.agent.post(`/spaces/PRIV/pages/${ids.grandchild}/delete`).type('form').send({ _csrf: readerToken });
    expect(refused.status).toBe(404);
    const saToken = await sessions.spaceadmin.csrfToken('/');
    const denied = await sessions.spaceadmin.agent.post(`/spaces/PRIV/pages/${ids.grandchild}/delete`).type('form').send({ _csrf: saToken });
    expect(denied.status).toBe(404);
    const [row] = await t.db.query(`SELECT status FROM pages WHERE id = $1`, [ids.grandchild]);
    expect(row.status).toBe('current');
  });

  it('an edit restriction lets the space see but not edit the page', async () => {
    const admin = viewerOf(await t.app.get(UsersService).findByUsername('admin'));
    await t.app.get(PageRestrictionsService).addRestriction(admin, ids.openHome, { kind: 'edit', subject: 'user', name: 'admin' });
    const view = await sessions.editor.agent.get(`/pages/viewpage.action?pageId=${ids.openHome}`);
    expect(view.status).toBe(301);
    const edit = await sessions.editor.agent.get(`/spaces/OPEN/pages/${ids.openHome}/edit`);
    expect(edit.status).toBe(403);
  });

  it('without the global "use" permission a user sees no space', async () => {
    await t.db.query(`DELETE FROM global_permissions WHERE permission = 'use' AND group_id = (SELECT id FROM groups WHERE name = 'confluence-users')`);
    const res = await sessions.editor.agent.get(`/pages/viewpage.action?pageId=${ids.openHome}`);
    expect(res.status).toBe(404);
    const list = await sessions.editor.agent.get('/spaces').expect(200);
    expect(list.text).not.toContain('/spaces/OPEN');
    // Anonymous access is per space and does not depend on users' global permissions.
    const anonymous = await request(t.http).get(`/pages/viewpage.action?pageId=${ids.openHome}`);
    expect(anonymous.status).toBe(301);
  });

  it('without the global "use" permission a user cannot create a space, by form or REST, and nothing is written', async () => {
    // Still without it, from the test before.
    const before = { spaces: await t.db.query(`SELECT key FROM spaces ORDER BY key`), audit: await t.db.query(`SELECT id FROM audit_log ORDER BY id`) };
    expect((await sessions.editor.agent.get('/spaces').expect(200)).text).not.toContain('href="/spaces/new"');
    const form = await sessions.editor.agent.get('/spaces/new');
    expect(form.status).toBe(403);
    expect(form.text).toContain('Creating a space needs the global &quot;can use&quot; permission');
    const token = await sessions.editor.csrfToken('/spaces');
    const posted = await sessions.editor.agent.post('/spaces').type('form').send({ _csrf: token, key: 'NOPE', name: 'Nope', description: '' });
    expect(posted.status).toBe(403);
    const rest = await request(t.http)
      .post('/rest/api/space')
      .set('Authorization', basicAuth('editor', passwords.editor))
      .send({ key: 'NOPE2', name: 'Nope too' });
    expect(rest.status).toBe(403);
    expect(rest.body.message).toContain('can use');
    expect({ spaces: await t.db.query(`SELECT key FROM spaces ORDER BY key`), audit: await t.db.query(`SELECT id FROM audit_log ORDER BY id`) }).toEqual(before);
    // Someone who holds it (here through being an administrator) sees the button.
    expect((await sessions.admin.agent.get('/spaces').expect(200)).text).toContain('href="/spaces/new"');
  });
});
