import type { TestApp } from './test-app.js';
import { csrfTokenFrom, type WebSession } from './web-session.js';

/** Posts a form with a CSRF token taken from the dashboard, like a browser would. */
export async function post(s: WebSession, path: string, fields: Record<string, string> = {}) {
  const token = csrfTokenFrom((await s.agent.get('/spaces')).text);
  return s.agent.post(path).type('form').send({ _csrf: token, ...fields });
}

/** Creates a space through the form; returns its id and home page id. */
export async function createSpace(t: TestApp, admin: WebSession, key: string, name = `${key} space`) {
  const res = await post(admin, '/spaces', { key, name, description: '' });
  if (res.status !== 303) throw new Error(`creating space ${key} answered ${res.status}`);
  const [row] = await t.db.query(`SELECT id, homepage_id::text AS "homeId" FROM spaces WHERE key = $1`, [key]);
  return { id: row.id as number, homeId: row.homeId as string, key };
}

/** Creates a page through the form as `s`; returns its id. */
export async function createPage(s: WebSession, key: string, title: string, body = '<p>Text</p>', parentId = ''): Promise<string> {
  const res = await post(s, `/spaces/${key}/pages`, { title, body, parentId });
  if (res.status !== 303) throw new Error(`creating page ${title} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return res.headers.location.split('/')[4];
}

/** Saves a new version through the edit form. */
export async function editPage(t: TestApp, s: WebSession, pageId: string, body: string, fields: Record<string, string> = {}) {
  const [page] = await t.db.query(`SELECT p.title, p.version, s.key FROM pages p JOIN spaces s ON s.id = p.space_id WHERE p.id = $1`, [pageId]);
  return post(s, `/spaces/${page.key}/pages/${pageId}`, { title: page.title, body, baseVersion: String(page.version), ...fields });
}

/** The page screen's HTML, following the redirect to the canonical address. */
export async function pageHtml(s: WebSession, pageId: string, status = 200): Promise<string> {
  const res = await s.agent.get(`/pages/viewpage.action?pageId=${pageId}`).redirects(2);
  if (res.status !== status) throw new Error(`page ${pageId} answered ${res.status}, expected ${status}`);
  return res.text;
}

export async function userId(t: TestApp, username: string): Promise<string> {
  const [row] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [username]);
  return row.id;
}

/** Only the listed user may view the page (and its children). */
export async function restrictView(t: TestApp, pageId: string, username: string): Promise<void> {
  await t.db.query(`INSERT INTO page_restrictions (page_id, kind, user_id) SELECT $1, 'view', id FROM users WHERE username = $2`, [pageId, username]);
}

/** Takes every grant away from confluence-users in the space, leaving `keep`. */
export async function limitUsersGroup(t: TestApp, spaceId: number, keep: string[] = []): Promise<void> {
  await t.db.query(
    `DELETE FROM space_permissions WHERE space_id = $1 AND group_id = (SELECT id FROM groups WHERE name = 'confluence-users')
       AND NOT (permission = ANY($2::varchar[]))`,
    [spaceId, keep],
  );
}
