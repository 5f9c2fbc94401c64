import request from 'supertest';
import { USERS_GROUP } from '../src/users/group.entity.js';
import { PageService } from '../src/wiki/pages/page.service.js';
import type { Viewer } from '../src/wiki/permissions/viewer.js';
import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import { adminViewer, closeToUsers, createPage, createSpace, openToAnonymous, restrictViewTo, searchAs } from './wiki-search-fixtures.js';

/**
 * Pages titled "Falcon …" in every situation that hides a page; each viewer's search and
 * quick search must list exactly the pages that viewer may open.
 */
describe('wiki search: results never include what the viewer cannot view', () => {
  let t: TestApp;
  let admin: Viewer;
  let adminWeb: WebSession;
  let aliceWeb: WebSession;
  let bobWeb: WebSession;

  const EVERYONE = ['Falcon in docs', 'Falcon public'];
  const BOB_ONLY = ['Falcon restricted parent', 'Falcon restricted child'];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminViewer(t);
    adminWeb = await loginAsAdmin(t);
    const alice = await createUser(t, { username: 'alice' }, [USERS_GROUP]);
    const bob = await createUser(t, { username: 'bob' }, [USERS_GROUP]);
    aliceWeb = await loginAs(t, 'alice', alice.password);
    bobWeb = await loginAs(t, 'bob', bob.password);

    const doc = await createSpace(t, admin, 'DOC', 'Documentation');
    const open = await createSpace(t, admin, 'OPEN', 'Open space');
    await openToAnonymous(t, open);
    const secret = await createSpace(t, admin, 'SECRET', 'Secret space');
    await closeToUsers(t, secret);

    await createPage(t, admin, doc, 'Falcon in docs', '<p>Peregrine falcon.</p>');
    await createPage(t, admin, open, 'Falcon public', '<p>Everyone sees this falcon.</p>');
    await createPage(t, admin, secret, 'Falcon secret', '<p>Admins only falcon.</p>');
    const parent = await createPage(t, admin, doc, 'Falcon restricted parent', '<p>Bob only falcon.</p>');
    await restrictViewTo(t, parent.id, bob.id);
    // No restriction of its own: the parent's view restriction applies to it, as in Confluence.
    await createPage(t, admin, doc, 'Falcon restricted child', '<p>Child falcon.</p>', parent.id);
    const trashed = await createPage(t, admin, doc, 'Falcon trashed', '<p>Deleted falcon.</p>');
    await t.app.get(PageService).trashPage(admin, trashed.id);
  });
  afterAll(() => t.close());

  const sorted = (titles: string[]) => [...titles].sort();

  it('shows a user only pages in spaces they may view, outside view restrictions, never trashed', async () => {
    const res = await searchAs(aliceWeb.agent, { q: 'falcon' });
    expect(res.status).toBe(200);
    expect(sorted(res.titles)).toEqual(sorted(EVERYONE));
    expect(res.html).not.toContain('Bob only falcon');
  });

  it('shows restricted pages and their children to the person the restriction names', async () => {
    expect(sorted((await searchAs(bobWeb.agent, { q: 'falcon' })).titles)).toEqual(sorted([...EVERYONE, ...BOB_ONLY]));
  });

  it('shows admins every current page, but not the trash', async () => {
    const res = await searchAs(adminWeb.agent, { q: 'falcon' });
    expect(sorted(res.titles)).toEqual(sorted([...EVERYONE, ...BOB_ONLY, 'Falcon secret']));
    expect(res.titles).not.toContain('Falcon trashed');
  });

  it('keeps hidden pages out of filtered lists and page counts too', async () => {
    const bySpace = await searchAs(aliceWeb.agent, { q: 'falcon', space: 'SECRET' });
    expect(bySpace.titles).toEqual([]);
    expect(bySpace.html).toContain('No pages match your search.');
    const noWords = await searchAs(aliceWeb.agent, { space: 'DOC', from: '2000-01-01' });
    expect(noWords.titles).not.toContain('Falcon restricted parent');
    expect(noWords.titles).not.toContain('Falcon restricted child');
    expect(noWords.titles).toContain('Falcon in docs');
  });

  it('lets anonymous visitors search only the spaces open to anonymous access', async () => {
    const res = await searchAs(request.agent(t.http), { q: 'falcon' });
    expect(res.status).toBe(200);
    expect(res.titles).toEqual(['Falcon public']);
    // The space filter offers only what they may see.
    expect(res.html).toContain('<option value="OPEN"');
    expect(res.html).not.toContain('<option value="DOC"');
  });

  describe('quick title search', () => {
    const quick = async (agent: { get: (path: string) => request.Test }, q: string) => {
      const res = await agent.get('/search/quick').query({ q }).set('Accept', 'application/json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/json/);
      return res.body.results as { title: string; url: string; spaceKey: string; spaceName: string }[];
    };

    it('suggests only titles the viewer may open', async () => {
      const titles = async (agent: { get: (path: string) => request.Test }) => sorted((await quick(agent, 'falc')).map((r) => r.title));
      expect(await titles(aliceWeb.agent)).toEqual(sorted(EVERYONE));
      expect(await titles(bobWeb.agent)).toEqual(sorted([...EVERYONE, ...BOB_ONLY]));
      expect(await titles(adminWeb.agent)).toEqual(sorted([...EVERYONE, ...BOB_ONLY, 'Falcon secret']));
      expect(await titles(request.agent(t.http))).toEqual(['Falcon public']);
    });

    it('answers with links, best match first, matching anywhere in the title', async () => {
      const results = await quick(adminWeb.agent, 'falcon in');
      expect(results[0]).toMatchObject({ title: 'Falcon in docs', spaceKey: 'DOC', spaceName: 'Documentation' });
      expect(results[0].url).toMatch(/^\/spaces\/DOC\/pages\/\d+\/falcon-in-docs$/);
      expect((await quick(adminWeb.agent, 'CHILD')).map((r) => r.title)).toEqual(['Falcon restricted child']);
    });

    it('needs three letters, and treats LIKE wildcards as text', async () => {
      expect(await quick(adminWeb.agent, 'fa')).toEqual([]);
      expect(await quick(adminWeb.agent, '%%%')).toEqual([]);
      expect(await quick(adminWeb.agent, 'f_lcon')).toEqual([]);
    });
  });
});
