import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../../common/access.decorators.js';
import { setFlash } from '../../common/flash.js';
import { renderFormError } from '../../common/form-errors.js';
import { ADMINS_GROUP } from '../../users/group.entity.js';
import { viewerFrom } from '../wiki-viewer.js';
import { GlobalPermissionsService } from './global-permissions.service.js';

type Form = Record<string, unknown>;

/** Administration > Global permissions: who may use Atrium at all. */
@Controller('admin/permissions')
@Roles('admin')
export class GlobalPermissionsController {
  constructor(private readonly permissions: GlobalPermissionsService) {}

  @Get()
  async showPermissions(@Res() res: Response): Promise<void> {
    res.render('wiki/global-permissions', await this.screen({ kind: 'group' }));
  }

  @Post()
  async grantUse(@Body() body: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const granted = await this.permissions.grantUse(viewerFrom(req), body);
      setFlash(req, `${granted.label} can use Atrium.`);
      res.redirect(303, '/admin/permissions');
    } catch (error) {
      renderFormError(res, error, 'wiki/global-permissions', await this.screen({ kind: body.kind, name: body.name }));
    }
  }

  @Post('remove')
  async revokeUse(@Body() body: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const revoked = await this.permissions.revokeUse(viewerFrom(req), body);
      setFlash(req, `${revoked.label} no longer has "can use".`);
      res.redirect(303, '/admin/permissions');
    } catch (error) {
      renderFormError(res, error, 'wiki/global-permissions', await this.screen({ kind: 'group' }));
    }
  }

  private async screen(values: Form) {
    return {
      title: 'Global permissions',
      section: 'permissions',
      grants: await this.permissions.listUseGrants(),
      adminsGroup: ADMINS_GROUP,
      values: { ...values, isUser: values.kind === 'user' },
    };
  }
}
