import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { spaceGrantSql } from '../wiki/permissions/permission.service.js';
import type { Viewer } from '../wiki/permissions/viewer.js';
import type { Paging } from './rest-request.js';
import type { SpaceRow } from './rest-space.presenter.js';

const SELECT_SPACE = `SELECT s.id, s.key, s.name, s.description, s.homepage_id::text AS "homepageId", hp.title AS "homepageTitle"
  FROM spaces s LEFT JOIN pages hp ON hp.id = s.homepage_id AND hp.status = 'current'`;

/** Spaces for the REST API, paged and filtered by the view permission in SQL. */
@Injectable()
export class SpaceQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listSpaces(viewer: Viewer, keys: string[] | null, paging: Paging): Promise<{ rows: SpaceRow[]; hasMore: boolean }> {
    const rows: SpaceRow[] = await this.dataSource.query(
      `${SELECT_SPACE} WHERE ${viewer.isAdmin ? '($1::uuid IS NULL OR TRUE)' : spaceGrantSql('s.id', 'view', '$1')}
         AND ($2::text[] IS NULL OR s.key = ANY($2::text[]))
       ORDER BY s.key LIMIT $3 OFFSET $4`,
      [viewer.userId, keys, paging.limit + 1, paging.start],
    );
    return { rows: rows.slice(0, paging.limit), hasMore: rows.length > paging.limit };
  }

  async findVisible(viewer: Viewer, key: string): Promise<SpaceRow> {
    const { rows } = await this.listSpaces(viewer, [key.toUpperCase()], { start: 0, limit: 1 });
    if (!rows[0]) throw new NotFoundException('There is no space with this key, or you may not see it.');
    return rows[0];
  }

  /** Whether any space lets anonymous visitors view it; without one, the API wants a login. */
  async anonymousAccessExists(): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM space_permissions WHERE permission = 'view' AND group_id IS NULL AND user_id IS NULL LIMIT 1`,
    );
    return rows.length > 0;
  }
}
