import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { pageVisibleSql } from '../wiki/permissions/permission.service.js';
import type { Viewer } from '../wiki/permissions/viewer.js';
import { isContentId, type Paging } from './rest-request.js';

/** A page as the REST presenters need it: the row, its space and its latest version. */
export interface ContentRow {
  id: string;
  title: string;
  status: 'current' | 'trashed';
  spaceId: number;
  spaceKey: string;
  spaceName: string;
  spaceHomepageId: string | null;
  parentId: string | null;
  ancestors: string[];
  position: number;
  version: number;
  /** Only selected when the caller expands body.storage: bodies can be large. */
  body?: string;
  createdBy: string | null;
  createdAt: Date;
  versionBy: string | null;
  versionAt: Date;
  versionMessage: string;
  versionMinor: boolean;
}

export interface VersionRow {
  number: number;
  by: string | null;
  when: Date;
  message: string;
  minorEdit: boolean;
}

export const NO_CONTENT = 'There is no content with this id, or you may not see it.';

/** The SELECT every content listing shares; `p` is the page, the viewer is always $1. */
export function contentSelect(withBody: boolean): string {
  return `SELECT p.id::text, p.title, p.status, p.space_id AS "spaceId", s.key AS "spaceKey", s.name AS "spaceName",
         s.homepage_id::text AS "spaceHomepageId", p.parent_id::text AS "parentId", p.ancestors::text[] AS ancestors,
         p.position, p.version, ${withBody ? 'p.body,' : ''}
         p.created_by AS "createdBy", p.created_at AS "createdAt", pv.author_id AS "versionBy",
         coalesce(pv.created_at, p.updated_at) AS "versionAt", coalesce(pv.change_comment, '') AS "versionMessage",
         coalesce(pv.minor_edit, false) AS "versionMinor"
    FROM pages p JOIN spaces s ON s.id = p.space_id
    LEFT JOIN page_versions pv ON pv.page_id = p.id AND pv.version = p.version`;
}

/** Reads pages for the REST API; every query carries the permission filter in SQL. */
@Injectable()
export class ContentQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One more row than asked for tells whether a next page exists. */
  async listPages(
    viewer: Viewer,
    filter: { spaceId?: number; title?: string },
    paging: Paging,
    withBody: boolean,
  ): Promise<{ rows: ContentRow[]; hasMore: boolean }> {
    const params: unknown[] = [viewer.userId];
    const where = [`p.status = 'current'`, pageVisibleSql(viewer, 'p', '$1')];
    if (filter.spaceId !== undefined) {
      params.push(filter.spaceId);
      where.push(`p.space_id = $${params.length}`);
    }
    if (filter.title !== undefined) {
      params.push(filter.title);
      where.push(`lower(p.title) = lower($${params.length})`);
    }
    return this.page(`${contentSelect(withBody)} WHERE ${where.join(' AND ')} ORDER BY p.id`, params, paging);
  }

  /** A current page the viewer may see; 404 for everything else, so hidden pages stay hidden. */
  async findVisible(viewer: Viewer, id: string, withBody: boolean): Promise<ContentRow> {
    if (!isContentId(id)) throw new NotFoundException(NO_CONTENT);
    const rows: ContentRow[] = await this.dataSource.query(
      `${contentSelect(withBody)} WHERE p.id = $2 AND p.status = 'current' AND ${pageVisibleSql(viewer, 'p', '$1')}`,
      [viewer.userId, id],
    );
    if (!rows[0]) throw new NotFoundException(NO_CONTENT);
    return rows[0];
  }

  /** Direct children in tree order, only those the viewer may see. */
  async childPages(viewer: Viewer, parentId: string, paging: Paging, withBody: boolean) {
    await this.findVisible(viewer, parentId, false);
    return this.page(
      `${contentSelect(withBody)} WHERE p.parent_id = $2 AND p.status = 'current' AND ${pageVisibleSql(viewer, 'p', '$1')}
        ORDER BY p.position, p.id`,
      [viewer.userId, parentId],
      paging,
    );
  }

  /** Versions newest first, for a page the viewer may see. */
  async versions(viewer: Viewer, id: string, paging: Paging): Promise<{ page: ContentRow; rows: VersionRow[]; hasMore: boolean }> {
    const page = await this.findVisible(viewer, id, false);
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT version AS number, author_id AS "by", created_at AS "when", change_comment AS message, minor_edit AS "minorEdit"
         FROM page_versions WHERE page_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3`,
      [id, paging.limit + 1, paging.start],
    );
    return { page, rows: rows.slice(0, paging.limit), hasMore: rows.length > paging.limit };
  }

  async version(viewer: Viewer, id: string, number: string): Promise<{ page: ContentRow; row: VersionRow }> {
    const page = await this.findVisible(viewer, id, false);
    const rows: VersionRow[] = /^\d{1,9}$/.test(number)
      ? await this.dataSource.query(
          `SELECT version AS number, author_id AS "by", created_at AS "when", change_comment AS message, minor_edit AS "minorEdit"
             FROM page_versions WHERE page_id = $1 AND version = $2`,
          [id, number],
        )
      : [];
    if (!rows[0]) throw new NotFoundException(`Page ${id} has no version ${number}.`);
    return { page, row: rows[0] };
  }

  /** Runs a content query with LIMIT/OFFSET appended as the next two parameters. */
  async page(sql: string, params: unknown[], paging: Paging): Promise<{ rows: ContentRow[]; hasMore: boolean }> {
    const n = params.length;
    const rows: ContentRow[] = await this.dataSource.query(`${sql} LIMIT $${n + 1} OFFSET $${n + 2}`, [
      ...params,
      paging.limit + 1,
      paging.start,
    ]);
    return { rows: rows.slice(0, paging.limit), hasMore: rows.length > paging.limit };
  }
}
