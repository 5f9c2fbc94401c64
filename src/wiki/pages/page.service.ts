import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UserInputError } from '../../users/user-input.error.js';
import { AuditService } from '../../audit/audit.service.js';
import { pageUrl } from '../wiki-urls.js';
import { sanitizeStorage } from '../content/storage-sanitizer.js';
import { PermissionService, pageVisibleSql, type PageAction } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { PageEventsService } from './page-events.service.js';
import { PageLinksService } from './page-links.service.js';
import { SELECT_PAGE, VersionConflictError, pageSpace, type Page } from './page.types.js';

export const MAX_TITLE = 255;
/** Page bodies beyond this are refused; Confluence's own limit is about 5 MB. */
export const MAX_BODY = 2 * 1024 * 1024;

export interface PageInput {
  title?: unknown;
  body?: unknown;
}

export interface SaveInput extends PageInput {
  baseVersion?: unknown;
  comment?: unknown;
  minorEdit?: unknown;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Creating, editing, copying, trashing and restoring pages; every save is a version. */
@Injectable()
export class PageService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly permissions: PermissionService,
    private readonly audit: AuditService,
    private readonly events: PageEventsService,
    private readonly links: PageLinksService,
  ) {}

  async findPage(id: string | number, manager: EntityManager = this.dataSource.manager): Promise<Page | null> {
    if (!/^\d{1,18}$/.test(String(id))) return null;
    const rows = await manager.query(`${SELECT_PAGE} WHERE p.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async requirePage(id: string | number): Promise<Page> {
    const page = await this.findPage(id);
    if (!page) throw new NotFoundException('There is no page here, or you may not see it.');
    return page;
  }

  /**
   * A current page on which the viewer may `action`: 404 when it is missing, in the trash or
   * hidden from them, 403 when they see it but may not. Returns what they hold there.
   */
  async requireAccess(viewer: Viewer, id: string, action: PageAction): Promise<{ page: Page; held: Set<PageAction> }> {
    const page = await this.findPage(id);
    if (!page || page.status !== 'current') throw new NotFoundException('There is no page here, or you may not see it.');
    const held = await this.permissions.assertPage(viewer, page.id, action);
    return { page, held };
  }

  async findByTitle(spaceId: number, title: string): Promise<Page | null> {
    const rows = await this.dataSource.query(`${SELECT_PAGE} WHERE p.space_id = $1 AND lower(p.title) = lower($2) AND p.status = 'current'`, [
      spaceId,
      title,
    ]);
    return rows[0] ?? null;
  }

  /**
   * What a page's sub-screens (edit, history, move, restrictions, attachments) put in their
   * breadcrumbs (views/partials/page-crumbs.hbs): its space, its ancestors from the root down, and
   * its own address. One query.
   */
  async trail(page: Page): Promise<{ space: { key: string; name: string }; crumbs: { title: string; url: string }[]; pageLink: string }> {
    const rows: { id: string; title: string }[] = page.ancestors.length
      ? await this.dataSource.query(
          `SELECT a.id::text, a.title FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, n) JOIN pages a ON a.id = o.id ORDER BY o.n`,
          [page.ancestors],
        )
      : [];
    return {
      space: pageSpace(page),
      crumbs: rows.map((r) => ({ title: r.title, url: pageUrl(page.spaceKey, r.id, r.title) })),
      pageLink: pageUrl(page.spaceKey, page.id, page.title),
    };
  }

  /** Title and body rules shared by create, edit and copy. */
  async validate(spaceId: number, input: PageInput, exceptId?: string): Promise<{ title: string; body: string }> {
    const title = text(input.title).trim().replace(/\s+/g, ' ');
    const rawBody = text(input.body);
    const errors: Record<string, string> = {};
    if (!title) errors.title = 'Enter a title.';
    else if (title.length > MAX_TITLE) errors.title = `The title must be at most ${MAX_TITLE} characters.`;
    else {
      const clash = await this.findByTitle(spaceId, title);
      if (clash && clash.id !== exceptId) errors.title = 'A page with this title already exists in this space.';
    }
    if (Buffer.byteLength(rawBody) > MAX_BODY) errors.body = 'The page is too large (at most 2 MB).';
    if (Object.keys(errors).length) throw new UserInputError(errors);
    return { title, body: sanitizeStorage(rawBody) };
  }

  /**
   * A new page at the top of the space, or under `parentId`, as the last child. With `copyOf`,
   * the new page gets that page's view and edit restrictions (a copy is never readable by more
   * people than its original, even for a moment) and the latest version of each of its
   * attachments, in the same transaction.
   */
  async createPage(viewer: Viewer, spaceId: number, parentId: string | null, input: PageInput, copyOf?: string): Promise<Page> {
    await this.permissions.assertSpace(viewer, spaceId, 'edit');
    let ancestors: string[] = [];
    if (parentId) {
      const parent = await this.findPage(parentId);
      if (!parent || parent.spaceId !== spaceId || parent.status !== 'current') {
        throw new UserInputError({ parentId: 'The parent page does not exist in this space.' });
      }
      await this.permissions.assertPage(viewer, parent.id, 'view');
      ancestors = [...parent.ancestors, parent.id];
    }
    const { title, body } = await this.validate(spaceId, input);
    const id = await this.inTransaction(async (tx) => {
      const [row] = await tx.query(
        `INSERT INTO pages (space_id, parent_id, ancestors, position, title, body, created_by, updated_by)
         VALUES ($1, $2, $3::bigint[], (SELECT coalesce(max(position), -1) + 1 FROM pages
           WHERE space_id = $1 AND parent_id IS NOT DISTINCT FROM $2::bigint AND status = 'current'), $4, $5, $6, $6)
         RETURNING id::text`,
        [spaceId, parentId, ancestors, title, body, viewer.userId],
      );
      await this.insertVersion(tx, row.id, viewer.userId, '', false);
      if (copyOf) await this.copyRestrictionsAndAttachments(tx, copyOf, row.id, viewer.userId);
      // The author's autosaved draft of this new page is now saved for real (drafts: src/wiki/history).
      await tx.query(`DELETE FROM page_drafts WHERE user_id = $1 AND page_id IS NULL AND space_id = $2 AND parent_id IS NOT DISTINCT FROM $3::bigint`, [
        viewer.userId,
        spaceId,
        parentId,
      ]);
      await this.audit.record({ actorId: viewer.userId, action: 'page.created', spaceId, pageId: row.id, summary: `Created "${title}"` }, tx);
      return row.id as string;
    });
    await this.events.emit({ kind: 'created', pageId: id, actorId: viewer.userId });
    return (await this.findPage(id))!;
  }

  /**
   * Saves a new version on top of `baseVersion`. If someone saved in between, nothing is
   * written and VersionConflictError carries the newer page for the conflict view.
   */
  async savePage(viewer: Viewer, id: string, input: SaveInput, options: { unchangedSavesNothing?: boolean } = {}): Promise<Page> {
    const page = await this.requirePage(id);
    await this.permissions.assertPage(viewer, id, 'edit');
    if (page.status !== 'current') throw new UserInputError({ title: 'This page is in the trash; restore it before editing.' });
    const baseVersion = Number(input.baseVersion);
    if (!Number.isInteger(baseVersion) || baseVersion < 1) throw new UserInputError({ baseVersion: 'The edit is missing its version.' });
    const { title, body } = await this.validate(page.spaceId, input, id);
    if (options.unchangedSavesNothing && title === page.title && body === page.body) {
      // As Confluence's editor: publishing with no change makes no version and tells nobody.
      await this.dataSource.query(`DELETE FROM page_drafts WHERE user_id = $1 AND page_id = $2`, [viewer.userId, id]);
      return page;
    }
    const comment = text(input.comment).trim().slice(0, 500);
    const minor = input.minorEdit === true || input.minorEdit === 'true' || input.minorEdit === 'on';
    await this.inTransaction(async (tx) => {
      const [updated] = await tx.query(
        `UPDATE pages SET title = $3, body = $4, version = version + 1, updated_by = $5, updated_at = now()
          WHERE id = $1 AND version = $2 AND status = 'current' RETURNING id`,
        [id, baseVersion, title, body, viewer.userId],
      );
      if (!updated.length) {
        const current = (await this.findPage(id, tx))!;
        throw new VersionConflictError(current, baseVersion);
      }
      await this.insertVersion(tx, id, viewer.userId, comment, minor);
      await tx.query(`DELETE FROM page_drafts WHERE user_id = $1 AND page_id = $2`, [viewer.userId, id]);
      if (title !== page.title) await this.links.renameTitle(tx, viewer.userId, { id: page.spaceId, key: page.spaceKey }, page.title, title);
      await this.audit.record(
        {
          actorId: viewer.userId,
          action: 'page.updated',
          spaceId: page.spaceId,
          pageId: id,
          summary: title !== page.title ? `Edited "${page.title}", now "${title}"` : `Edited "${title}"`,
        },
        tx,
      );
    });
    await this.events.emit({ kind: 'updated', pageId: id, actorId: viewer.userId, minorEdit: minor });
    return (await this.findPage(id))!;
  }

  /**
   * A copy under the same parent with the page's view and edit restrictions and its attachments,
   * as Confluence copies them; titled "Copy of …" (then "Copy of … (2)" and so on) unless a title
   * is given.
   */
  async copyPage(viewer: Viewer, id: string, input: { title?: unknown }): Promise<Page> {
    const page = await this.requirePage(id);
    await this.permissions.assertPage(viewer, id, 'view');
    const title = text(input.title).trim() || (await this.freeCopyTitle(page));
    return this.createPage(viewer, page.spaceId, page.parentId, { title, body: page.body }, page.id);
  }

  private async freeCopyTitle(page: Page): Promise<string> {
    const base = `Copy of ${page.title}`.slice(0, MAX_TITLE - 6);
    const taken: { title: string }[] = await this.dataSource.query(
      `SELECT lower(title) AS title FROM pages WHERE space_id = $1 AND status = 'current' AND lower(title) LIKE lower($2) || '%'`,
      [page.spaceId, base.replace(/[\\%_]/g, (c) => `\\${c}`)],
    );
    const used = new Set(taken.map((t) => t.title));
    for (let n = 1; n < 1000; n++) {
      const title = n === 1 ? base : `${base} (${n})`;
      if (!used.has(title.toLowerCase())) return title;
    }
    return base; // then refused as a duplicate, with the usual message
  }

  private async copyRestrictionsAndAttachments(tx: EntityManager, from: string, to: string, actorId: string | null): Promise<void> {
    await tx.query(`INSERT INTO page_restrictions (page_id, kind, group_id, user_id) SELECT $1, kind, group_id, user_id FROM page_restrictions WHERE page_id = $2`, [
      to,
      from,
    ]);
    await tx.query(
      `WITH source AS (SELECT id, lower(filename) AS name, version FROM attachments WHERE page_id = $2),
            added AS (INSERT INTO attachments (page_id, filename, version, media_type, size, created_by)
                      SELECT $1, filename, 1, media_type, size, $3 FROM attachments WHERE page_id = $2
                      RETURNING id, lower(filename) AS name)
       INSERT INTO attachment_versions (attachment_id, version, media_type, size, sha256, data, comment, created_by)
       SELECT added.id, 1, v.media_type, v.size, v.sha256, v.data, 'Copied with the page', $3
         FROM added JOIN source ON source.name = added.name
         JOIN attachment_versions v ON v.attachment_id = source.id AND v.version = source.version`,
      [to, from, actorId],
    );
  }

  /**
   * Moves the page to the space trash. Its children move up to its parent, as in Confluence. A
   * view restriction on the page goes with them, so nothing below it becomes readable to more
   * people: a child without a view restriction of its own gets a copy of the page's. Two
   * restrictions cannot be merged into one without widening or narrowing either, so a child with
   * its own is refused, and nothing changes. The space home page stays.
   */
  async trashPage(viewer: Viewer, id: string): Promise<Page> {
    const page = await this.requirePage(id);
    await this.permissions.assertPage(viewer, id, 'delete');
    if (page.status !== 'current') throw new UserInputError({ page: 'This page is already in the trash.' });
    const [space] = await this.dataSource.query(`SELECT homepage_id::text AS home FROM spaces WHERE id = $1`, [page.spaceId]);
    if (space.home === page.id) throw new UserInputError({ page: 'The space home page cannot be deleted.' });
    await this.inTransaction(async (tx) => {
      const carried = await this.carryViewRestriction(tx, viewer, page);
      if (carried) {
        await this.audit.record(
          { actorId: viewer.userId, action: 'page.restriction-added', spaceId: page.spaceId, pageId: id, summary: `Copied the view restriction of "${page.title}" to the ${carried} page(s) directly below it, which move up` },
          tx,
        );
      }
      // Children and their subtrees lose this page from their ancestor chain.
      await tx.query(
        `UPDATE pages SET ancestors = array_remove(ancestors, $1::bigint),
           parent_id = CASE WHEN parent_id = $1 THEN $2::bigint ELSE parent_id END
         WHERE ancestors @> ARRAY[$1::bigint]`,
        [id, page.parentId],
      );
      await tx.query(`UPDATE pages SET status = 'trashed', trashed_at = now(), trashed_by = $2 WHERE id = $1`, [id, viewer.userId]);
      await this.audit.record({ actorId: viewer.userId, action: 'page.deleted', spaceId: page.spaceId, pageId: id, summary: `Moved "${page.title}" to the trash` }, tx);
    });
    await this.events.emit({ kind: 'trashed', pageId: id, actorId: viewer.userId });
    return (await this.findPage(id))!;
  }

  /**
   * Copies the page's view restriction to its children before they move up, those in the trash
   * too (restoring one later must not open it up); how many got it (0 when the page has none).
   * The children's rows are locked first, so a restriction added to one meanwhile waits (see
   * PageRestrictionsService) instead of being merged into the copied list.
   */
  private async carryViewRestriction(tx: EntityManager, viewer: Viewer, page: Page): Promise<number> {
    const [{ restricted }] = await tx.query(`SELECT EXISTS (SELECT 1 FROM page_restrictions WHERE page_id = $1 AND kind = 'view') AS restricted`, [page.id]);
    if (!restricted) return 0;
    const children: { id: string }[] = await tx.query(`SELECT id::text FROM pages WHERE parent_id = $1 ORDER BY id FOR UPDATE`, [page.id]);
    if (!children.length) return 0;
    // Named only when the person deleting may see them; the others are counted.
    const own: { title: string; visible: boolean }[] = await tx.query(
      `SELECT c.title, ${pageVisibleSql(viewer, 'c', '$2')} AS visible FROM pages c
        WHERE c.parent_id = $1 AND EXISTS (SELECT 1 FROM page_restrictions r WHERE r.page_id = c.id AND r.kind = 'view')
        ORDER BY c.position, c.id`,
      [page.id, viewer.userId],
    );
    if (own.length) {
      const named = own.filter((c) => c.visible).slice(0, 5).map((c) => `"${c.title}"`);
      const others = own.length - named.length;
      const which = [...named, ...(others ? [`${others} page${others === 1 ? '' : 's'} you cannot see`] : [])].join(', ');
      throw new UserInputError({
        page:
          `This page cannot be deleted yet: its view restriction would have to move to the pages below it, and ${which} ` +
          `already ${own.length === 1 ? 'has a view restriction of its' : 'have view restrictions of their'} own. Change those restrictions, ` +
          'or move those pages elsewhere, first. Nothing was changed.',
      });
    }
    await tx.query(
      `INSERT INTO page_restrictions (page_id, kind, group_id, user_id)
       SELECT c.id, 'view', r.group_id, r.user_id FROM pages c JOIN page_restrictions r ON r.page_id = $1 AND r.kind = 'view'
        WHERE c.parent_id = $1`,
      [page.id],
    );
    return children.length;
  }

  /** Space admins restore from the trash: under the old parent if it is still there, else at the top. */
  async restorePage(viewer: Viewer, id: string): Promise<Page> {
    const page = await this.requirePage(id);
    await this.permissions.assertSpace(viewer, page.spaceId, 'admin');
    if (page.status !== 'trashed') throw new UserInputError({ page: 'This page is not in the trash.' });
    if (await this.findByTitle(page.spaceId, page.title)) {
      throw new UserInputError({ page: `Another page in this space is now titled "${page.title}". Rename or move that page, then restore this one.` });
    }
    const parent = page.parentId ? await this.findPage(page.parentId) : null;
    const keepParent = parent?.status === 'current';
    await this.inTransaction(async (tx) => {
      await tx.query(
        `UPDATE pages SET status = 'current', trashed_at = NULL, trashed_by = NULL, parent_id = $2, ancestors = $3::bigint[],
           updated_at = now() WHERE id = $1`,
        [id, keepParent ? parent!.id : null, keepParent ? [...parent!.ancestors, parent!.id] : []],
      );
      await this.audit.record({ actorId: viewer.userId, action: 'page.restored', spaceId: page.spaceId, pageId: id, summary: `Restored "${page.title}"` }, tx);
    });
    await this.events.emit({ kind: 'restored', pageId: id, actorId: viewer.userId });
    return (await this.findPage(id))!;
  }

  /** Space admins delete a trashed page for good, with its versions, comments and attachments; its title. */
  async purgePage(viewer: Viewer, id: string): Promise<string> {
    const page = await this.requirePage(id);
    await this.permissions.assertSpace(viewer, page.spaceId, 'admin');
    if (page.status !== 'trashed') throw new UserInputError({ page: 'Only pages in the trash can be purged.' });
    await this.inTransaction(async (tx) => {
      await this.audit.record({ actorId: viewer.userId, action: 'page.purged', spaceId: page.spaceId, pageId: null, summary: `Purged "${page.title}" (page ${id})` }, tx);
      await tx.query(`DELETE FROM pages WHERE id = $1`, [id]);
    });
    return page.title;
  }

  async listTrash(viewer: Viewer, spaceId: number): Promise<Page[]> {
    await this.permissions.assertSpace(viewer, spaceId, 'admin');
    return this.dataSource.query(`${SELECT_PAGE} WHERE p.space_id = $1 AND p.status = 'trashed' ORDER BY p.trashed_at DESC LIMIT 500`, [spaceId]);
  }

  private async insertVersion(tx: EntityManager, pageId: string, authorId: string | null, comment: string, minor: boolean) {
    await tx.query(
      `INSERT INTO page_versions (page_id, version, title, body, author_id, change_comment, minor_edit)
       SELECT id, version, title, body, $2, $3, $4 FROM pages WHERE id = $1`,
      [pageId, authorId, comment, minor],
    );
  }

  private async inTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if ((error as { constraint?: string }).constraint === 'pages_space_title_key') {
        throw new UserInputError({ title: 'A page with this title already exists in this space.' });
      }
      throw error;
    }
  }
}
