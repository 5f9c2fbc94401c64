import request from 'supertest';
import type { DataSource } from 'typeorm';
import { USER_PASSWORD, basicAuth } from './helpers/login-fixtures.js';
import type { TestApp } from './helpers/test-app.js';

/** A script talking to /rest/api with HTTP Basic auth (or none, for anonymous calls). */
export function restClient(t: TestApp, username?: string, password = USER_PASSWORD) {
  const auth = <T extends request.Test>(req: T): T => (username ? req.set('Authorization', basicAuth(username, password)) : req);
  return {
    get: (path: string) => auth(request(t.http).get(path)),
    post: (path: string, body: unknown) => auth(request(t.http).post(path)).send(body as object),
    put: (path: string, body: unknown) => auth(request(t.http).put(path)).send(body as object),
    delete: (path: string) => auth(request(t.http).delete(path)),
  };
}
export type RestClient = ReturnType<typeof restClient>;

/** Everything a REST write can touch, for "nothing changed" assertions after a refusal. */
export async function wikiSnapshot(db: DataSource) {
  return {
    spaces: await db.query(`SELECT id, key, name, description, homepage_id FROM spaces ORDER BY id`),
    pages: await db.query(
      `SELECT id, space_id, parent_id, ancestors, position, title, status, version, body, label_text, updated_at
         FROM pages ORDER BY id`,
    ),
    versions: await db.query(`SELECT page_id, version, title, body, change_comment FROM page_versions ORDER BY page_id, version`),
    labels: await db.query(`SELECT pl.page_id, l.name FROM page_labels pl JOIN labels l ON l.id = pl.label_id ORDER BY 1, 2`),
    audit: await db.query(`SELECT count(*)::int AS n FROM audit_log`),
  };
}

/** A view or edit restriction on a page that lets only `username` through. */
export async function restrictPage(db: DataSource, pageId: string, kind: 'view' | 'edit', username: string): Promise<void> {
  await db.query(
    `INSERT INTO page_restrictions (page_id, kind, user_id) SELECT $1, $2, id FROM users WHERE username = $3`,
    [pageId, kind, username],
  );
}

/** Opens a space to anonymous visitors (the grant with neither group nor user). */
export async function allowAnonymousView(db: DataSource, spaceKey: string): Promise<void> {
  await db.query(`INSERT INTO space_permissions (space_id, permission) SELECT id, 'view' FROM spaces WHERE key = $1`, [spaceKey]);
}

export function storage(value: string) {
  return { storage: { value, representation: 'storage' } };
}

/** Creates a page over REST and returns its id; fails the test on anything but 200. */
export async function createPage(client: RestClient, spaceKey: string, title: string, parentId?: string, body = `<p>${title}</p>`) {
  const res = await client.post('/rest/api/content', {
    type: 'page',
    title,
    space: { key: spaceKey },
    ...(parentId ? { ancestors: [{ id: parentId }] } : {}),
    body: storage(body),
  });
  if (res.status !== 200) throw new Error(`creating "${title}" answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
