import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../database/prepared-query.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { UserInputError } from '../../users/user-input.error.js';
import { AuditService } from '../../audit/audit.service.js';
import { PageService } from '../pages/page.service.js';
import type { Page } from '../pages/page.types.js';
import { PermissionService, type PageAction } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { MAX_FILENAME, checkMediaType, cleanFilename } from './attachment-rules.js';
import {
  AttachmentTooLargeError,
  type AttachmentContent,
  type AttachmentRow,
  type AttachmentVersionRow,
  type IncomingFile,
} from './attachment.types.js';

const MB = 1024 * 1024;
/** A download reads this much per query (and holds no more in memory). */
const DOWNLOAD_CHUNK_BYTES = MB;
const MAX_COMMENT = 500;
/** The full list page shows this many attachments and versions at most. */
const LIST_LIMIT = 1000;
const VERSIONS_LIMIT = 5000;
const NOT_FOUND = 'There is no attachment here, or you may not see it.';

const ROW_COLUMNS = `a.id::text, a.filename, a.version, a.media_type AS "mediaType", a.size::float8 AS size,
  a.created_by AS "createdBy", a.updated_at AS "updatedAt", u.full_name AS "uploaderName"`;
// The uploader shown is the author of the current version.
const ROW_FROM = `FROM attachments a
  LEFT JOIN attachment_versions v ON v.attachment_id = a.id AND v.version = a.version
  LEFT JOIN users u ON u.id = v.created_by`;

/** May the viewer delete this attachment? Space "delete", or its uploader while they may attach. */
export function mayDelete(held: Set<string>, viewer: Viewer, row: Pick<AttachmentRow, 'createdBy'>): boolean {
  return held.has('delete') || (held.has('attach') && !!viewer.userId && row.createdBy === viewer.userId);
}

/** An AttachmentRow read through json: its time is text. */
export type AttachmentJsonRow = Omit<AttachmentRow, 'updatedAt'> & { updatedAt: string };

/** Page attachments: versioned uploads stored as bytea, so every process serves them. */
@Injectable()
export class AttachmentService {
  readonly maxMb: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly pages: PageService,
    private readonly permissions: PermissionService,
    private readonly audit: AuditService,
  ) {
    this.maxMb = config.attachmentMaxMb;
  }

  /** A current page the viewer may see, with what they may do on it; 404 otherwise. */
  async visiblePage(viewer: Viewer, pageId: string, action: PageAction = 'view'): Promise<{ page: Page; held: Set<PageAction> }> {
    return this.pages.requireAccess(viewer, pageId, action);
  }

  /**
   * Adds every file as one change: a new attachment, or a new version of the one with the
   * same name (case-insensitive). One bad file and nothing is written.
   */
  async upload(viewer: Viewer, pageId: string, files: IncomingFile[], comment: unknown): Promise<AttachmentRow[]> {
    const { page } = await this.visiblePage(viewer, pageId, 'attach');
    if (!files.length) throw new UserInputError({ files: 'Choose one or more files to attach.' });
    const note = typeof comment === 'string' ? comment.trim() : '';
    if (note.length > MAX_COMMENT) throw new UserInputError({ comment: `The comment must be at most ${MAX_COMMENT} characters.` });
    const prepared = await Promise.all(
      files.map(async (file) => {
        const filename = cleanFilename(file.originalname);
        if (!filename) throw new UserInputError({ files: 'Every file needs a name.' });
        if (filename.length > MAX_FILENAME) throw new UserInputError({ files: `"${filename.slice(0, 40)}…" has a name longer than ${MAX_FILENAME} characters.` });
        if (file.buffer.length > this.maxMb * MB) throw new AttachmentTooLargeError(this.maxMb, filename);
        const type = await checkMediaType(file.buffer, file.mimetype);
        return { filename, type, data: file.buffer, sha256: createHash('sha256').update(file.buffer).digest('hex') };
      }),
    );

    const ids = await this.dataSource.transaction(async (tx) => {
      const saved: { id: string; filename: string; version: number; declared: string; mediaType: string }[] = [];
      for (const file of prepared) {
        // The unique index on (page_id, lower(filename)) turns a same-name upload into the next
        // version, and serialises two people uploading the same name at once.
        const [row] = await tx.query(
          `INSERT INTO attachments (page_id, filename, media_type, size, created_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (page_id, lower(filename)) DO UPDATE
             SET version = attachments.version + 1, media_type = EXCLUDED.media_type, size = EXCLUDED.size, updated_at = now()
           RETURNING id::text, filename, version`,
          [page.id, file.filename, file.type.mediaType, file.data.length, viewer.userId],
        );
        await tx.query(
          `INSERT INTO attachment_versions (attachment_id, version, media_type, size, sha256, data, comment, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [row.id, row.version, file.type.mediaType, file.data.length, file.sha256, file.data, note, viewer.userId],
        );
        saved.push({ ...row, declared: file.type.declared, mediaType: file.type.mediaType });
      }
      await this.audit.record(
        {
          actorId: viewer.userId,
          action: 'attachment.added',
          spaceId: page.spaceId,
          pageId: page.id,
          summary: `Attached ${saved.map((s) => `"${s.filename}" (version ${s.version})`).join(', ')} to "${page.title}"`,
          details: { files: saved },
        },
        tx,
      );
      return saved.map((s) => s.id);
    });
    return this.dataSource.query(`SELECT ${ROW_COLUMNS} ${ROW_FROM} WHERE a.id = ANY($1::bigint[]) ORDER BY lower(a.filename)`, [ids]);
  }

  /** The page's attachments by name, current versions only; one indexed query. */
  /**
   * A scalar subquery: { total, rows } for the page `pageExpr`, the first `limit` attachments by
   * name, as json (dates as text: AttachmentJsonRow).
   */
  pageListJsonSql(pageExpr: string, limit: number): string {
    return `SELECT json_build_object(
        'total', (SELECT count(*) FROM attachments WHERE page_id = ${pageExpr}),
        'rows', (SELECT coalesce(json_agg(x ORDER BY lower(x.filename)), '[]') FROM (
          SELECT ${ROW_COLUMNS} ${ROW_FROM} WHERE a.page_id = ${pageExpr} ORDER BY lower(a.filename) LIMIT ${Number(limit)}) x))`;
  }

  async listForPage(pageId: string, limit = LIST_LIMIT): Promise<{ rows: AttachmentRow[]; total: number }> {
    const rows = await preparedQuery<AttachmentRow & { total: number }>(
      this.dataSource,
      `SELECT count(*) OVER ()::int AS total, ${ROW_COLUMNS} ${ROW_FROM} WHERE a.page_id = $1 ORDER BY lower(a.filename) LIMIT $2`,
      [pageId, limit],
    );
    return { rows: rows.map(({ total: _t, ...row }) => row), total: rows[0]?.total ?? 0 };
  }

  /** Every version of every attachment on the page, newest first, without their bytes. */
  async listVersions(pageId: string): Promise<AttachmentVersionRow[]> {
    return this.dataSource.query(
      `SELECT v.attachment_id::text AS "attachmentId", v.version, v.media_type AS "mediaType", v.size::float8 AS size,
              v.comment, v.created_at AS "createdAt", u.full_name AS "uploaderName"
         FROM attachment_versions v JOIN attachments a ON a.id = v.attachment_id
         LEFT JOIN users u ON u.id = v.created_by
        WHERE a.page_id = $1 ORDER BY v.attachment_id, v.version DESC LIMIT $2`,
      [pageId, VERSIONS_LIMIT],
    );
  }

  /** One version (the current one unless `version` is given), if the viewer may view the page. */
  async findContent(viewer: Viewer, pageId: string, filename: string, version?: unknown): Promise<AttachmentContent> {
    if (!/^\d{1,18}$/.test(pageId)) throw new NotFoundException(NOT_FOUND);
    const wanted = version === undefined || version === '' ? null : Number(version);
    if (wanted !== null && (!Number.isInteger(wanted) || wanted < 1 || wanted > 2 ** 31 - 1)) throw new NotFoundException(NOT_FOUND);
    await this.permissions.assertPage(viewer, pageId, 'view');
    const rows: AttachmentContent[] = await this.dataSource.query(
      `SELECT a.id::text AS "attachmentId", a.filename, v.version, v.media_type AS "mediaType", v.size::float8 AS size, v.sha256
         FROM attachments a
         JOIN pages p ON p.id = a.page_id AND p.status = 'current'
         JOIN attachment_versions v ON v.attachment_id = a.id AND v.version = coalesce($3::int, a.version)
        WHERE a.page_id = $1 AND lower(a.filename) = lower($2)`,
      [pageId, filename, wanted],
    );
    if (!rows[0]) throw new NotFoundException(NOT_FOUND);
    return rows[0];
  }

  /**
   * A version's bytes in pieces of DOWNLOAD_CHUNK_BYTES, one query each, so a download holds one
   * piece in memory rather than the file. Versions never change once written, so the pieces agree.
   */
  async *readChunks(file: Pick<AttachmentContent, 'attachmentId' | 'version' | 'size'>): AsyncGenerator<Buffer> {
    for (let offset = 0; offset < file.size; offset += DOWNLOAD_CHUNK_BYTES) {
      const [row]: { piece: Buffer }[] = await this.dataSource.query(
        `SELECT substring(data FROM $3::int FOR $4::int) AS piece FROM attachment_versions WHERE attachment_id = $1 AND version = $2`,
        [file.attachmentId, file.version, offset + 1, DOWNLOAD_CHUNK_BYTES],
      );
      // Purged while it was being sent: stop; the response ends short of Content-Length.
      if (!row?.piece?.length) return;
      yield row.piece;
    }
  }

  /** Removes the attachment with all its versions. */
  async deleteAttachment(viewer: Viewer, pageId: string, attachmentId: string): Promise<string> {
    const { page, held } = await this.visiblePage(viewer, pageId);
    const [row]: { id: string; filename: string; createdBy: string | null; version: number }[] = /^\d{1,18}$/.test(attachmentId)
      ? await this.dataSource.query(
          `SELECT id::text, filename, created_by AS "createdBy", version FROM attachments WHERE id = $1 AND page_id = $2`,
          [attachmentId, page.id],
        )
      : [];
    if (!row) throw new NotFoundException(NOT_FOUND);
    if (!mayDelete(held, viewer, row)) throw new ForbiddenException('Only its uploader or someone with the "delete" permission may delete this attachment.');
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`DELETE FROM attachments WHERE id = $1`, [row.id]);
      await this.audit.record(
        {
          actorId: viewer.userId,
          action: 'attachment.deleted',
          spaceId: page.spaceId,
          pageId: page.id,
          summary: `Deleted "${row.filename}" (${row.version} version${row.version === 1 ? '' : 's'}) from "${page.title}"`,
        },
        tx,
      );
    });
    return row.filename;
  }
}
