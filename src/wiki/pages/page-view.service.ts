import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../database/prepared-query.js';
import { renderStorage, type LinkTarget } from '../content/content-renderer.js';
import { linkedTitles } from '../content/page-links.js';
import { RenderCache, rendersAlikeForEveryone } from '../content/render-cache.js';
import { pageAccessSql, pageHeld, pageVisibleSql, requirePageAction, type PageAccessRow, type PageAction } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { attachmentUrl, pageUrl } from '../wiki-urls.js';
import { PageScreenRegistry, SCREEN, isPartColumn } from './page-screen.registry.js';
import { PageTreeService, type TreeRow } from './page-tree.service.js';
import { PAGE_COLUMNS, type Page } from './page.types.js';

/** Rendered bodies kept per process: 8M characters (about 500 typical pages at 16 KB). */
const RENDER_CACHE_CHARS = 8 * 1024 * 1024;

/** A page as its screen shows it: what the viewer may do on it, who wrote it, where it sits. */
export interface PageView {
  page: Page;
  held: Set<PageAction>;
  createdByName: string;
  updatedByName: string;
  breadcrumbs: { title: string; url: string }[];
  /** The page screen's data that came with the page: the tree's top level and the sections' columns. */
  screen: { tree: TreeRow[]; parts: Record<string, unknown> };
}

type PageViewRow = Page &
  PageAccessRow & {
    createdByName: string | null;
    updatedByName: string | null;
    crumbs: { id: string; title: string }[];
    tree: TreeRow[];
  };

/** Everything the page screen shows, from a bounded number of queries. */
@Injectable()
export class PageViewService {
  private readonly rendered = new RenderCache(RENDER_CACHE_CHARS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tree: PageTreeService,
    private readonly sections: PageScreenRegistry,
  ) {}

  /** Renders a body: its links resolved in one query, "Children display" from the tree. */
  async renderBody(viewer: Viewer, page: Page, body = page.body): Promise<string> {
    const key = body === page.body && rendersAlikeForEveryone(body) ? `${page.id}:${page.version}` : null;
    const hit = key ? this.rendered.get(key) : undefined;
    if (hit !== undefined) return hit;
    const html = await this.renderFresh(viewer, page, body);
    if (key) this.rendered.set(key, html);
    return html;
  }

  /**
   * The pages that links in `bodies` point at and the viewer may see, in one query, keyed as
   * RenderContext.pages expects. Hidden pages are left out, so their links render as missing.
   */
  async resolveLinks(viewer: Viewer, page: Pick<Page, 'spaceKey'>, bodies: string[]): Promise<Map<string, LinkTarget>> {
    const targets = new Map<string, LinkTarget>();
    const links = bodies.flatMap((b) => (b.includes('ri:page') ? linkedTitles(b) : []));
    if (!links.length) return targets;
    const wanted = [...new Set(links.map((l) => `${(l.spaceKey ?? page.spaceKey).toUpperCase()}:${l.title.toLowerCase()}`))];
    const rows: { id: string; title: string; key: string }[] = await this.dataSource.query(
      `SELECT p.id::text, p.title, s.key FROM pages p JOIN spaces s ON s.id = p.space_id
        WHERE p.status = 'current' AND (s.key || ':' || lower(p.title)) = ANY($2) AND ${pageVisibleSql(viewer, 'p', '$1')}`,
      [viewer.userId, wanted],
    );
    for (const r of rows) {
      const target = { title: r.title, url: pageUrl(r.key, r.id, r.title), id: r.id };
      targets.set(r.key === page.spaceKey ? r.title.toLowerCase() : `${r.key}:${r.title.toLowerCase()}`, target);
    }
    return targets;
  }

  private async renderFresh(viewer: Viewer, page: Page, body: string): Promise<string> {
    const pages = await this.resolveLinks(viewer, page, [body]);
    const children = body.includes('ac:name="children"')
      ? await this.tree.children(viewer, { id: page.spaceId, key: page.spaceKey }, page.id)
      : [];
    return renderStorage(body, {
      pages,
      children,
      spaceKey: page.spaceKey,
      attachmentUrl: (filename, pageId = page.id) => attachmentUrl(pageId, filename),
    });
  }

  /**
   * The current page with the viewer's permissions on it, its authors' names, its breadcrumbs
   * (ancestors from the root down), the root of its space's page tree and the data of every
   * screen section, in one query. 404 when the page is missing, in the trash, or hidden from the
   * viewer (the sections' data is then thrown away unread).
   */
  async requirePageView(viewer: Viewer, id: string): Promise<PageView> {
    const rows: PageViewRow[] = /^\d{1,18}$/.test(id)
      ? await preparedQuery<PageViewRow>(
          this.dataSource,
          `SELECT ${PAGE_COLUMNS}, ${pageAccessSql(viewer, 'p', '$2')},
                  cu.full_name AS "createdByName", uu.full_name AS "updatedByName",
                  (SELECT coalesce(json_agg(json_build_object('id', a.id::text, 'title', a.title) ORDER BY o.n), '[]')
                     FROM unnest(p.ancestors) WITH ORDINALITY AS o(id, n) JOIN pages a ON a.id = o.id) AS crumbs,
                  ${[`(${this.tree.levelJsonSql(viewer, SCREEN.viewerId, SCREEN.spaceId, null)}) AS tree`, ...this.sections.columns()].join(',\n                  ')}
             FROM pages p JOIN spaces s ON s.id = p.space_id
             LEFT JOIN users cu ON cu.id = p.created_by LEFT JOIN users uu ON uu.id = p.updated_by
            CROSS JOIN LATERAL (SELECT p.id AS page_id, p.space_id AS space_id) screen
            WHERE p.id = $1 AND p.status = 'current'`,
          [id, viewer.userId],
        )
      : [];
    const held = requirePageAction(pageHeld(viewer, rows[0]), 'view');
    const { accessVisible: _v, accessEditable: _e, accessHeld: _h, createdByName, updatedByName, crumbs, tree, ...rest } = rows[0];
    // What is left is the page's columns and one "part:<name>" column per section.
    const page = Object.fromEntries(Object.entries(rest).filter(([column]) => !isPartColumn(column))) as unknown as Page;
    return {
      page,
      held,
      createdByName: createdByName ?? 'Unknown',
      updatedByName: updatedByName ?? 'Unknown',
      breadcrumbs: crumbs.map((c) => ({ title: c.title, url: pageUrl(page.spaceKey, c.id, c.title) })),
      screen: { tree, parts: rest },
    };
  }

  /** The rendered body, the root of the page tree and every section (their data came with the page). */
  async pageScreen(viewer: Viewer, { page, held, createdByName, updatedByName, breadcrumbs, screen }: PageView) {
    const [html, parts] = await Promise.all([
      this.renderBody(viewer, page),
      this.sections.build(viewer, page, held, screen.parts),
    ]);
    const rootNodes = this.tree.nodes(page.spaceKey, screen.tree);
    return {
      html,
      breadcrumbs,
      tree: rootNodes,
      can: Object.fromEntries([...held].map((p) => [p, true])),
      parts,
      createdByName,
      updatedByName,
    };
  }
}
