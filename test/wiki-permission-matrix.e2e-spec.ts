import request from 'supertest';
import { GroupsService } from '../src/users/groups.service.js';
import { PageRestrictionsService } from '../src/wiki/permissions/page-restrictions.service.js';
import { SpacePermissionsService } from '../src/wiki/permissions/space-permissions.service.js';
import { viewerOf, type Viewer } from '../src/wiki/permissions/viewer.js';
import { PageService } from '../src/wiki/pages/page.service.js';
import { SpaceService } from '../src/wiki/spaces/space.service.js';
import { UsersService } from '../src/users/users.service.js';
import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';

type Role = 'admin' | 'spaceadmin' | 'insider' | 'reader' | 'editor' | 'anonymous';
type Outcome = 'ok' | 'hidden' | 'forbidden' | 'login';

/**
 * Role × action × object, as the rules say: space permissions per group and user, view
 * restrictions inherited by children, edit restrictions, anonymous access, global "use".
 */
describe('wiki permission matrix', () => {
  let t: TestApp;
  const sessions = {} as Record<Role, WebSession>;
  const ids = {} as Record<'openHome' | 'parent' | 'child' | 'grandchild', string>;

  beforeAll(async () => {
    t = await startTestApp();
    const groups = t.app.get(GroupsService);
    await groups.createGroup('readers');
    await groups.createGroup('insiders');
    const spaceadmin = await createUser(t, { username: 'spaceadmin', email: 'sa@example.com' });
    const insider = await createUser(t, { username: 'insider', email: 'in@example.com' }, ['readers', 'insiders']);
    const reader = await createUser(t, { username: 'reader', email: 're@example.com' }, ['readers']);
    const editor = await createUser(t, { username: 'editor', email: 'ed@example.com' });

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
    ids.child = (await pages.createPage(admin, priv.id, ids.parent, { title: 'Secret child', body: '<p>c</p>' })).id;
    ids.grandchild = (await pages.createPage(admin, priv.id, ids.child, { title: 'Secret grandchild', body: '<p>g</p>' })).id;
    await t.app.get(PageRestrictionsService).addRestriction(admin as Viewer, ids.child, { kind: 'view', subject: 'group', name: 'insiders' });

    sessions.admin = await loginAsAdmin(t);
    sessions.spaceadmin = await loginAs(t, 'spaceadmin', spaceadmin.password);
    sessions.insider = await loginAs(t, 'insider', insider.password);
    sessions.reader = await loginAs(t, 'reader', reader.password);
    sessions.editor = await loginAs(t, 'editor', editor.password);
    sessions.anonymous = new WebSession(t.http);
  });
  afterAll(() => t.close());

  function outcome(status: number, location?: string): Outcome {
    if (status === 200 || status === 301 || status === 302) return 'ok';
    if (status === 303 && location?.startsWith('/login')) return 'login';
    if (status === 404) return 'hidden';
    if (status === 403) return 'forbidden';
    return `status ${status}` as Outcome;
  }

  const viewCases: [Role, keyof typeof ids, Outcome][] = [
    ['admin', 'parent', 'ok'], ['spaceadmin', 'parent', 'ok'], ['insider', 'parent', 'ok'], ['reader', 'parent', 'ok'],
    ['editor', 'parent', 'hidden'], ['anonymous', 'parent', 'login'],
    ['admin', 'child', 'ok'], ['insider', 'child', 'ok'], ['reader', 'child', 'hidden'], ['spaceadmin', 'child', 'hidden'],
    ['editor', 'child', 'hidden'], ['anonymous', 'child', 'login'],
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

  it('refuses a save from a reader and writes nothing', async () => {
    const token = await sessions.reader.csrfToken(`/pages/viewpage.action?pageId=${ids.parent}`).catch(() => sessions.reader.csrfToken('/'));
    const res = await sessions.reader.agent
      .post(`/spaces/PRIV/pages/${ids.parent}`)
      .type('form')
      .send({ _csrf: token, title: 'Hacked', body: '<p>x</p>', baseVersion: '1' });
    expect(res.status).toBe(403);
    const [row] = await t.db.query(`SELECT title, version FROM pages WHERE id = $1`, [ids.parent]);
    expect(row).toEqual({ title: 'Parent', version: 1 });
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
});
