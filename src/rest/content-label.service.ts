import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MAX_LABELS_PER_PAGE, parseLabelNames } from '../wiki/collaboration/labels/label-rules.js';
import { LabelService } from '../wiki/collaboration/labels/label.service.js';
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
    private readonly labels: LabelService,
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

  /** The wiki's LabelService does the writing, so REST and the page screen share one path. */
  async addLabels(viewer: Viewer, pageId: string, input: unknown): Promise<void> {
    await this.content.findVisible(viewer, pageId, false);
    await this.permissions.assertPage(viewer, pageId, 'edit');
    await this.labels.addLabels(viewer, { id: pageId }, labelNames(input).join(' '));
  }

  async removeLabel(viewer: Viewer, pageId: string, name: string): Promise<void> {
    await this.content.findVisible(viewer, pageId, false);
    await this.permissions.assertPage(viewer, pageId, 'edit');
    if (!(await this.labels.removeLabel({ id: pageId }, name))) throw new NotFoundException(`This page has no label "${name}".`);
  }
}
