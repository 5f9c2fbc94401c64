import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Reads a whole response body as bytes, whatever its content type. */
function binary(res: NodeJS.ReadableStream, done: (error: Error | null, body: Buffer) => void) {
  const parts: Buffer[] = [];
  res.on('data', (chunk: Buffer) => parts.push(chunk));
  res.on('end', () => done(null, Buffer.concat(parts)));
}

/** Downloads are sent in pieces (one query each), so a large file never sits whole in memory. */
describe('wiki attachment downloads of files larger than one piece', () => {
  let t: TestApp;
  let admin: WebSession;
  let pageId: string;
  // Several pieces and a partial last one; random bytes, so nothing compresses.
  const first = randomBytes(2.5 * 1024 * 1024);
  const second = Buffer.concat([first.subarray(0, 1024 * 1024), randomBytes(1024 * 1024 + 17)]);

  beforeAll(async () => {
    t = await startTestApp({ ATRIUM_ATTACHMENT_MAX_MB: '5' });
    admin = await loginAsAdmin(t);
    await admin.submit('/spaces', { key: 'BIG', name: 'Big files' }, '/spaces/new');
    const [space] = await t.db.query(`SELECT homepage_id::text AS home FROM spaces WHERE key = 'BIG'`);
    pageId = space.home;
    for (const data of [first, second]) {
      const token = await admin.csrfToken(`/spaces/BIG/pages/${pageId}/attachments`);
      const res = await admin.agent
        .post(`/spaces/BIG/pages/${pageId}/attachments?_csrf=${encodeURIComponent(token)}`)
        .attach('files', data, { filename: 'dump.bin', contentType: 'application/octet-stream' });
      expect(res.status).toBe(303);
    }
  });
  afterAll(() => t.close());

  const download = (path: string) => admin.agent.get(path).buffer(true).parse(binary);

  it('sends every byte of the current and of an older version, with their length and hash', async () => {
    const current = await download(`/pages/${pageId}/attachments/dump.bin`).expect(200);
    expect(current.headers['content-length']).toBe(String(second.length));
    expect(current.headers.etag).toBe(`"${sha256(second)}"`);
    expect(sha256(current.body as Buffer)).toBe(sha256(second));

    const older = await download(`/pages/${pageId}/attachments/dump.bin?version=1`).expect(200);
    expect((older.body as Buffer).length).toBe(first.length);
    expect(sha256(older.body as Buffer)).toBe(sha256(first));
  });

  it('answers a conditional request with 304 and HEAD with the headers alone', async () => {
    const etag = `"${sha256(second)}"`;
    const cached = await admin.agent.get(`/pages/${pageId}/attachments/dump.bin`).set('If-None-Match', etag);
    expect(cached.status).toBe(304);
    expect(cached.text ?? '').toBe('');
    const head = await admin.agent.head(`/pages/${pageId}/attachments/dump.bin`);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(second.length));
    expect(head.headers.etag).toBe(etag);
  });

  it('keeps the bytes out of line and uncompressed, so a piece reads only its own part', async () => {
    const [column] = await t.db.query(
      `SELECT attstorage FROM pg_attribute WHERE attrelid = 'attachment_versions'::regclass AND attname = 'data'`,
    );
    expect(column.attstorage).toBe('e');
  });

  it('sends nothing to someone who may not view the page', async () => {
    const anonymous = await request(t.http).get(`/pages/${pageId}/attachments/dump.bin`).buffer(true).parse(binary);
    // Not signed in: sent to log in first.
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    expect(anonymous.headers.etag).toBeUndefined();
    expect((anonymous.body as Buffer).length).toBeLessThan(64 * 1024);
  });
});
