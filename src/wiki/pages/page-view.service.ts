import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { linkedTitles, renderStorage, type LinkTarget } from '../content/content-renderer.js';
import { PermissionService, pageVisibleSql } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { pageUrl } from '../wiki-urls.js';
import { PageScreenRegistry } from './page-screen.registry.js';
import { PageTreeService } from './page-tree.service.js';
import type { Page } from './page.types.js';

/** Rendered bodies kept per process; keyed by page version, so every process agrees. */
const RENDER_CACHE_ENTRIES = 500;
const RENDER_CACHE_MAX_BODY = 256 * 1024;

/** Everything the page screen shows, from a bounded number of queries. */
@Injectable()
export class PageViewService {
  private readonly rendered = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tree: PageTreeService,
    private readonly permissions: PermissionService,
    private readonly sections: PageScreenRegistry,
  ) {}

  /** Renders a body: its links resolved in one query, "Children display" from the tree. */
  async renderBody(viewer: Viewer, page: Page, body = page.body): Promise<string> {
    // Without page links or "Children display" the output is the same for every viewer.
    const viewerIndependent = !body.includes('ri:page') && !body.includes('ac:name="children"');
    const key = viewerIndependent && body === page.body && body.length <= RENDER_CACHE_MAX_BODY ? `${page.id}:${page.version}` : null;
    const hit = key ? this.rendered.get(key) : undefined;
    if (key && hit !== undefined) {
      this.rendered.delete(key);
      this.rendered.set(key, hit);
      return hit;
    }
    const html = await this.renderFresh(viewer, page, body);
    if (key) {
      this.rendered.set(key, html);
      if (this.rendered.size > RENDER_CACHE_ENTRIES) this.rendered.delete(this.rendered.keys().next().value!);
    }
    return html;
  }

  private async renderFresh(viewer: Viewer, page: Page, body: string): Promise<string> {
    const links = body.includes('ri:page') ? linkedTitles(body) : [];
    const pages = new Map<string, LinkTarget>();
    if (links.length) {
      const wanted = links.map((l) => `${(l.spaceKey ?? page.spaceKey).toUpperCase()}:${l.title.toLowerCase()}`);
      const rows: { id: string; title: string; key: string }[] = await this.dataSource.query(
        `SELECT p.id::text, p.title, s.key FROM pages p JOIN spaces s ON s.id = p.space_id
          WHERE p.status = 'current' AND (s.key || ':' || lower(p.title)) = ANY($2) AND ${pageVisibleSql(viewer, 'p', '$1')}`,
        [viewer.userId, wanted],
      );
      for (const r of rows) {
        const target = { title: r.title, url: pageUrl(r.key, r.id, r.title) };
        pages.set(r.key === page.spaceKey ? r.title.toLowerCase() : `${r.key}:${r.title.toLowerCase()}`, target);
      }
    }
    const children = body.includes('ac:name="children"')
      ? await this.tree.children(viewer, { id: page.spaceId, key: page.spaceKey }, page.id)
      : [];
    return renderStorage(body, {
      pages,
      children,
      spaceKey: page.spaceKey,
      attachmentUrl: (filename) => `/pages/${page.id}/attachments/${encodeURIComponent(filename)}`,
    });
  }

  /** `held` may be passed when the caller already checked the viewer's permissions. */
  async pageScreen(viewer: Viewer, page: Page, held?: Set<string>) {
    held ??= await this.permissions.pagePermissions(viewer, page.id);
    const [html, breadcrumbs, rootNodes, parts, authors] = await Promise.all([
      this.renderBody(viewer, page),
      this.tree.breadcrumbs(page),
      this.tree.children(viewer, { id: page.spaceId, key: page.spaceKey }, null),
      this.sections.load(viewer, page, held),
      this.dataSource.query(
        `SELECT (SELECT full_name FROM users WHERE id = $1) AS "createdBy", (SELECT full_name FROM users WHERE id = $2) AS "updatedBy"`,
        [page.createdBy, page.updatedBy],
      ),
    ]);
    return {
      html,
      breadcrumbs,
      tree: rootNodes,
      can: Object.fromEntries([...held].map((p) => [p, true])),
      parts,
      createdByName: authors[0].createdBy ?? 'Unknown',
      updatedByName: authors[0].updatedBy ?? 'Unknown',
    };
  }
}
