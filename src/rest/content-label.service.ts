import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MAX_LABELS_PER_PAGE, labelFromPath, parseLabelNames } from '../wiki/collaboration/labels/label-rules.js';
import { PermissionService } from '../wiki/permissions/permission.service.js';
import type { Viewer } from '../wiki/permissions/viewer.js';
import { ContentQueryService } from './content-query.service.js';
import type { LabelRow } from './rest-content.presenter.js';
import type { Paging } from './rest-request.js';

/**
 * Turns `[{prefix:'global', name}]` (or one such object) into label names, refusing the
 * whole body on any bad entry. Names follow the wiki's own label rules (label-rules.ts),
 * so the API and the page screen accept the same labels.
 */
export function labelNames(input: unknown): string[] {
  const items = Array.isArray(input) ? input : [input];
  if (!items.length) throw new BadRequestException('Send at least one label: [{"prefix": "global", "name": "…"}].');
  if (items.length > MAX_LABELS_PER_PAGE) throw new BadRequestException(`Send at most ${MAX_LABELS_PER_PAGE} labels at once.`);
  const names = items.map((item, i) => {
    const { prefix, name } = (item ?? {}) as { prefix?: unknown; name?: unknown };
    if (typeof item !== 'object' || typeof name !== 'string') {
      throw new BadRequestException(`Label ${i + 1} must be an object with a "name" string.`);
    }
    if (prefix !== undefined && prefix !== 'global') throw new BadRequestException(`Label "${name}": only the "global" prefix is supported.`);
    const clean = name.trim();
    if (!clean) throw new BadRequestException(`Label ${i + 1} has an empty name.`);
    // The page screen splits on spaces and commas; one JSON name must stay one label.
    if (/[\s,]/.test(clean)) throw new BadRequestException(`The label "${name}" contains a space or a comma, which labels cannot have.`);
    return clean;
  });
  return parseLabelNames(names.join(' '));
}

/**
 * Page labels over REST. Reading needs view; adding and removing need edit, as in
 * Confluence. pages.label_text mirrors the labels so search weights them.
 */
@Injectable()
export class ContentLabelService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly content: ContentQueryService,
    private readonly permissions: PermissionService,
  ) {}

  async listLabels(viewer: Viewer, pageId: string, paging: Paging): Promise<{ rows: LabelRow[]; hasMore: boolean }> {
    await this.content.findVisible(viewer, pageId, false);
    const rows: LabelRow[] = await this.dataSource.query(
      `SELECT l.id, l.name FROM page_labels pl JOIN labels l ON l.id = pl.label_id
        WHERE pl.page_id = $1 ORDER BY l.name LIMIT $2 OFFSET $3`,
      [pageId, paging.limit + 1, paging.start],
    );
    return { rows: rows.slice(0, paging.limit), hasMore: rows.length > paging.limit };
  }

  async addLabels(viewer: Viewer, pageId: string, input: unknown): Promise<void> {
    await this.content.findVisible(viewer, pageId, false);
    await this.permissions.assertPage(viewer, pageId, 'edit');
    const names = labelNames(input);
    await this.dataSource.transaction(async (tx) => {
      await this.lockPage(tx, pageId);
      await tx.query(`INSERT INTO labels (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`, [names]);
      await tx.query(
        `INSERT INTO page_labels (page_id, label_id, added_by) SELECT $1, l.id, $3 FROM labels l WHERE l.name = ANY($2::text[])
         ON CONFLICT DO NOTHING`,
        [pageId, names, viewer.userId],
      );
      const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM page_labels WHERE page_id = $1`, [pageId]);
      if (n > MAX_LABELS_PER_PAGE) throw new BadRequestException(`A page can have at most ${MAX_LABELS_PER_PAGE} labels.`);
      await this.syncLabelText(tx, pageId);
    });
  }

  async removeLabel(viewer: Viewer, pageId: string, name: string): Promise<void> {
    await this.content.findVisible(viewer, pageId, false);
    await this.permissions.assertPage(viewer, pageId, 'edit');
    const label = labelFromPath(name);
    if (!label) throw new NotFoundException(`This page has no label "${name}".`);
    await this.dataSource.transaction(async (tx) => {
      await this.lockPage(tx, pageId);
      const [, removed] = await tx.query(
        `DELETE FROM page_labels pl USING labels l WHERE pl.label_id = l.id AND pl.page_id = $1 AND l.name = $2`,
        [pageId, label],
      );
      if (!removed) throw new NotFoundException(`This page has no label "${name}".`);
      await this.syncLabelText(tx, pageId);
    });
  }

  /** Serialises label changes per page (as LabelService does), so label_text always matches page_labels. */
  private async lockPage(tx: EntityManager, pageId: string): Promise<void> {
    await tx.query(`SELECT 1 FROM pages WHERE id = $1 FOR UPDATE`, [pageId]);
  }

  /** Space-separated names, in the column the search trigger weights as B. */
  private async syncLabelText(tx: EntityManager, pageId: string): Promise<void> {
    await tx.query(
      `UPDATE pages SET label_text = coalesce((SELECT string_agg(l.name, ' ' ORDER BY l.name)
         FROM page_labels pl JOIN labels l ON l.id = pl.label_id WHERE pl.page_id = $1), '') WHERE id = $1`,
      [pageId],
    );
  }
}
