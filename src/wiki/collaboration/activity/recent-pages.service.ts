import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { pageVisibleSql } from '../../permissions/permission.service.js';
import type { Viewer } from '../../permissions/viewer.js';
import { pageUrl, spaceUrl } from '../../wiki-urls.js';

export const RECENT_LIMIT = 20;
/** "Your work" looks at this many of the user's latest versions, so it stays one bounded query. */
const OWN_VERSIONS_SCANNED = 200;

export interface RecentPage {
  title: string;
  url: string;
  spaceName: string;
  spaceUrl: string;
  at: Date;
  byName: string | null;
}

interface Row {
  id: string;
  title: string;
  spaceKey: string;
  spaceName: string;
  at: Date;
  byName: string | null;
}

function present(rows: Row[]): RecentPage[] {
  return rows.map((r) => ({
    title: r.title,
    url: pageUrl(r.spaceKey, r.id, r.title),
    spaceName: r.spaceName,
    spaceUrl: spaceUrl(r.spaceKey),
    at: r.at,
    byName: r.byName,
  }));
}

/** The dashboard's lists, filtered by permission inside SQL. */
@Injectable()
export class RecentPagesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Recently updated pages the viewer can see: walks pages_updated_idx newest first. */
  async recentlyUpdated(viewer: Viewer): Promise<RecentPage[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT p.id::text, p.title, s.key AS "spaceKey", s.name AS "spaceName", p.updated_at AS at, u.full_name AS "byName"
         FROM pages p JOIN spaces s ON s.id = p.space_id LEFT JOIN users u ON u.id = p.updated_by
        WHERE p.status = 'current' AND ${pageVisibleSql(viewer, 'p', '$1')}
        ORDER BY p.updated_at DESC LIMIT ${RECENT_LIMIT}`,
      [viewer.userId],
    );
    return present(rows);
  }

  /** Pages the viewer recently created or edited (page_versions_author_idx), still visible to them. */
  async yourWork(viewer: Viewer): Promise<RecentPage[]> {
    if (!viewer.userId) return [];
    const rows: Row[] = await this.dataSource.query(
      `SELECT p.id::text, p.title, s.key AS "spaceKey", s.name AS "spaceName", mine.at, NULL AS "byName"
         FROM (SELECT v.page_id, max(v.created_at) AS at
                 FROM (SELECT page_id, created_at FROM page_versions WHERE author_id = $1
                        ORDER BY created_at DESC LIMIT ${OWN_VERSIONS_SCANNED}) v
                GROUP BY v.page_id) mine
         JOIN pages p ON p.id = mine.page_id JOIN spaces s ON s.id = p.space_id
        WHERE p.status = 'current' AND ${pageVisibleSql(viewer, 'p', '$1')}
        ORDER BY mine.at DESC LIMIT ${RECENT_LIMIT}`,
      [viewer.userId],
    );
    return present(rows);
  }
}
