import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated } from '../../common/access.decorators.js';
import { setFlash } from '../../common/flash.js';
import { renderFormError } from '../../common/form-errors.js';
import { PageService } from '../pages/page.service.js';
import { SpaceService } from '../spaces/space.service.js';
import { viewerFrom } from '../wiki-viewer.js';
import { PageRestrictionsService, mayChangeRestrictions } from './page-restrictions.service.js';
import { PermissionService } from './permission.service.js';
import { SpacePermissionsService, type GrantRow } from './space-permissions.service.js';
import { SPACE_PERMISSIONS, type SpacePermission } from './viewer.js';

type Form = Record<string, unknown>;

/**
 * The grid form posts one checkbox per cell, named "p|<kind>|<name>|<permission>", plus a
 * new group and a new user row ("newGroup", "newUser" with kind "new-group"/"new-user").
 */
export function grantsFromForm(body: Form): GrantRow[] {
  const rows = new Map<string, GrantRow>();
  const add = (kind: GrantRow['kind'], name: string, permission: string) => {
    const key = `${kind}|${name.toLowerCase()}`;
    const row = rows.get(key) ?? { kind, name, label: name, permissions: [] };
    row.permissions.push(permission as SpacePermission);
    rows.set(key, row);
  };
  for (const field of Object.keys(body)) {
    const [p, kind, name, permission] = field.split('|');
    if (p !== 'p' || !permission) continue;
    if (kind === 'group' || kind === 'user' || kind === 'anonymous') add(kind, name, permission);
    const typed = typeof body[kind === 'new-group' ? 'newGroup' : 'newUser'] === 'string' ? String(body[kind === 'new-group' ? 'newGroup' : 'newUser']).trim() : '';
    if ((kind === 'new-group' || kind === 'new-user') && typed) add(kind === 'new-group' ? 'group' : 'user', typed, permission);
  }
  return [...rows.values()];
}

@Controller('spaces/:key')
export class PermissionsController {
  constructor(
    private readonly spaces: SpaceService,
    private readonly pages: PageService,
    private readonly permissions: PermissionService,
    private readonly grants: SpacePermissionsService,
    private readonly restrictions: PageRestrictionsService,
  ) {}

  @Authenticated()
  @Get('permissions')
  async showSpacePermissions(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.render('wiki/space-permissions', await this.grid(req, key));
  }

  @Authenticated()
  @Post('permissions')
  async saveSpacePermissions(@Param('key') key: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const space = await this.spaces.requireVisible(viewer, key);
    try {
      await this.grants.replaceGrants(viewer, space.id, grantsFromForm(body));
      setFlash(req, 'Space permissions saved.');
      res.redirect(303, `/spaces/${space.key}/permissions`);
    } catch (error) {
      renderFormError(res, error, 'wiki/space-permissions', await this.grid(req, key, body));
    }
  }

  @Authenticated()
  @Get('pages/:id/restrictions')
  async showRestrictions(@Param('key') key: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    res.render('wiki/page-restrictions', await this.restrictionView(req, id));
  }

  @Authenticated()
  @Post('pages/:id/restrictions')
  async addRestriction(@Param('id') id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    try {
      await this.restrictions.addRestriction(viewerFrom(req), id, body);
      res.redirect(303, `/spaces/${(await this.pages.requirePage(id)).spaceKey}/pages/${id}/restrictions`);
    } catch (error) {
      renderFormError(res, error, 'wiki/page-restrictions', { ...(await this.restrictionView(req, id)), values: body });
    }
  }

  @Authenticated()
  @Post('pages/:id/restrictions/remove')
  async removeRestriction(@Param('id') id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    await this.restrictions.removeRestriction(viewerFrom(req), id, body);
    res.redirect(303, `/spaces/${(await this.pages.requirePage(id)).spaceKey}/pages/${id}/restrictions`);
  }

  /** The grid as saved, or (after a refusal) as `submitted`: every tick and typed name kept. */
  private async grid(req: Request, key: string, submitted?: Form) {
    const viewer = viewerFrom(req);
    const space = await this.spaces.requireVisible(viewer, key);
    const rows = await this.grants.listGrants(viewer, space.id);
    const ticked = (field: string, saved: boolean) => (submitted ? submitted[field] !== undefined : saved);
    const typed = (field: string) => (typeof submitted?.[field] === 'string' ? (submitted[field] as string) : '');
    return {
      title: `${space.name}: permissions`,
      space,
      permissionNames: SPACE_PERMISSIONS,
      rows: rows.map((r) => ({
        ...r,
        cells: SPACE_PERMISSIONS.map((p) => ({
          field: `p|${r.kind}|${r.name}|${p}`,
          permission: p,
          checked: ticked(`p|${r.kind}|${r.name}|${p}`, r.permissions.includes(p)),
          allowed: r.kind !== 'anonymous' || p === 'view' || p === 'comment',
        })),
      })),
      newGroup: typed('newGroup'),
      newUser: typed('newUser'),
      newCells: SPACE_PERMISSIONS.map((p) => ({ permission: p, group: ticked(`p|new-group||${p}`, false), user: ticked(`p|new-user||${p}`, false) })),
    };
  }

  private async restrictionView(req: Request, id: string) {
    const viewer = viewerFrom(req);
    const page = await this.pages.requirePage(id);
    const held = await this.permissions.assertPage(viewer, id, 'view');
    const list = await this.restrictions.listRestrictions(id);
    return {
      title: `Restrictions: ${page.title}`,
      page,
      ...(await this.pages.trail(page)),
      viewList: list.filter((r) => r.kind === 'view'),
      editList: list.filter((r) => r.kind === 'edit'),
      canChange: mayChangeRestrictions(held),
      values: {},
    };
  }
}
