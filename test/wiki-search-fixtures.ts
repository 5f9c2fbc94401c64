import type TestAgent from 'supertest/lib/agent.js';
import { PageService } from '../src/wiki/pages/page.service.js';
import type { Page } from '../src/wiki/pages/page.types.js';
import type { Viewer } from '../src/wiki/permissions/viewer.js';
import { SpaceService, type Space } from '../src/wiki/spaces/space.service.js';
import type { TestApp } from './helpers/test-app.js';

/** Set-up for the search suites: content through the wiki services, permissions and labels as rows. */

export async function adminViewer(t: TestApp): Promise<Viewer> {
  const [admin] = await t.db.query(`SELECT id FROM users WHERE username = 'admin'`);
  return { userId: admin.id, isAdmin: true };
}

export function viewerOfUser(user: { id: string }): Viewer {
  return { userId: user.id, isAdmin: false };
}

export function createSpace(t: TestApp, viewer: Viewer, key: string, name = `${key} space`): Promise<Space> {
  return t.app.get(SpaceService).createSpace(viewer, { key, name });
}

export function createPage(t: TestApp, viewer: Viewer, space: Space, title: string, body: string, parentId: string | null = null): Promise<Page> {
  return t.app.get(PageService).createPage(viewer, space.id, parentId ?? space.homepageId, { title, body });
}

export function editPage(t: TestApp, viewer: Viewer, page: Page, body: string): Promise<Page> {
  return t.app.get(PageService).savePage(viewer, page.id, { title: page.title, body, baseVersion: String(page.version) });
}

/** Labels a page the way the label module stores it: page_labels plus label_text for the search weights. */
export async function labelPage(t: TestApp, pageId: string, name: string): Promise<void> {
  await t.db.query(`INSERT INTO labels (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
  await t.db.query(`INSERT INTO page_labels (page_id, label_id) SELECT $1, id FROM labels WHERE name = $2`, [pageId, name]);
  await t.db.query(
    `UPDATE pages SET label_text = (SELECT string_agg(l.name, ' ' ORDER BY l.name) FROM page_labels pl JOIN labels l ON l.id = pl.label_id
      WHERE pl.page_id = $1) WHERE id = $1`,
    [pageId],
  );
}

/** A view restriction naming only `userId` (it applies to the page's children too). */
export async function restrictViewTo(t: TestApp, pageId: string, userId: string): Promise<void> {
  await t.db.query(`INSERT INTO page_restrictions (page_id, kind, user_id) VALUES ($1, 'view', $2)`, [pageId, userId]);
}

export async function openToAnonymous(t: TestApp, space: Space): Promise<void> {
  await t.db.query(`INSERT INTO space_permissions (space_id, permission) VALUES ($1, 'view')`, [space.id]);
}

/** Takes the default confluence-users grants away: only the creator (an admin here) keeps access. */
export async function closeToUsers(t: TestApp, space: Space): Promise<void> {
  await t.db.query(`DELETE FROM space_permissions WHERE space_id = $1 AND group_id IS NOT NULL`, [space.id]);
}

export interface SearchPage {
  status: number;
  html: string;
  /** Hit titles in result order, highlight marks removed. */
  titles: string[];
}

/** Hit titles as rendered (escaped, with marks). */
export function hitTitleHtml(html: string): string[] {
  return [...html.matchAll(/<a class="search-hit-title" href="[^"]*">([\s\S]*?)<\/a>/g)].map((m) => m[1]);
}

export function hitSnippetHtml(html: string): string[] {
  return [...html.matchAll(/<p class="search-hit-snippet">([\s\S]*?)<\/p>/g)].map((m) => m[1]);
}

export async function searchAs(agent: TestAgent, params: Record<string, string>): Promise<SearchPage> {
  const res = await agent.get('/search').query(params);
  return { status: res.status, html: res.text, titles: hitTitleHtml(res.text).map((t) => t.replace(/<\/?mark>/g, '')) };
}
