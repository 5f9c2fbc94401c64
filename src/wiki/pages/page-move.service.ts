import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserInputError } from '../../users/user-input.error.js';
import { PermissionService, pageVisibleSql, spaceGrantSql } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { PageTreeService, type TreeNode } from './page-tree.service.js';
import { PageService } from './page.service.js';
import type { Page } from './page.types.js';

/** What the move form sends: a space key, a parent typed by title, and a place among siblings. */
export interface MoveForm {
  spaceKey: string;
  parentTitle: string;
  /** "first", "last", or "after:<sibling id>". */
  position: string;
}

interface TargetSpace {
  id: number;
  key: string;
  name: string;
}

interface Target {
  space: TargetSpace;
  parent: Page | null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

export function moveFormFrom(body: Record<string, unknown>): MoveForm {
  return { spaceKey: text(body.spaceKey).toUpperCase(), parentTitle: text(body.parentTitle).replace(/\s+/g, ' '), position: text(body.position) };
}

/**
 * The move screen's logic: the parent is typed by title and the place among siblings is
 * named by the sibling it follows (not an index, which hidden siblings would skew).
 * PageTreeService.movePage does the move itself.
 */
@Injectable()
export class PageMoveService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: PageService,
    private readonly tree: PageTreeService,
    private readonly permissions: PermissionService,
  ) {}

  /** A current page the viewer may edit: 404 when hidden or trashed, 403 without edit. */
  async movablePage(viewer: Viewer, id: string): Promise<Page> {
    const { page } = await this.pages.requireAccess(viewer, id, 'edit');
    return page;
  }

  /** Spaces where the viewer may add pages, in one query. */
  async editableSpaces(viewer: Viewer): Promise<TargetSpace[]> {
    const where = viewer.isAdmin ? '' : `WHERE ${spaceGrantSql('s.id', 'view', '$1')} AND ${spaceGrantSql('s.id', 'edit', '$1')}`;
    return this.dataSource.query(`SELECT s.id, s.key, s.name FROM spaces s ${where} ORDER BY s.name, s.key`, viewer.isAdmin ? [] : [viewer.userId]);
  }

  async moveByForm(viewer: Viewer, page: Page, form: MoveForm): Promise<Page> {
    const target = await this.resolveTarget(viewer, form, await this.editableSpaces(viewer));
    const parentId = target.parent?.id ?? null;
    const position = await this.positionIndex(viewer, target.space.id, parentId, page.id, form.position);
    return this.move(viewer, page, { spaceId: target.space.id, parentId, position });
  }

  /** Reorders the page among its current siblings. */
  async reorder(viewer: Viewer, page: Page, position: string): Promise<Page> {
    const index = await this.positionIndex(viewer, page.spaceId, page.parentId, page.id, position);
    return this.move(viewer, page, { spaceId: page.spaceId, parentId: page.parentId, position: index });
  }

  /** The siblings the page could be placed among under the typed parent (for the form's script). */
  async siblingsFor(viewer: Viewer, page: Page, form: MoveForm): Promise<TreeNode[]> {
    const target = await this.resolveTarget(viewer, form, await this.editableSpaces(viewer));
    return this.siblings(viewer, target, page.id);
  }

  /**
   * Everything the move form shows. With `form` (after bad input) it keeps what was typed
   * and lists the siblings under the typed parent when that parent exists.
   */
  async moveScreen(viewer: Viewer, page: Page, form?: MoveForm) {
    const spaces = await this.editableSpaces(viewer);
    const currentParent = page.parentId ? await this.pages.findPage(page.parentId) : null;
    const current = await this.tree.children(viewer, { id: page.spaceId, key: page.spaceKey }, page.parentId);
    const at = current.findIndex((n) => n.id === page.id);
    const place = (i: number) => (i < 0 ? 'first' : `after:${current[i].id}`);

    let listed = current.filter((n) => n.id !== page.id);
    if (form) {
      const target = await this.resolveTarget(viewer, form, spaces).catch((error) => {
        if (error instanceof UserInputError) return null;
        throw error;
      });
      listed = target ? await this.siblings(viewer, target, page.id) : [];
    }
    const values = form ?? { spaceKey: page.spaceKey, parentTitle: currentParent?.title ?? '', position: at >= 0 ? place(at - 1) : 'last' };
    return {
      title: `Move ${page.title}`,
      page,
      ...(await this.pages.trail(page)),
      values,
      spaces: spaces.map((s) => ({ key: s.key, name: s.name, selected: s.key === values.spaceKey })),
      positions: [
        { value: 'first', label: 'First' },
        ...listed.map((n) => ({ value: `after:${n.id}`, label: `After “${n.title}”` })),
        { value: 'last', label: 'Last' },
      ].map((o) => ({ ...o, selected: o.value === values.position })),
      order: current.map((n) => ({ title: n.title, url: n.url, self: n.id === page.id })),
      moveUp: at > 0 ? place(at - 2) : null,
      moveDown: at >= 0 && at < current.length - 1 ? place(at + 1) : null,
    };
  }

  private async resolveTarget(viewer: Viewer, form: MoveForm, spaces: TargetSpace[]): Promise<Target> {
    const space = spaces.find((s) => s.key === form.spaceKey);
    if (!space) throw new UserInputError({ spaceKey: 'Choose a space where you may add pages.' });
    if (!form.parentTitle) return { space, parent: null };
    const parent = await this.pages.findByTitle(space.id, form.parentTitle);
    // A page the viewer may not see is reported exactly like a missing one.
    if (!parent || !(await this.permissions.pagePermissions(viewer, parent.id)).has('view')) {
      throw new UserInputError({ parentTitle: `There is no page titled “${form.parentTitle}” in ${space.key}.` });
    }
    return { space, parent };
  }

  private async siblings(viewer: Viewer, target: Target, pageId: string): Promise<TreeNode[]> {
    const children = await this.tree.children(viewer, target.space, target.parent?.id ?? null);
    return children.filter((n) => n.id !== pageId);
  }

  /**
   * "first" is 0, "last" (or nothing) the end, "after:<id>" the index just past that
   * sibling among all the parent's children but the page itself (one indexed query).
   */
  private async positionIndex(viewer: Viewer, spaceId: number, parentId: string | null, pageId: string, position: string): Promise<number | undefined> {
    if (position === 'first') return 0;
    if (position === 'last' || position === '') return undefined;
    const anchor = /^after:(\d{1,18})$/.exec(position)?.[1];
    const params: unknown[] = [viewer.userId, spaceId, pageId, anchor ?? '0'];
    const underParent = parentId ? `= $${params.push(parentId)}` : 'IS NULL';
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(s.id)::int AS n FROM pages a
         JOIN pages s ON s.space_id = $2 AND s.parent_id ${underParent} AND s.status = 'current'
          AND s.id <> $3 AND (s.position, s.id) <= (a.position, a.id)
        WHERE a.id = $4 AND a.space_id = $2 AND a.parent_id ${underParent} AND a.status = 'current' AND a.id <> $3
          AND ${pageVisibleSql(viewer, 'a', '$1')}`,
      params,
    );
    // The anchor counts itself, so 0 means it is not (or no longer) a sibling there.
    if (!n) throw new UserInputError({ position: 'That position is not under the chosen parent; choose the position again.' });
    return n;
  }

  private async move(viewer: Viewer, page: Page, target: { spaceId: number; parentId: string | null; position?: number }): Promise<Page> {
    try {
      return await this.tree.movePage(viewer, page.id, target);
    } catch (error) {
      // The tree service names the parent by id; the form asks for a title.
      if (error instanceof UserInputError && error.fieldErrors.parentId) throw new UserInputError({ parentTitle: error.fieldErrors.parentId });
      // A page created with a clashing title while the move ran.
      if ((error as { constraint?: string }).constraint === 'pages_space_title_key') {
        throw new UserInputError({ spaceKey: 'A page with the same title was just created in that space; nothing was moved.' });
      }
      throw error;
    }
  }
}
