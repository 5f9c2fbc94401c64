import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PageViewService } from '../wiki/pages/page-view.service.js';
import { PageService } from '../wiki/pages/page.service.js';
import type { Viewer } from '../wiki/permissions/viewer.js';
import type { ContentRow, VersionRow } from './content-query.service.js';
import { presentContent, type ContentContext, type LabelRow } from './rest-content.presenter.js';
import type { Expand } from './rest-request.js';
import type { RestUserFields } from './rest-user.presenter.js';

/** Labels shown inline per page (metadata.labels); the label endpoint pages through the rest. */
const INLINE_LABELS = 200;

/**
 * Loads what `expand` asks for across a whole batch of pages, one query per kind (users,
 * ancestors, labels), so a page of 200 results costs the same few queries as one.
 */
@Injectable()
export class ContentExpansionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pages: PageService,
    private readonly views: PageViewService,
  ) {}

  async presentAll(viewer: Viewer, rows: ContentRow[], expand: Expand) {
    const ctx = await this.context(viewer, rows, expand);
    return rows.map((row) => presentContent(row, ctx));
  }

  /** One page; only here is body.view rendered, since rendering resolves links per page. */
  async presentOne(viewer: Viewer, row: ContentRow, expand: Expand) {
    const ctx = await this.context(viewer, [row], expand);
    if (expand.has('body.view')) {
      const page = await this.pages.findPage(row.id);
      if (page) ctx.views.set(row.id, await this.views.renderBody(viewer, page));
    }
    return presentContent(row, ctx);
  }

  async context(viewer: Viewer, rows: ContentRow[], expand: Expand, versions: VersionRow[] = []): Promise<ContentContext> {
    const userIds = new Set<string>(versions.map((v) => v.by).filter((id) => id !== null));
    for (const row of rows) {
      if (expand.has('history') && row.createdBy) userIds.add(row.createdBy);
      if ((expand.has('version') || expand.has('history.lastUpdated')) && row.versionBy) userIds.add(row.versionBy);
    }
    const ancestorIds = expand.has('ancestors') ? [...new Set(rows.flatMap((r) => r.ancestors))] : [];
    const labelled = expand.has('metadata.labels') ? rows.map((r) => r.id) : [];
    const [users, ancestors, labels] = await Promise.all([
      this.users([...userIds]),
      this.titles(ancestorIds),
      this.labels(labelled),
    ]);
    return { baseUrl: this.config.baseUrl, viewerId: viewer.userId, expand, users, ancestors, labels, views: new Map() };
  }

  private async users(ids: string[]): Promise<Map<string, RestUserFields>> {
    if (!ids.length) return new Map();
    const rows: RestUserFields[] = await this.dataSource.query(
      `SELECT id, username, full_name AS "fullName", email FROM users WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((u) => [u.id, u]));
  }

  /**
   * Ancestors need no permission filter of their own: a view restriction on an ancestor
   * already hides every page below it, so a visible page has visible ancestors.
   */
  private async titles(ids: string[]): Promise<Map<string, { id: string; title: string }>> {
    if (!ids.length) return new Map();
    const rows: { id: string; title: string }[] = await this.dataSource.query(
      `SELECT id::text, title FROM pages WHERE id = ANY($1::bigint[]) AND status = 'current'`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async labels(pageIds: string[]): Promise<Map<string, LabelRow[]>> {
    if (!pageIds.length) return new Map();
    const rows: { pageId: string; labels: LabelRow[] }[] = await this.dataSource.query(
      `SELECT pl.page_id::text AS "pageId",
              (array_agg(json_build_object('id', l.id, 'name', l.name) ORDER BY l.name))[1:${INLINE_LABELS}] AS labels
         FROM page_labels pl JOIN labels l ON l.id = pl.label_id
        WHERE pl.page_id = ANY($1::bigint[]) GROUP BY pl.page_id`,
      [pageIds],
    );
    return new Map(rows.map((r) => [r.pageId, r.labels]));
  }
}
