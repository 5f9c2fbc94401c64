import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../database/prepared-query.js';
import { SPACE_PERMISSIONS, type SpacePermission, type Viewer } from './viewer.js';

/**
 * The global "can use" permission: a signed-in user needs it (directly or through a group)
 * for any space permission to count. Anonymous visitors rely on a space's anonymous grant.
 * Uncorrelated, so PostgreSQL evaluates it once per query.
 */
export function globalUseSql(viewerParam: string): string {
  return `(${viewerParam}::uuid IS NULL OR EXISTS (SELECT 1 FROM global_permissions gp WHERE gp.permission = 'use'
    AND (gp.user_id = ${viewerParam}::uuid
      OR gp.group_id IN (SELECT ug.group_id FROM user_groups ug WHERE ug.user_id = ${viewerParam}::uuid))))`;
}

/**
 * SQL that is true when the viewer (a uuid parameter, null for anonymous) holds `permission`
 * in the space `spaceExpr`. A grant with neither group nor user is the anonymous grant and
 * applies to everyone.
 */
export function spaceGrantSql(spaceExpr: string, permission: string, viewerParam: string): string {
  return `${globalUseSql(viewerParam)} AND EXISTS (SELECT 1 FROM space_permissions sp WHERE sp.space_id = ${spaceExpr} AND sp.permission = '${permission}'
    AND ((sp.group_id IS NULL AND sp.user_id IS NULL) OR sp.user_id = ${viewerParam}::uuid
      OR sp.group_id IN (SELECT ug.group_id FROM user_groups ug WHERE ug.user_id = ${viewerParam}::uuid)))`;
}

/**
 * SQL that is true when no view restriction on the page or any ancestor shuts the viewer
 * out: every restricted page in the chain must list the viewer or one of their groups.
 */
export function viewRestrictionSql(pageAlias: string, viewerParam: string): string {
  return `NOT EXISTS (SELECT 1 FROM page_restrictions r
    WHERE r.kind = 'view' AND r.page_id = ANY(${pageAlias}.ancestors || ${pageAlias}.id)
    GROUP BY r.page_id
    HAVING NOT coalesce(bool_or(r.user_id = ${viewerParam}::uuid
      OR r.group_id IN (SELECT ug.group_id FROM user_groups ug WHERE ug.user_id = ${viewerParam}::uuid)), false))`;
}

/** The filter every query over pages uses, so lists, search and trees never show a hidden page. */
export function pageVisibleSql(viewer: Viewer, pageAlias: string, viewerParam: string): string {
  // Still names the parameter, so the query's parameter list is the same for everyone.
  if (viewer.isAdmin) return `(${viewerParam}::uuid IS NULL OR TRUE)`;
  return memberMayViewSql(pageAlias, viewerParam);
}

/**
 * pageVisibleSql for a user known only inside the query (a watcher, the session's user):
 * `userExpr` is their uuid and `isAdminExpr` whether they administer Atrium, both SQL.
 */
export function pageVisibleToSql(pageAlias: string, userExpr: string, isAdminExpr: string): string {
  return `(${isAdminExpr} OR ${memberMayViewSql(pageAlias, userExpr)})`;
}

function memberMayViewSql(pageAlias: string, userExpr: string): string {
  return `(${spaceGrantSql(`${pageAlias}.space_id`, 'view', userExpr)} AND ${viewRestrictionSql(pageAlias, userExpr)})`;
}

export type PageAction = 'view' | 'edit' | 'comment' | 'attach' | 'delete' | 'admin';

/** A query for the permissions (a `permission` column) the viewer holds in the space `spaceExpr`. */
function heldInSpaceSql(spaceExpr: string, viewerParam: string): string {
  return `SELECT DISTINCT sp.permission::text AS permission FROM space_permissions sp WHERE sp.space_id = ${spaceExpr} AND ${globalUseSql(viewerParam)}
    AND ((sp.group_id IS NULL AND sp.user_id IS NULL) OR sp.user_id = ${viewerParam}::uuid
      OR sp.group_id IN (SELECT ug.group_id FROM user_groups ug WHERE ug.user_id = ${viewerParam}::uuid))`;
}

/**
 * Select-list columns saying what the viewer may do on the page `pageAlias`, so that the query
 * loading a page also checks it (pageHeld reads them): view restrictions on the page and its
 * ancestors, the page's edit restriction, and the viewer's permissions in its space.
 */
export function pageAccessSql(viewer: Viewer, pageAlias: string, viewerParam: string): string {
  if (viewer.isAdmin) return `(${viewerParam}::uuid IS NULL OR TRUE) AS "accessVisible", TRUE AS "accessEditable", '{}'::text[] AS "accessHeld"`;
  return `${viewRestrictionSql(pageAlias, viewerParam)} AS "accessVisible",
    (NOT EXISTS (SELECT 1 FROM page_restrictions r WHERE r.kind = 'edit' AND r.page_id = ${pageAlias}.id)
      OR EXISTS (SELECT 1 FROM page_restrictions r WHERE r.kind = 'edit' AND r.page_id = ${pageAlias}.id
        AND (r.user_id = ${viewerParam}::uuid OR r.group_id IN (SELECT ug.group_id FROM user_groups ug WHERE ug.user_id = ${viewerParam}::uuid))))
      AS "accessEditable",
    ARRAY(${heldInSpaceSql(`${pageAlias}.space_id`, viewerParam)}) AS "accessHeld"`;
}

export interface PageAccessRow {
  accessVisible: boolean;
  accessEditable: boolean;
  accessHeld: string[];
}

/**
 * What the viewer may do on a page, from a row with pageAccessSql's columns (nothing when there
 * is no row): the space permissions, minus everything when a view restriction shuts them out,
 * minus editing when the page's edit restriction does.
 */
export function pageHeld(viewer: Viewer, row: PageAccessRow | undefined): Set<PageAction> {
  if (!row) return new Set();
  if (viewer.isAdmin) return new Set(SPACE_PERMISSIONS);
  const held = new Set(row.accessHeld as PageAction[]);
  // Without view, nothing else counts.
  if (!row.accessVisible || !held.has('view')) return new Set();
  if (!row.accessEditable) held.delete('edit');
  return held;
}

/**
 * Refuses with 404 when the viewer may not even see the page (its existence stays hidden),
 * and with 403 when they see it but may not do `action`.
 */
export function requirePageAction(held: Set<PageAction>, action: PageAction): Set<PageAction> {
  if (!held.has('view')) throw new NotFoundException('There is no page here, or you may not see it.');
  if (!held.has(action)) throw new ForbiddenException(`You may not ${action} this page.`);
  return held;
}

/** Space permissions and page restrictions, checked on the server on every path. */
@Injectable()
export class PermissionService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The space permissions the viewer holds (all of them for admins). */
  async spacePermissions(viewer: Viewer, spaceId: number): Promise<Set<SpacePermission>> {
    if (viewer.isAdmin) return new Set(SPACE_PERMISSIONS);
    const rows = await preparedQuery<{ permission: SpacePermission }>(this.dataSource, heldInSpaceSql('$1', '$2'), [spaceId, viewer.userId]);
    const held = new Set(rows.map((r) => r.permission));
    // Without view, nothing else counts.
    return held.has('view') ? held : new Set();
  }

  /** Whether the viewer holds the global "can use" permission (administrators always do). */
  async canUse(viewer: Viewer): Promise<boolean> {
    if (viewer.isAdmin) return true;
    if (!viewer.userId) return false;
    const [{ ok }] = await preparedQuery<{ ok: boolean }>(this.dataSource, `SELECT ${globalUseSql('$1')} AS ok`, [viewer.userId]);
    return ok;
  }

  /** Creating a space, like every other use of the wiki, needs the global "can use" permission. */
  async assertCanCreateSpace(viewer: Viewer): Promise<void> {
    if (!(await this.canUse(viewer))) {
      throw new ForbiddenException('Creating a space needs the global "can use" permission. Ask an administrator for it.');
    }
  }

  /** What the viewer may do on one page (pageHeld), in one query. */
  async pagePermissions(viewer: Viewer, pageId: number | string): Promise<Set<PageAction>> {
    const rows = await preparedQuery<PageAccessRow>(this.dataSource, `SELECT ${pageAccessSql(viewer, 'p', '$2')} FROM pages p WHERE p.id = $1`, [
      pageId,
      viewer.userId,
    ]);
    return pageHeld(viewer, rows[0]);
  }

  /** See requirePageAction. */
  async assertPage(viewer: Viewer, pageId: number | string, action: PageAction): Promise<Set<PageAction>> {
    return requirePageAction(await this.pagePermissions(viewer, pageId), action);
  }

  async assertSpace(viewer: Viewer, spaceId: number, action: SpacePermission): Promise<Set<SpacePermission>> {
    const held = await this.spacePermissions(viewer, spaceId);
    if (!held.has('view')) throw new NotFoundException('There is no space here, or you may not see it.');
    if (!held.has(action)) throw new ForbiddenException(`You need the "${action}" permission in this space.`);
    return held;
  }
}
