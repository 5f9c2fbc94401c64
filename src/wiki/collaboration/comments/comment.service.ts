import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserInputError } from '../../../users/user-input.error.js';
import { renderStorage, type RenderContext } from '../../content/content-renderer.js';
import { RenderCache, rendersAlikeForEveryone } from '../../content/render-cache.js';
import { PageEventsService } from '../../pages/page-events.service.js';
import { PageViewService } from '../../pages/page-view.service.js';
import { SCREEN, type PageScreenPart } from '../../pages/page-screen.registry.js';
import type { Page } from '../../pages/page.types.js';
import type { PageAction } from '../../permissions/permission.service.js';
import type { Viewer } from '../../permissions/viewer.js';
import { attachmentUrl, pageUrl } from '../../wiki-urls.js';
import { commentEditText, commentStorage, threadComments } from './comment-rules.js';

/** The page screen shows at most this many comments, all from one query. */
export const MAX_COMMENTS_SHOWN = 500;
/** Rendered comments kept per process: 4M characters (thousands of typical comments). */
const RENDER_CACHE_CHARS = 4 * 1024 * 1024;

interface CommentRow {
  id: string;
  parentId: string | null;
  authorId: string | null;
  authorName: string | null;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A CommentRow read through json: its times are text. */
type CommentJsonRow = Omit<CommentRow, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

interface StoredComment {
  id: string;
  pageId: string;
  parentId: string | null;
  authorId: string | null;
}

const ID = /^\d{1,18}$/;

/** Threaded page comments: the page screen section, and adding, editing and deleting. */
@Injectable()
export class CommentService implements PageScreenPart {
  readonly name = 'comments';
  private readonly rendered = new RenderCache(RENDER_CACHE_CHARS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: PageEventsService,
    private readonly pageViews: PageViewService,
  ) {}

  readonly dataSql = `SELECT coalesce(json_agg(x ORDER BY x."createdAt", x.id::bigint), '[]') FROM (
      SELECT c.id::text, c.parent_id::text AS "parentId", c.author_id AS "authorId", u.full_name AS "authorName",
             c.body, c.created_at AS "createdAt", c.updated_at AS "updatedAt"
        FROM comments c LEFT JOIN users u ON u.id = c.author_id
       WHERE c.page_id = ${SCREEN.pageId} ORDER BY c.created_at, c.id LIMIT ${MAX_COMMENTS_SHOWN + 1}) x`;

  async buildPart(viewer: Viewer, page: Page, can: Set<string>, data: CommentJsonRow[]): Promise<Record<string, unknown>> {
    const rows: CommentRow[] = data.map((r) => ({ ...r, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) }));
    const shown = rows.slice(0, MAX_COMMENTS_SHOWN);
    const ctx = {
      pages: await this.pageViews.resolveLinks(viewer, page, shown.map((r) => r.body)),
      children: [],
      spaceKey: page.spaceKey,
      attachmentUrl: (filename: string, pageId: string = page.id) => attachmentUrl(pageId, filename),
    };
    // Anonymous visitors comment where the space lets them; only signed-in authors edit their own.
    const canComment = can.has('comment');
    return {
      action: `/pages/${page.id}/comments`,
      canComment,
      truncated: rows.length > MAX_COMMENTS_SHOWN,
      count: shown.length,
      comments: threadComments(shown).map((c) => {
        const own = canComment && !!viewer.userId && c.authorId === viewer.userId;
        return {
          id: c.id,
          indent: c.indent,
          // Accounts are deactivated, never deleted: a comment without an author is anonymous.
          authorName: c.authorName ?? (c.authorId ? 'Unknown user' : 'Anonymous'),
          createdAt: c.createdAt,
          edited: c.updatedAt.getTime() > c.createdAt.getTime(),
          html: this.renderComment(c, ctx),
          // The source only goes to the author, for the edit form.
          body: own ? commentEditText(c.body) : undefined,
          canEdit: own,
          canDelete: own || can.has('admin'),
        };
      }),
    };
  }

  /** A comment's HTML; kept per process until the comment is edited, unless it has page links. */
  private renderComment(comment: CommentRow, ctx: RenderContext): string {
    const key = rendersAlikeForEveryone(comment.body) ? `${comment.id}:${comment.updatedAt.getTime()}` : null;
    const hit = key ? this.rendered.get(key) : undefined;
    if (hit !== undefined) return hit;
    const html = renderStorage(comment.body, ctx);
    if (key) this.rendered.set(key, html);
    return html;
  }

  async addComment(viewer: Viewer, page: Page, input: { body?: unknown; parentId?: unknown }): Promise<string> {
    const body = commentStorage(input.body);
    const parentId = typeof input.parentId === 'string' && input.parentId !== '' ? input.parentId : null;
    const gone = new UserInputError({ parentId: 'The comment you replied to no longer exists.' });
    if (parentId !== null && !ID.test(parentId)) throw gone;
    let rows: { id: string }[];
    try {
      // The parent must be a comment on the same page.
      rows = await this.dataSource.query(
        `INSERT INTO comments (page_id, parent_id, author_id, body)
         SELECT $1, $2::bigint, $3, $4
          WHERE $2::bigint IS NULL OR EXISTS (SELECT 1 FROM comments WHERE id = $2::bigint AND page_id = $1)
         RETURNING id::text`,
        [page.id, parentId, viewer.userId, body],
      );
    } catch (error) {
      // The parent was deleted between the check and the insert.
      if ((error as { code?: string }).code === '23503') throw gone;
      throw error;
    }
    if (!rows.length) throw gone;
    await this.events.emit({ kind: 'commented', pageId: page.id, actorId: viewer.userId });
    return rows[0].id;
  }

  /** Authors edit their own comments, while they may still comment on the page. */
  async editComment(viewer: Viewer, page: Page, held: Set<PageAction>, commentId: string, input: { body?: unknown }): Promise<void> {
    const comment = await this.requireComment(page, commentId);
    if (comment.authorId !== viewer.userId || !held.has('comment')) {
      throw new ForbiddenException('You can only edit your own comments.');
    }
    const body = commentStorage(input.body);
    await this.dataSource.query(`UPDATE comments SET body = $2, updated_at = now() WHERE id = $1`, [comment.id, body]);
  }

  /**
   * Authors delete their own comments, space and global admins any. Replies stay: they move
   * up to the deleted comment's parent, so nobody loses someone else's words.
   */
  async deleteComment(viewer: Viewer, page: Page, held: Set<PageAction>, commentId: string): Promise<void> {
    const comment = await this.requireComment(page, commentId);
    const own = comment.authorId === viewer.userId && held.has('comment');
    if (!own && !held.has('admin')) throw new ForbiddenException('You can only delete your own comments.');
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE comments SET parent_id = $2 WHERE parent_id = $1`, [comment.id, comment.parentId]);
      await tx.query(`DELETE FROM comments WHERE id = $1`, [comment.id]);
    });
  }

  commentUrl(page: Page, commentId?: string): string {
    return `${pageUrl(page.spaceKey, page.id, page.title)}#${commentId ? `comment-${commentId}` : 'comments'}`;
  }

  private async requireComment(page: Page, commentId: string): Promise<StoredComment> {
    const rows: StoredComment[] = ID.test(commentId)
      ? await this.dataSource.query(
          `SELECT id::text, page_id::text AS "pageId", parent_id::text AS "parentId", author_id AS "authorId" FROM comments WHERE id = $1`,
          [commentId],
        )
      : [];
    if (!rows[0] || rows[0].pageId !== page.id) throw new NotFoundException('There is no such comment on this page.');
    return rows[0];
  }
}
