import { createHash } from 'node:crypto';
import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

// A 1x1 PNG, and a second one that differs, so versions can be told apart by their bytes.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const PNG2 = Buffer.concat([PNG, Buffer.from('trailing bytes make a new version')]);
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Upload {
  name: string;
  data: Buffer;
  type: string;
}

/** Posts a multipart upload the way the page's form does: CSRF token in the query string. */
async function upload(s: WebSession, pageId: string, files: Upload[], fields: Record<string, string> = {}) {
  const token = await s.csrfToken(`/spaces/DOC/pages/${pageId}/attachments`);
  let req = s.agent.post(`/spaces/DOC/pages/${pageId}/attachments?_csrf=${encodeURIComponent(token)}`);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  for (const f of files) req = req.attach('files', f.data, { filename: f.name, contentType: f.type });
  return req;
}

async function counts(t: TestApp) {
  const [row] = await t.db.query(
    `SELECT (SELECT count(*)::int FROM attachments) AS attachments, (SELECT count(*)::int FROM attachment_versions) AS versions,
            (SELECT count(*)::int FROM audit_log WHERE action LIKE 'attachment.%') AS audits`,
  );
  return row as { attachments: number; versions: number; audits: number };
}

describe('wiki attachments: upload, versions, download headers, limits, permissions', () => {
  let t: TestApp;
  let admin: WebSession;
  let alice: WebSession; // may attach (a user grant)
  let bob: WebSession; // view, edit, comment, but not attach
  let dave: WebSession; // may attach, but uploaded nothing
  let spaceId: number;
  let pageId: string;

  beforeAll(async () => {
    // A small limit, so the over-limit case needs only a little over 1 MB.
    t = await startTestApp({ ATRIUM_ATTACHMENT_MAX_MB: '1' });
    admin = await loginAsAdmin(t);
    await admin.submit('/spaces', { key: 'DOC', name: 'Documentation' }, '/spaces/new');
    const [space] = await t.db.query(`SELECT id, homepage_id::text AS home FROM spaces WHERE key = 'DOC'`);
    spaceId = space.id;
    const created = await admin.submit(
      '/spaces/DOC/pages',
      { title: 'Diagrams', body: '<p>See:</p><ac:image ac:alt="logo"><ri:attachment ri:filename="logo.png" /></ac:image>', parentId: space.home },
      '/spaces/DOC/pages/new',
    );
    pageId = created.headers.location.split('/')[4];
    const users = await Promise.all(['alice', 'bob', 'dave'].map((name) => createUser(t, { username: name }, ['confluence-users'])));
    // confluence-users keep view/edit/comment; only alice and dave may attach.
    await t.db.query(`DELETE FROM space_permissions WHERE space_id = $1 AND permission = 'attach'`, [spaceId]);
    await t.db.query(`INSERT INTO space_permissions (space_id, user_id, permission) SELECT $1, unnest($2::uuid[]), 'attach'`, [
      spaceId,
      [users[0].id, users[2].id],
    ]);
    [alice, bob, dave] = await Promise.all(users.map((u) => loginAs(t, u.username, u.password)));
  });
  afterAll(() => t.close());

  it('uploads several files at once, each a first version, and lists them on the page', async () => {
    const res = await upload(
      alice,
      pageId,
      [
        { name: 'logo.png', data: PNG, type: 'image/png' },
        { name: 'notes.txt', data: Buffer.from('plain notes'), type: 'text/plain' },
        { name: 'page.html', data: HTML, type: 'text/html' },
      ],
      { back: 'page', comment: 'first drop' },
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/spaces/DOC/pages/${pageId}/diagrams`);
    const rows = await t.db.query(
      `SELECT a.filename, a.version, a.media_type, a.size::int, v.version AS v, v.sha256, v.comment, v.data
         FROM attachments a JOIN attachment_versions v ON v.attachment_id = a.id WHERE a.page_id = $1 ORDER BY a.filename`,
      [pageId],
    );
    expect(rows.map((r: { filename: string; version: number; media_type: string; v: number; comment: string }) => [r.filename, r.version, r.media_type, r.v, r.comment])).toEqual([
      ['logo.png', 1, 'image/png', 1, 'first drop'],
      ['notes.txt', 1, 'text/plain', 1, 'first drop'],
      ['page.html', 1, 'text/html', 1, 'first drop'],
    ]);
    expect(rows[0].sha256).toBe(sha256(PNG));
    expect(Buffer.compare(rows[0].data, PNG)).toBe(0);
    const [audit] = await t.db.query(`SELECT summary FROM audit_log WHERE action = 'attachment.added'`);
    expect(audit.summary).toContain('"logo.png" (version 1)');

    const page = await alice.agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('Attached logo.png, notes.txt, page.html.');
    expect(page.text).toContain(`href="/pages/${pageId}/attachments/notes.txt"`);
    expect(page.text).toContain('enctype="multipart/form-data"');
    // The body's <ac:image> points at the attachment, which is served inline.
    expect(page.text).toContain(`src="/pages/${pageId}/attachments/logo.png"`);
    const image = await alice.agent.get(`/pages/${pageId}/attachments/logo.png`).expect(200);
    expect(image.headers['content-type']).toBe('image/png');
  });

  it('turns a same-name upload (any case) into the next version and keeps the old bytes', async () => {
    const res = await upload(alice, pageId, [{ name: 'LOGO.PNG', data: PNG2, type: 'image/png' }]);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/spaces/DOC/pages/${pageId}/attachments`);
    const [row] = await t.db.query(`SELECT filename, version, size::int FROM attachments WHERE page_id = $1 AND lower(filename) = 'logo.png'`, [pageId]);
    expect(row).toEqual({ filename: 'logo.png', version: 2, size: PNG2.length });
    const versions = await t.db.query(
      `SELECT v.version, v.sha256 FROM attachment_versions v JOIN attachments a ON a.id = v.attachment_id WHERE a.page_id = $1 AND a.filename = 'logo.png' ORDER BY v.version`,
      [pageId],
    );
    expect(versions).toEqual([
      { version: 1, sha256: sha256(PNG) },
      { version: 2, sha256: sha256(PNG2) },
    ]);

    const current = await bob.agent.get(`/pages/${pageId}/attachments/logo.png`).buffer(true).expect(200);
    expect(Buffer.compare(current.body, PNG2)).toBe(0);
    const old = await bob.agent.get(`/pages/${pageId}/attachments/Logo.png?version=1`).buffer(true).expect(200);
    expect(Buffer.compare(old.body, PNG)).toBe(0);
    await bob.agent.get(`/pages/${pageId}/attachments/logo.png?version=3`).expect(404);

    const list = await bob.agent.get(`/spaces/DOC/pages/${pageId}/attachments`).expect(200);
    expect(list.text).toContain('2 versions');
    // Handlebars writes "=" as &#x3D; in attributes.
    expect(list.text).toContain(`href="/pages/${pageId}/attachments/logo.png?version&#x3D;1"`);
    // Bob may not attach: no upload form for him.
    expect(list.text).not.toContain('enctype="multipart/form-data"');
  });

  it('serves images inline and everything else as a download, with nosniff, ETag and a sandbox CSP', async () => {
    const png = await bob.agent.get(`/pages/${pageId}/attachments/logo.png`).buffer(true).expect(200);
    expect(png.headers['content-disposition']).toBe('inline; filename=logo.png');
    expect(png.headers['x-content-type-options']).toBe('nosniff');
    expect(png.headers['content-length']).toBe(String(PNG2.length));
    expect(png.headers.etag).toBe(`"${sha256(PNG2)}"`);
    expect(png.headers['content-security-policy']).toContain('sandbox');
    await bob.agent.get(`/pages/${pageId}/attachments/logo.png`).set('If-None-Match', png.headers.etag).expect(304);

    const html = await bob.agent.get(`/pages/${pageId}/attachments/page.html`).buffer(true).expect(200);
    expect(html.headers['content-type']).toBe('application/octet-stream');
    expect(html.headers['content-disposition']).toBe('attachment; filename=page.html');
    expect(html.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(html.body, HTML)).toBe(0);

    const txt = await bob.agent.get(`/pages/${pageId}/attachments/notes.txt`).expect(200);
    expect(txt.headers['content-type']).toMatch(/^text\/plain/);
    expect(txt.headers['content-disposition']).toBe('attachment; filename=notes.txt');
  });

  it('checks the content type: a fake PNG and an SVG are served as downloads, names are RFC 6266-encoded', async () => {
    const res = await upload(alice, pageId, [
      { name: 'fake.png', data: HTML, type: 'image/png' },
      { name: 'drawing.svg', data: SVG, type: 'image/svg+xml' },
      { name: 'résumé ☃.txt', data: Buffer.from('cv'), type: 'text/plain' },
    ]);
    expect(res.status).toBe(303);
    const types = await t.db.query(`SELECT filename, media_type FROM attachments WHERE page_id = $1 AND filename IN ('fake.png', 'drawing.svg') ORDER BY filename`, [pageId]);
    expect(types).toEqual([
      { filename: 'drawing.svg', media_type: 'image/svg+xml' },
      { filename: 'fake.png', media_type: 'application/octet-stream' },
    ]);

    const fake = await bob.agent.get(`/pages/${pageId}/attachments/fake.png`).expect(200);
    expect(fake.headers['content-type']).toBe('application/octet-stream');
    expect(fake.headers['content-disposition']).toBe('attachment; filename=fake.png');
    const svg = await bob.agent.get(`/pages/${pageId}/attachments/drawing.svg`).expect(200);
    expect(svg.headers['content-type']).toBe('application/octet-stream');
    expect(svg.headers['content-disposition']).toBe('attachment; filename=drawing.svg');

    const named = await bob.agent.get(`/pages/${pageId}/attachments/${encodeURIComponent('résumé ☃.txt')}`).expect(200);
    expect(named.headers['content-disposition']).toBe(`attachment; filename="r?sum? ?.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%98%83.txt`);
  });

  it('refuses a file over ATRIUM_ATTACHMENT_MAX_MB with 413 and writes none of the upload', async () => {
    const before = await counts(t);
    const res = await upload(alice, pageId, [
      { name: 'small.txt', data: Buffer.from('fits'), type: 'text/plain' },
      { name: 'huge.bin', data: Buffer.alloc(1024 * 1024 + 1, 7), type: 'application/octet-stream' },
    ], { comment: 'kept comment' });
    expect(res.status).toBe(413);
    expect(res.text).toContain('larger than the limit of 1 MB. Nothing was uploaded.');
    expect(res.text).toContain('value="kept comment"');
    expect(await counts(t)).toEqual(before);

    const many = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x'), type: 'text/plain' }));
    const tooMany = await upload(alice, pageId, many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain('Attach at most 10 files at once. Nothing was uploaded.');
    expect(await counts(t)).toEqual(before);
  });

  it('refuses an upload without the attach permission (403) or without a login, writing nothing', async () => {
    const before = await counts(t);
    const res = await upload(bob, pageId, [{ name: 'bob.txt', data: Buffer.from('x'), type: 'text/plain' }]);
    expect(res.status).toBe(403);
    const anonymous = new WebSession(t.http);
    const token = await anonymous.csrfToken('/login');
    const anon = await anonymous.agent
      .post(`/spaces/DOC/pages/${pageId}/attachments?_csrf=${token}`)
      .attach('files', Buffer.from('x'), { filename: 'anon.txt', contentType: 'text/plain' });
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toMatch(/^\/login/);
    const noCsrf = await alice.agent.post(`/spaces/DOC/pages/${pageId}/attachments`).attach('files', Buffer.from('x'), { filename: 'forged.txt', contentType: 'text/plain' });
    expect(noCsrf.status).toBe(403);
    expect(await counts(t)).toEqual(before);
  });

  it('hides attachments of a page the viewer may not see (404), and sends anonymous visitors to log in', async () => {
    const [adminUser] = await t.db.query(`SELECT id FROM users WHERE username = 'admin'`);
    await t.db.query(`INSERT INTO page_restrictions (page_id, kind, user_id) VALUES ($1, 'view', $2)`, [pageId, adminUser.id]);
    try {
      await bob.agent.get(`/pages/${pageId}/attachments/logo.png`).expect(404);
      await bob.agent.get(`/spaces/DOC/pages/${pageId}/attachments`).expect(404);
      const before = await counts(t);
      await upload(alice, pageId, [{ name: 'hidden.txt', data: Buffer.from('x'), type: 'text/plain' }]).then((r) => expect(r.status).toBe(404));
      expect(await counts(t)).toEqual(before);
      await admin.agent.get(`/pages/${pageId}/attachments/logo.png`).expect(200);
    } finally {
      await t.db.query(`DELETE FROM page_restrictions WHERE page_id = $1`, [pageId]);
    }

    const anonymous = new WebSession(t.http);
    const res = await anonymous.agent.get(`/pages/${pageId}/attachments/logo.png`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/pages/${pageId}/attachments/logo.png`)}`);
    const api = await anonymous.agent.get(`/pages/${pageId}/attachments/logo.png`).set('Accept', 'application/json');
    expect(api.status).toBe(401);

    // Once the space lets anonymous visitors view, they may download too.
    await t.db.query(`INSERT INTO space_permissions (space_id, permission) VALUES ($1, 'view')`, [spaceId]);
    try {
      const open = await anonymous.agent.get(`/pages/${pageId}/attachments/logo.png`).buffer(true).expect(200);
      expect(Buffer.compare(open.body, PNG2)).toBe(0);
    } finally {
      await t.db.query(`DELETE FROM space_permissions WHERE space_id = $1 AND group_id IS NULL AND user_id IS NULL`, [spaceId]);
    }
  });

  it('lets the uploader or a holder of "delete" remove an attachment with all its versions, and no one else', async () => {
    const [logo] = await t.db.query(`SELECT id::text FROM attachments WHERE page_id = $1 AND filename = 'logo.png'`, [pageId]);
    const deleteAs = async (s: WebSession, id: string) => {
      const token = await s.csrfToken(`/spaces/DOC/pages/${pageId}/attachments`);
      return s.agent.post(`/spaces/DOC/pages/${pageId}/attachments/${id}/delete`).type('form').send({ _csrf: token });
    };
    const before = await counts(t);
    expect((await deleteAs(bob, logo.id)).status).toBe(403);
    expect((await deleteAs(dave, logo.id)).status).toBe(403);
    expect(await counts(t)).toEqual(before);
    const list = await dave.agent.get(`/spaces/DOC/pages/${pageId}/attachments`).expect(200);
    expect(list.text).not.toContain(`/attachments/${logo.id}/delete`);

    const res = await deleteAs(alice, logo.id);
    expect(res.status).toBe(303);
    expect(await t.db.query(`SELECT 1 FROM attachment_versions WHERE attachment_id = $1`, [logo.id])).toEqual([]);
    const [audit] = await t.db.query(`SELECT summary, actor_id IS NOT NULL AS actor FROM audit_log WHERE action = 'attachment.deleted'`);
    expect(audit).toEqual({ summary: 'Deleted "logo.png" (2 versions) from "Diagrams"', actor: true });
    await bob.agent.get(`/pages/${pageId}/attachments/logo.png`).expect(404);

    // Admins hold "delete" in every space.
    const [notes] = await t.db.query(`SELECT id::text FROM attachments WHERE page_id = $1 AND filename = 'notes.txt'`, [pageId]);
    expect((await deleteAs(admin, notes.id)).status).toBe(303);
    expect(await t.db.query(`SELECT 1 FROM attachments WHERE id = $1`, [notes.id])).toEqual([]);
  });

  it('keeps /attachments for the list even for a page titled "Attachments"', async () => {
    const [space] = await t.db.query(`SELECT homepage_id::text AS home FROM spaces WHERE key = 'DOC'`);
    const created = await admin.submit('/spaces/DOC/pages', { title: 'Attachments', body: '<p>about files</p>', parentId: space.home }, '/spaces/DOC/pages/new');
    const id = created.headers.location.split('/')[4];
    expect(created.headers.location).toBe(`/spaces/DOC/pages/${id}/attachments-page`);
    const page = await admin.agent.get(created.headers.location).expect(200);
    expect(page.text).toContain('about files');
    const list = await admin.agent.get(`/spaces/DOC/pages/${id}/attachments`).expect(200);
    expect(list.text).toContain('This page has no attachments.');
  });

  it('refuses an upload with no file, keeping the form', async () => {
    const before = await counts(t);
    const res = await upload(alice, pageId, [], { comment: 'nothing chosen' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Choose one or more files to attach.');
    expect(await counts(t)).toEqual(before);
    expect(csrfTokenFrom(res.text)).toBeTruthy();
  });
});
