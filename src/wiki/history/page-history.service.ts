import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserInputError } from '../../users/user-input.error.js';
import { AuditService } from '../../audit/audit.service.js';
import { PageService } from '../pages/page.service.js';
import { VersionConflictError, type Page } from '../pages/page.types.js';
import type { PageAction } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';

export interface VersionSummary {
  version: number;
  title: string;
  authorName: string | null;
  createdAt: Date;
  changeComment: string;
  minorEdit: boolean;
}

export interface PageVersion extends VersionSummary {
  body: string;
}

export interface VersionList {
  versions: VersionSummary[];
  pageNumber: number;
  pages: number;
}

export const HISTORY_PAGE_SIZE = 50;

const SELECT_VERSION = `
  SELECT v.version, v.title, u.full_name AS "authorName", v.created_at AS "createdAt",
         v.change_comment AS "changeComment", v.minor_edit AS "minorEdit"`;
const FROM_VERSIONS = `FROM page_versions v LEFT JOIN users u ON u.id = v.author_id`;

/** A version number from a URL or query string; null when it is not one. */
export function parseVersion(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : null;
}

/** Reading a page's versions and bringing an old one back; permissions checked here. */
@Injectable()
export class PageHistoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: PageService,
    private readonly audit: AuditService,
  ) {}

  /** A current page the viewer may see, with what they may do on it; 404 for hidden pages. */
  async visiblePage(viewer: Viewer, id: string): Promise<{ page: Page; can: Set<PageAction> }> {
    const { page, held } = await this.pages.requireAccess(viewer, id, 'view');
    return { page, can: held };
  }

  /**
   * One page of versions, newest first. Versions run 1..page.version without gaps, so a
   * page of the list is a range of the primary key rather than an OFFSET scan.
   */
  async listVersions(page: Page, pageNumber: number): Promise<VersionList> {
    const pages = Math.max(1, Math.ceil(page.version / HISTORY_PAGE_SIZE));
    const current = Math.min(Math.max(1, pageNumber), pages);
    const newest = page.version - (current - 1) * HISTORY_PAGE_SIZE;
    const versions: VersionSummary[] = await this.dataSource.query(
      `${SELECT_VERSION} ${FROM_VERSIONS} WHERE v.page_id = $1 AND v.version <= $2 ORDER BY v.version DESC LIMIT $3`,
      [page.id, newest, HISTORY_PAGE_SIZE],
    );
    return { versions, pageNumber: current, pages };
  }

  /** The wanted versions with their bodies, in one query; 404 names a version that does not exist. */
  async findVersions(page: Page, numbers: number[]): Promise<Map<number, PageVersion>> {
    const rows: PageVersion[] = await this.dataSource.query(
      `${SELECT_VERSION}, v.body ${FROM_VERSIONS} WHERE v.page_id = $1 AND v.version = ANY($2::int[])`,
      [page.id, numbers],
    );
    const found = new Map(rows.map((r) => [r.version, r]));
    const missing = numbers.find((n) => !found.has(n));
    if (missing !== undefined) throw new NotFoundException(`This page has no version ${missing}.`);
    return found;
  }

  /**
   * Saves version `number`'s title and body as a new version on top of the current one,
   * through the ordinary save (edit permission, validation, conflict check).
   */
  async restoreVersion(viewer: Viewer, pageId: string, number: number): Promise<Page> {
    const { page, can } = await this.visiblePage(viewer, pageId);
    if (!can.has('edit')) throw new ForbiddenException('You may not edit this page, so you cannot restore its versions.');
    const old = (await this.findVersions(page, [number])).get(number)!;
    if (number === page.version)
      throw new UserInputError({
        version: `Version ${number} is already the current version.`,
      });
    let saved: Page;
    try {
      saved = await this.pages.savePage(viewer, page.id, {
        title: old.title,
        body: old.body,
        baseVersion: page.version,
        comment: `Restored version ${number}`,
      });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      throw new ConflictException(
        `Version ${error.current.version} was saved while you were restoring. Look at the history again and choose the version to restore.`,
      );
    }
    await this.audit.record({
      actorId: viewer.userId,
      action: 'page.restored-version',
      spaceId: saved.spaceId,
      pageId: saved.id,
      summary: `Restored "${saved.title}" to version ${number} (now version ${saved.version})`,
      details: { restoredVersion: number, newVersion: saved.version },
    });
    return saved;
  }
}
