import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../common/access.decorators.js';
import { setFlash } from '../common/flash.js';
import { renderFormError } from '../common/form-errors.js';
import { GroupsService } from './groups.service.js';
import { presentUser } from './user-admin.presenter.js';
import { text } from './user-rules.js';

type Form = Record<string, unknown>;

@Controller('admin/groups')
@Roles('admin')
export class GroupAdminController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  async listGroups(@Res() res: Response): Promise<void> {
    res.render('groups/list', { title: 'Groups', tab: 'groups', groups: await this.groups.listGroups(), values: {} });
  }

  @Post()
  async createGroup(@Body() body: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const group = await this.groups.createGroup(body.name, req.user?.id ?? null);
      setFlash(req, `Group ${group.name} was created.`);
      res.redirect(303, `/admin/groups/${encodeURIComponent(group.name)}`);
    } catch (error) {
      renderFormError(res, error, 'groups/list', {
        title: 'Groups',
        tab: 'groups',
        groups: await this.groups.listGroups(),
        values: { name: text(body.name) },
      });
    }
  }

  @Get(':name')
  async showGroup(@Param('name') name: string, @Res() res: Response): Promise<void> {
    res.render('groups/show', await this.groupView(name, {}));
  }

  @Post(':name/delete')
  async deleteGroup(@Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      await this.groups.deleteGroup(name, req.user?.id ?? null);
      setFlash(req, `Group ${name} was deleted.`);
      res.redirect(303, '/admin/groups');
    } catch (error) {
      renderFormError(res, error, 'groups/show', await this.groupView(name, {}));
    }
  }

  @Post(':name/members')
  async addMember(@Param('name') name: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    try {
      await this.groups.addMember(name, body.username, req.user?.id ?? null);
      setFlash(req, `${text(body.username)} was added to ${name}.`);
      res.redirect(303, `/admin/groups/${encodeURIComponent(name)}`);
    } catch (error) {
      renderFormError(res, error, 'groups/show', await this.groupView(name, { username: text(body.username) }));
    }
  }

  @Post(':name/members/:userId/remove')
  async removeMember(
    @Param('name') name: string,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      await this.groups.removeMember(name, userId, req.user?.id ?? null);
      setFlash(req, `Member removed from ${name}.`);
      res.redirect(303, `/admin/groups/${encodeURIComponent(name)}`);
    } catch (error) {
      renderFormError(res, error, 'groups/show', await this.groupView(name, {}));
    }
  }

  private async groupView(name: string, values: Form): Promise<Form> {
    const members = await this.groups.listMembers(name);
    const group = (await this.groups.findGroup(name))!;
    return {
      title: `Group ${group.name}`,
      tab: 'groups',
      group,
      members: members.map(presentUser),
      truncated: group.members > members.length,
      values,
    };
  }
}
