import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../../database/prepared-query.js';
import { UserInputError } from '../../users/user-input.error.js';
import { AuditService } from '../../audit/audit.service.js';
import { PermissionService, pageVisibleSql } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { pageUrl } from '../wiki-urls.js';
import { PageEventsService } from './page-events.service.js';
import { PageLinksService } from './page-links.service.js';
import { PageService } from './page.service.js';
import type { Page } from './page.types.js';

export interface TreeNode {
  id: string;
  title: string;
  url: string;
  hasChildren: boolean;
}

/** A tree node as levelJsonSql returns it. */
export interface TreeRow {
  id: string;
  title: string;
  hasChildren: boolean;
}

export const TREE_PAGE_SIZE = 500;

/** The page tree: lazily loaded children, breadcrumbs, moves and sibling order. */
@Injectable()
export class PageTreeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: PageService,
    private readonly permissions: PermissionService,
    private readonly audit: AuditService,
    private readonly links: PageLinksService,
    private readonly events: PageEventsService,
  ) {}

  /** One level of the tree, filtered by permission in SQL; one query whatever the size. */
  async children(viewer: Viewer, space: { id: number; key: string }, parentId: string | null): Promise<TreeNode[]> {
    const [{ level }] = await preparedQuery<{ level: TreeRow[] }>(
      this.dataSource,
      `SELECT (${this.levelJsonSql(viewer, '$1', '$2', parentId ? '$3' : null)}) AS level`,
      parentId ? [viewer.userId, space.id, parentId] : [viewer.userId, space.id],
    );
    return this.nodes(space.key, level);
  }

  /**
   * A scalar subquery: the children of `parentExpr` (the top level when null) in the space
   * `spaceExpr` that the viewer may see, as a json array of TreeRow, in sibling order.
   */
  levelJsonSql(viewer: Viewer, viewerExpr: string, spaceExpr: string, parentExpr: string | null): string {
    const visibleC = pageVisibleSql(viewer, 'c', viewerExpr);
    return `SELECT coalesce(json_agg(json_build_object('id', l.id::text, 'title', l.title, 'hasChildren', l.has_children)
                                  ORDER BY l.position, l.id), '[]')
      FROM (SELECT p.id, p.title, p.position,
                   EXISTS (SELECT 1 FROM pages c WHERE c.space_id = p.space_id AND c.parent_id = p.id
                             AND c.status = 'current' AND ${visibleC}) AS has_children
              FROM pages p
             WHERE p.space_id = ${spaceExpr}::int AND ${parentExpr ? `p.parent_id = ${parentExpr}::bigint` : 'p.parent_id IS NULL'}
               AND p.status = 'current' AND ${pageVisibleSql(viewer, 'p', viewerExpr)}
             ORDER BY p.position, p.id LIMIT ${TREE_PAGE_SIZE}) l`;
  }

  /** Tree nodes from levelJsonSql's rows. */
  nodes(spaceKey: string, rows: TreeRow[]): TreeNode[] {
    return rows.map((r) => ({ ...r, url: pageUrl(spaceKey, r.id, r.title) }));
  }

  /**
   * Moves a page (with its subtree) under a new parent, possibly in another space, at
   * `position` among its new siblings (the end when not given).
   */
  async movePage(
    viewer: Viewer,
    id: string,
    target: { spaceId: number; parentId: string | null; position?: number },
  ): Promise<Page> {
    const page = await this.pages.requirePage(id);
    await this.permissions.assertPage(viewer, id, 'edit');
    await this.permissions.assertSpace(viewer, target.spaceId, 'edit');
    if (page.status !== 'current') throw new UserInputError({ parentId: 'Pages in the trash cannot be moved.' });
    let ancestors: string[] = [];
    if (target.parentId) {
      const parent = await this.pages.findPage(target.parentId);
      if (!parent || parent.status !== 'current' || parent.spaceId !== target.spaceId) {
        throw new UserInputError({ parentId: 'The new parent page does not exist in that space.' });
      }
      if (parent.id === id || parent.ancestors.includes(id)) {
        throw new UserInputError({ parentId: 'A page cannot be moved under itself or one of its descendants.' });
      }
      await this.permissions.assertPage(viewer, parent.id, 'view');
      ancestors = [...parent.ancestors, parent.id];
    }
    const [home] = await this.dataSource.query(`SELECT 1 FROM spaces WHERE homepage_id = $1`, [id]);
    if (home && target.spaceId !== page.spaceId) throw new UserInputError({ parentId: 'A space home page cannot move to another space.' });

    await this.dataSource.transaction(async (tx) => {
      if (target.spaceId !== page.spaceId) await this.assertTitlesFree(tx, id, target.spaceId);
      await tx.query(`UPDATE pages SET parent_id = $2, space_id = $3, ancestors = $4::bigint[], updated_at = now() WHERE id = $1`, [
        id,
        target.parentId,
        target.spaceId,
        ancestors,
      ]);
      await tx.query(
        `UPDATE pages SET space_id = $3, ancestors = $2::bigint[] || ancestors[array_position(ancestors, $1::bigint):]
          WHERE ancestors @> ARRAY[$1::bigint]`,
        [id, ancestors, target.spaceId],
      );
      await this.placeAmongSiblings(tx, id, target.spaceId, target.parentId, target.position);
      if (target.spaceId !== page.spaceId) {
        const [to]: { key: string }[] = await tx.query(`SELECT key FROM spaces WHERE id = $1`, [target.spaceId]);
        await this.links.relinkMovedTree(tx, viewer.userId, id, { id: page.spaceId, key: page.spaceKey }, to);
      }
      await this.audit.record(
        { actorId: viewer.userId, action: 'page.moved', spaceId: target.spaceId, pageId: id, summary: `Moved "${page.title}"`, details: { from: { spaceId: page.spaceId, parentId: page.parentId }, to: target } },
        tx,
      );
    });
    // A new place among the same siblings is not news for watchers; a new parent or space is.
    if (target.spaceId !== page.spaceId || (ancestors.at(-1) ?? null) !== page.parentId) {
      await this.events.emit({ kind: 'moved', pageId: id, actorId: viewer.userId });
    }
    return (await this.pages.findPage(id))!;
  }

  /** Renumbers the siblings with the page at `position` (0-based; the end when absent). */
  private async placeAmongSiblings(tx: EntityManager, id: string, spaceId: number, parentId: string | null, position?: number) {
    const siblings: { id: string }[] = await tx.query(
      `SELECT id::text FROM pages WHERE space_id = $1 AND ${parentId ? 'parent_id = $2' : 'parent_id IS NULL'}
         AND status = 'current' AND id <> $${parentId ? 3 : 2} ORDER BY position, id`,
      parentId ? [spaceId, parentId, id] : [spaceId, id],
    );
    const order = siblings.map((s) => s.id);
    const at = position === undefined || !Number.isInteger(position) ? order.length : Math.max(0, Math.min(position, order.length));
    order.splice(at, 0, id);
    await tx.query(
      `UPDATE pages SET position = o.pos FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, pos) WHERE pages.id = o.id`,
      [order],
    );
  }

  private async assertTitlesFree(tx: EntityManager, id: string, spaceId: number) {
    const clashes: { title: string }[] = await tx.query(
      `SELECT m.title FROM pages m JOIN pages t ON t.space_id = $2 AND t.status = 'current' AND lower(t.title) = lower(m.title)
        WHERE (m.id = $1 OR m.ancestors @> ARRAY[$1::bigint]) AND m.status = 'current' LIMIT 5`,
      [id, spaceId],
    );
    if (clashes.length) {
      throw new UserInputError({ parentId: `The target space already has pages titled: ${clashes.map((c) => c.title).join(', ')}.` });
    }
  }
}
