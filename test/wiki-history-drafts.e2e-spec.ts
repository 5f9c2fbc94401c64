import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

describe('wiki drafts: saved per user while editing, private, deleted on save', () => {
  let t: TestApp;
  let admin: WebSession;
  let erin: WebSession;
  let sam: WebSession;
  let adminId: string;
  let erinId: string;
  let homeId: string;

  /** A JSON call as public/js/drafts.js makes it, with the edit form's CSRF token. */
  async function draftCall(s: WebSession, method: 'get' | 'put' | 'delete', url: string, payload?: unknown, withToken = true) {
    const req = s.agent[method](url).set('Accept', 'application/json');
    if (withToken) req.set('X-CSRF-Token', csrfTokenFrom((await s.agent.get(`/spaces/DOC/pages/new?parent=${homeId}`)).text));
    return payload === undefined ? req : req.send(payload as object);
  }

  async function createPage(title: string, body: string): Promise<string> {
    const res = await admin.submit('/spaces/DOC/pages', { title, body, parentId: homeId }, `/spaces/DOC/pages/new?parent=${homeId}`);
    expect(res.status).toBe(303);
    return res.headers.location.split('/')[4];
  }

  const draftRows = () =>
    t.db.query(`SELECT user_id, page_id::text, parent_id::text, base_version, title, body FROM page_drafts ORDER BY user_id, id`);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    expect((await admin.submit('/spaces', { key: 'DOC', name: 'Documentation', description: '' }, '/spaces/new')).status).toBe(303);
    [{ id: homeId }] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    [{ id: adminId }] = await t.db.query(`SELECT id FROM users WHERE username = 'admin'`);
    const e = await createUser(t, { fullName: 'Erin Editor' }, ['confluence-users']);
    const s = await createUser(t, { fullName: 'Sam Second' }, ['confluence-users']);
    erinId = e.id;
    erin = await loginAs(t, e.username, e.password);
    sam = await loginAs(t, s.username, s.password);
  });
  beforeEach(() => t.db.query(`DELETE FROM page_drafts`));
  afterAll(() => t.close());

  it('wires the edit form to its draft endpoint and script', async () => {
    const id = await createPage('Wired', '<p>x</p>');
    const edit = await erin.agent.get(`/spaces/DOC/pages/${id}/edit`).expect(200);
    expect(edit.text).toContain(`data-draft-url="/spaces/DOC/pages/${id}/draft"`);
    expect(edit.text).toContain('<script src="/static/js/drafts.js" defer></script>');
    const create = await erin.agent.get(`/spaces/DOC/pages/new?parent=${homeId}`).expect(200);
    expect(create.text).toContain(`data-draft-url="/spaces/DOC/pages/new/draft?parent=${homeId}"`);
    const script = await erin.agent.get('/static/js/drafts.js').expect(200);
    expect(script.text).toContain('You have an unsaved draft from');
  });

  it('saves, returns and updates the user’s draft of a page, sanitised', async () => {
    const id = await createPage('Drafted', '<p>Saved text</p>');
    const url = `/spaces/DOC/pages/${id}/draft`;
    expect((await draftCall(erin, 'get', url)).body).toEqual({
      draft: null,
      pageVersion: 1,
    });

    const saved = await draftCall(erin, 'put', url, {
      title: 'Drafted',
      body: '<p>Half done</p><script>steal()</script>',
      baseVersion: 1,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.draft).toMatchObject({
      title: 'Drafted',
      body: '<p>Half done</p>',
      baseVersion: 1,
    });

    await draftCall(erin, 'put', url, {
      title: 'Drafted more',
      body: '<p>Nearly done</p>',
      baseVersion: 1,
    });
    const loaded = await draftCall(erin, 'get', url);
    expect(loaded.body).toMatchObject({
      pageVersion: 1,
      draft: {
        title: 'Drafted more',
        body: '<p>Nearly done</p>',
        baseVersion: 1,
      },
    });
    expect(Date.parse(loaded.body.draft.updatedAt)).not.toBeNaN();
    expect(await draftRows()).toHaveLength(1);

    // Discard removes it.
    expect((await draftCall(erin, 'delete', url)).status).toBe(204);
    expect(await draftRows()).toEqual([]);
  });

  it('keeps drafts private to their user', async () => {
    const id = await createPage('Private drafts', '<p>x</p>');
    const url = `/spaces/DOC/pages/${id}/draft`;
    expect(
      (
        await draftCall(erin, 'put', url, {
          title: 'Erin’s idea',
          body: '<p>Erin’s words</p>',
          baseVersion: 1,
        })
      ).status,
    ).toBe(200);

    const other = await draftCall(sam, 'get', url);
    expect(other.status).toBe(200);
    expect(other.body.draft).toBeNull();
    expect(JSON.stringify(other.body)).not.toContain('Erin');

    expect(
      (
        await draftCall(sam, 'put', url, {
          title: 'Sam’s idea',
          body: '<p>Sam’s words</p>',
          baseVersion: 1,
        })
      ).status,
    ).toBe(200);
    expect((await draftCall(sam, 'delete', url)).status).toBe(204);
    const rows = await draftRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: erinId, title: 'Erin’s idea' });
    expect((await draftCall(erin, 'get', url)).body.draft.title).toBe('Erin’s idea');
  });

  it('refuses drafts to anyone who may not edit the page, writing nothing', async () => {
    const locked = await createPage('Edit locked', '<p>x</p>');
    await t.db.query(`INSERT INTO page_restrictions (page_id, kind, user_id) VALUES ($1, 'edit', $2)`, [locked, adminId]);
    const hidden = await createPage('View locked', '<p>x</p>');
    await t.db.query(`INSERT INTO page_restrictions (page_id, kind, user_id) VALUES ($1, 'view', $2)`, [hidden, adminId]);
    const payload = { title: 'Sneaky', body: '<p>Sneaky</p>', baseVersion: 1 };

    expect((await draftCall(erin, 'get', `/spaces/DOC/pages/${locked}/draft`)).status).toBe(403);
    expect((await draftCall(erin, 'put', `/spaces/DOC/pages/${locked}/draft`, payload)).status).toBe(403);
    expect((await draftCall(erin, 'put', `/spaces/DOC/pages/${hidden}/draft`, payload)).status).toBe(404);
    expect((await draftCall(erin, 'get', `/spaces/DOC/pages/${hidden}/draft`)).status).toBe(404);

    const anonymous = await new WebSession(t.http).agent
      .put(`/spaces/DOC/pages/${locked}/draft`)
      .set('Accept', 'application/json')
      .send(payload);
    expect([401, 403]).toContain(anonymous.status);
    const noToken = await draftCall(erin, 'put', `/spaces/DOC/pages/${locked}/draft`, payload, false);
    expect(noToken.status).toBe(403);
    expect(await draftRows()).toEqual([]);
  });

  it('rejects bad drafts with a clear message and writes nothing', async () => {
    const id = await createPage('Bad drafts', '<p>x</p>');
    const url = `/spaces/DOC/pages/${id}/draft`;
    const long = await draftCall(erin, 'put', url, {
      title: 'x'.repeat(256),
      body: '',
      baseVersion: 1,
    });
    expect(long.status).toBe(400);
    expect(long.body.errors.title).toBe('The title must be at most 255 characters.');
    const badBase = await draftCall(erin, 'put', url, {
      title: 'ok',
      body: '',
      baseVersion: 'latest',
    });
    expect(badBase.status).toBe(400);
    expect(badBase.body.errors.baseVersion).toMatch(/not a number/);
    expect(await draftRows()).toEqual([]);
  });

  it('deletes the draft when the page is saved, but keeps it through a version conflict', async () => {
    const id = await createPage('Save clears', '<p>One</p>');
    const url = `/spaces/DOC/pages/${id}/draft`;
    const edit = await erin.agent.get(`/spaces/DOC/pages/${id}/edit`).expect(200);
    expect(
      (
        await draftCall(erin, 'put', url, {
          title: 'Save clears',
          body: '<p>Erin two</p>',
          baseVersion: 1,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await draftCall(sam, 'put', url, {
          title: 'Save clears',
          body: '<p>Sam two</p>',
          baseVersion: 1,
        })
      ).status,
    ).toBe(200);

    // Someone else's save leaves Erin's draft alone: it is her unsaved work.
    const samEdit = await sam.agent.get(`/spaces/DOC/pages/${id}/edit`).expect(200);
    await sam.agent
      .post(`/spaces/DOC/pages/${id}`)
      .type('form')
      .send({
        _csrf: csrfTokenFrom(samEdit.text),
        baseVersion: '1',
        title: 'Save clears',
        body: '<p>Sam two</p>',
      })
      .expect(303);
    expect((await draftRows()).map((r: { user_id: string }) => r.user_id)).toEqual([erinId]);

    const conflict = await erin.agent
      .post(`/spaces/DOC/pages/${id}`)
      .type('form')
      .send({
        _csrf: csrfTokenFrom(edit.text),
        baseVersion: '1',
        title: 'Save clears',
        body: '<p>Erin two</p>',
      });
    expect(conflict.status).toBe(409);
    expect((await draftCall(erin, 'get', url)).body).toMatchObject({
      pageVersion: 2,
      draft: { body: '<p>Erin two</p>', baseVersion: 1 },
    });

    await erin.agent
      .post(`/spaces/DOC/pages/${id}`)
      .type('form')
      .send({
        _csrf: csrfTokenFrom(conflict.text),
        baseVersion: '2',
        title: 'Save clears',
        body: '<p>Erin two</p>',
      })
      .expect(303);
    expect(await draftRows()).toEqual([]);
  });

  it('keeps drafts of new pages by space and parent, and deletes one when its page is created', async () => {
    const child = `/spaces/DOC/pages/new/draft?parent=${homeId}`;
    const top = '/spaces/DOC/pages/new/draft';
    expect((await draftCall(erin, 'get', child)).body).toEqual({
      draft: null,
      pageVersion: null,
    });
    expect(
      (
        await draftCall(erin, 'put', child, {
          title: 'Child idea',
          body: '<p>Child words</p>',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await draftCall(erin, 'put', child, {
          title: 'Child idea 2',
          body: '<p>Child words 2</p>',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await draftCall(erin, 'put', top, {
          title: 'Top idea',
          body: '<p>Top words</p>',
        })
      ).status,
    ).toBe(200);

    expect((await draftCall(erin, 'get', child)).body.draft).toMatchObject({
      title: 'Child idea 2',
      baseVersion: null,
    });
    expect((await draftCall(erin, 'get', top)).body.draft).toMatchObject({
      title: 'Top idea',
    });
    expect((await draftCall(sam, 'get', child)).body.draft).toBeNull();
    expect(await draftRows()).toHaveLength(2);

    const bad = await draftCall(erin, 'put', '/spaces/DOC/pages/new/draft?parent=999999', { title: 'x', body: '' });
    expect(bad.status).toBe(400);
    expect(await draftRows()).toHaveLength(2);

    const created = await erin.submit(
      '/spaces/DOC/pages',
      { title: 'Child idea 2', body: '<p>Child words 2</p>', parentId: homeId },
      `/spaces/DOC/pages/new?parent=${homeId}`,
    );
    expect(created.status).toBe(303);
    const rows = await draftRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      title: 'Top idea',
      parent_id: null,
      page_id: null,
    });
  });
});
