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

/** Everything the page screen shows, from a bounded number of queries. */
@Injectable()
export class PageViewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tree: PageTreeService,
    private readonly permissions: PermissionService,
    private readonly sections: PageScreenRegistry,
  ) {}

  /** Renders a body: its links resolved in one query, "Children display" from the tree. */
  async renderBody(viewer: Viewer, page: Page, body = page.body): Promise<string> {
    const links = linkedTitles(body);
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

  async pageScreen(viewer: Viewer, page: Page) {
    const held = await this.permissions.pagePermissions(viewer, page.id);
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
