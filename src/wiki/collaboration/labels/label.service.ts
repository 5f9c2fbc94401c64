import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UserInputError } from '../../../users/user-input.error.js';
import { SCREEN, type PageScreenPart } from '../../pages/page-screen.registry.js';
import type { Page } from '../../pages/page.types.js';
import { pageVisibleSql } from '../../permissions/permission.service.js';
import type { Viewer } from '../../permissions/viewer.js';
import { pageUrl, spaceUrl } from '../../wiki-urls.js';
import { MAX_LABELS_PER_PAGE, labelFromPath, parseLabelNames } from './label-rules.js';

export const LABEL_PAGE_SIZE = 50;

export function labelUrl(name: string): string {
  return `/labels/${encodeURIComponent(name)}`;
}

export interface LabelledPage {
  title: string;
  url: string;
  spaceKey: string;
  spaceName: string;
  spaceUrl: string;
  updatedAt: Date;
}

/** Page labels: the page screen section, adding and removing, and the pages with a label. */
@Injectable()
export class LabelService implements PageScreenPart {
  readonly name = 'labels';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  readonly dataSql = `SELECT coalesce(json_agg(x.name ORDER BY x.name), '[]') FROM (
      SELECT l.name FROM page_labels pl JOIN labels l ON l.id = pl.label_id
       WHERE pl.page_id = ${SCREEN.pageId} ORDER BY l.name LIMIT ${MAX_LABELS_PER_PAGE}) x`;

  buildPart(viewer: Viewer, page: Page, can: Set<string>, names: string[]): Record<string, unknown> {
    return {
      labels: names.map((name) => ({ name, url: labelUrl(name) })),
      canEdit: !!viewer.userId && can.has('edit'),
      action: `/pages/${page.id}/labels`,
    };
  }

  /** Adds labels (the caller checked edit permission); the page's label_text follows in the same transaction. */
  async addLabels(viewer: Viewer, page: Pick<Page, 'id'>, raw: unknown): Promise<void> {
    const names = parseLabelNames(raw);
    try {
      await this.dataSource.transaction(async (tx) => {
        await this.lockPage(tx, page.id);
        await tx.query(`INSERT INTO labels (name) SELECT unnest($1::varchar[]) ON CONFLICT (name) DO NOTHING`, [names]);
        await tx.query(
          `INSERT INTO page_labels (page_id, label_id, added_by) SELECT $1, l.id, $3 FROM labels l WHERE l.name = ANY($2::varchar[])
           ON CONFLICT DO NOTHING`,
          [page.id, names, viewer.userId],
        );
        const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM page_labels WHERE page_id = $1`, [page.id]);
        if (n > MAX_LABELS_PER_PAGE) throw new UserInputError({ labels: `A page can have at most ${MAX_LABELS_PER_PAGE} labels.` });
        await this.syncLabelText(tx, page.id);
      });
    } catch (error) {
      // The labels table's own check (lower case, no spaces) is the last guard.
      if ((error as { constraint?: string }).constraint === 'labels_name_format') {
        throw new UserInputError({ labels: 'Labels are lower case and contain no spaces.' });
      }
      throw error;
    }
  }

  /** Removes one label; false when the page did not have it. */
  async removeLabel(page: Pick<Page, 'id'>, rawName: string): Promise<boolean> {
    const name = labelFromPath(rawName);
    if (!name) return false;
    return this.dataSource.transaction(async (tx) => {
      await this.lockPage(tx, page.id);
      const [, removed] = await tx.query(
        `DELETE FROM page_labels WHERE page_id = $1 AND label_id = (SELECT id FROM labels WHERE name = $2)`,
        [page.id, name],
      );
      await this.syncLabelText(tx, page.id);
      return removed > 0;
    });
  }

  /** Current pages with the label that the viewer may see, filtered in SQL, one page of results. */
  async pagesWithLabel(viewer: Viewer, rawName: string, pageNumber: number): Promise<{ name: string; pages: LabelledPage[]; hasMore: boolean }> {
    const name = labelFromPath(rawName);
    if (!name) return { name: rawName.trim(), pages: [], hasMore: false };
    const rows: { id: string; title: string; key: string; spaceName: string; updatedAt: Date }[] = await this.dataSource.query(
      `SELECT p.id::text, p.title, s.key, s.name AS "spaceName", p.updated_at AS "updatedAt"
         FROM labels l JOIN page_labels pl ON pl.label_id = l.id
         JOIN pages p ON p.id = pl.page_id JOIN spaces s ON s.id = p.space_id
        WHERE l.name = $2 AND p.status = 'current' AND ${pageVisibleSql(viewer, 'p', '$1')}
        ORDER BY lower(p.title), p.id LIMIT ${LABEL_PAGE_SIZE + 1} OFFSET $3`,
      [viewer.userId, name, (pageNumber - 1) * LABEL_PAGE_SIZE],
    );
    return {
      name,
      hasMore: rows.length > LABEL_PAGE_SIZE,
      pages: rows.slice(0, LABEL_PAGE_SIZE).map((r) => ({
        title: r.title,
        url: pageUrl(r.key, r.id, r.title),
        spaceKey: r.key,
        spaceName: r.spaceName,
        spaceUrl: spaceUrl(r.key),
        updatedAt: r.updatedAt,
      })),
    };
  }

  /** Serialises label changes per page, so label_text always matches page_labels. */
  private async lockPage(tx: EntityManager, pageId: string): Promise<void> {
    await tx.query(`SELECT 1 FROM pages WHERE id = $1 FOR UPDATE`, [pageId]);
  }

  /** Search weighs label_text (title > labels > body); its trigger rebuilds the tsvector. */
  private async syncLabelText(tx: EntityManager, pageId: string): Promise<void> {
    await tx.query(
      `UPDATE pages SET label_text = coalesce((SELECT string_agg(l.name, ' ' ORDER BY l.name)
         FROM page_labels pl JOIN labels l ON l.id = pl.label_id WHERE pl.page_id = $1), '')
        WHERE id = $1`,
      [pageId],
    );
  }
}
