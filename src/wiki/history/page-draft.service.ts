import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UserInputError } from '../../users/user-input.error.js';
import { sanitizeStorage } from '../content/storage-sanitizer.js';
import { MAX_BODY, MAX_TITLE, PageService } from '../pages/page.service.js';
import { PermissionService } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { SpaceService } from '../spaces/space.service.js';

export interface Draft {
  title: string;
  body: string;
  /** The page version the draft started from; null for a new page. */
  baseVersion: number | null;
  updatedAt: Date;
}

/**
 * Whose draft of what: an existing page, or a page not created yet (keyed by space and
 * parent). Only ever built after the permission check, so holding one means "may edit".
 */
export interface DraftTarget {
  userId: string;
  spaceId: number;
  pageId: string | null;
  parentId: string | null;
  /** The page's current version, so the editor can tell the draft is based on an older one. */
  pageVersion: number | null;
}

const DRAFT_COLUMNS = `title, body, base_version AS "baseVersion", updated_at AS "updatedAt"`;

function where(t: DraftTarget): { sql: string; params: unknown[] } {
  return t.pageId
    ? { sql: `user_id = $1 AND page_id = $2`, params: [t.userId, t.pageId] }
    : {
        sql: `user_id = $1 AND page_id IS NULL AND space_id = $2 AND parent_id IS NOT DISTINCT FROM $3::bigint`,
        params: [t.userId, t.spaceId, t.parentId],
      };
}

function draftInput(input: unknown): {
  title: string;
  body: string;
  baseVersion: number | null;
} {
  const fields = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const title = typeof fields.title === 'string' ? fields.title : '';
  const body = typeof fields.body === 'string' ? fields.body : '';
  const base = fields.baseVersion;
  const baseVersion = base === undefined || base === null || base === '' ? null : Number(base);
  const errors: Record<string, string> = {};
  if (title.length > MAX_TITLE) errors.title = `The title must be at most ${MAX_TITLE} characters.`;
  if (Buffer.byteLength(body) > MAX_BODY) errors.body = 'The page is too large (at most 2 MB).';
  if (baseVersion !== null && !(Number.isInteger(baseVersion) && baseVersion >= 1 && baseVersion < 2 ** 31)) {
    errors.baseVersion = 'The draft names a page version that is not a number.';
  }
  if (Object.keys(errors).length) throw new UserInputError(errors);
  // Page HTML is sanitised on every write, drafts included.
  return { title, body: sanitizeStorage(body), baseVersion };
}

/** Work in progress saved while someone edits, private to them, so a closed tab loses nothing. */
@Injectable()
export class PageDraftService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: PageService,
    private readonly spaces: SpaceService,
    private readonly permissions: PermissionService,
  ) {}

  /** The viewer's draft of an existing page; they must still be allowed to edit it. */
  async pageTarget(viewer: Viewer, pageId: string): Promise<DraftTarget> {
    if (!viewer.userId) throw new NotFoundException('There is no page here, or you may not see it.');
    const { page } = await this.pages.requireAccess(viewer, pageId, 'edit');
    return {
      userId: viewer.userId,
      spaceId: page.spaceId,
      pageId: page.id,
      parentId: page.parentId,
      pageVersion: page.version,
    };
  }

  /** The viewer's draft of a new page under `parent` (or at the top of the space). */
  async newPageTarget(viewer: Viewer, spaceKey: string, parent: unknown): Promise<DraftTarget> {
    const space = await this.spaces.requireVisible(viewer, spaceKey);
    await this.permissions.assertSpace(viewer, space.id, 'edit');
    let parentId: string | null = null;
    if (parent !== undefined && parent !== '') {
      const page = typeof parent === 'string' ? await this.pages.findPage(parent) : null;
      if (!page || page.spaceId !== space.id || page.status !== 'current') {
        throw new UserInputError({
          parentId: 'The parent page does not exist in this space.',
        });
      }
      await this.permissions.assertPage(viewer, page.id, 'view');
      parentId = page.id;
    }
    return {
      userId: viewer.userId!,
      spaceId: space.id,
      pageId: null,
      parentId,
      pageVersion: null,
    };
  }

  async findDraft(target: DraftTarget): Promise<Draft | null> {
    const w = where(target);
    const rows = await this.dataSource.query(
      `SELECT ${DRAFT_COLUMNS} FROM page_drafts WHERE ${w.sql} ORDER BY updated_at DESC LIMIT 1`,
      w.params,
    );
    return rows[0] ?? null;
  }

  async saveDraft(target: DraftTarget, input: unknown): Promise<Draft> {
    const { title, body, baseVersion } = draftInput(input);
    if (target.pageId) {
      const [row] = await this.dataSource.query(
        `INSERT INTO page_drafts (user_id, page_id, space_id, parent_id, base_version, title, body) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, page_id) WHERE page_id IS NOT NULL DO UPDATE
           SET space_id = EXCLUDED.space_id, parent_id = EXCLUDED.parent_id, base_version = EXCLUDED.base_version,
               title = EXCLUDED.title, body = EXCLUDED.body, updated_at = now()
         RETURNING ${DRAFT_COLUMNS}`,
        [target.userId, target.pageId, target.spaceId, target.parentId, baseVersion, title, body],
      );
      return row;
    }
    // New-page drafts have no unique key to upsert on; a lock per (user, space, parent) keeps one row.
    return this.dataSource.transaction(async (tx: EntityManager) => {
      const w = where(target);
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `page_drafts:${target.userId}:${target.spaceId}:${target.parentId ?? ''}`,
      ]);
      await tx.query(`DELETE FROM page_drafts WHERE ${w.sql}`, w.params);
      const [row] = await tx.query(
        `INSERT INTO page_drafts (user_id, space_id, parent_id, title, body) VALUES ($1, $2, $3, $4, $5) RETURNING ${DRAFT_COLUMNS}`,
        [target.userId, target.spaceId, target.parentId, title, body],
      );
      return row as Draft;
    });
  }

  async discardDraft(target: DraftTarget): Promise<void> {
    const w = where(target);
    await this.dataSource.query(`DELETE FROM page_drafts WHERE ${w.sql}`, w.params);
  }
}
