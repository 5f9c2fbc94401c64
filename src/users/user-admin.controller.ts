import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../common/access.decorators.js';
import { setFlash } from '../common/flash.js';
import { renderFormError } from '../common/form-errors.js';
import { GroupsService } from './groups.service.js';
import { presentGroupChoices, presentUser, presentUserPage } from './user-admin.presenter.js';
import { UserInputError } from './user-input.error.js';
import { text } from './user-rules.js';
import { UsersService } from './users.service.js';

type Form = Record<string, unknown>;
const uuid = new ParseUUIDPipe({ version: undefined });

@Controller('admin')
@Roles('admin')
export class UserAdminController {
  constructor(
    private readonly users: UsersService,
    private readonly groups: GroupsService,
  ) {}

  @Get()
  showConsole(@Res() res: Response): void {
    res.redirect(303, '/admin/users');
  }

  @Get('users')
  async listUsers(@Res() res: Response, @Query('q') q?: string, @Query('page') page?: string): Promise<void> {
    const query = typeof q === 'string' ? q : '';
    const result = await this.users.searchUsers({ q: query, page: Number(page) || 1 });
    res.render('users/list', { title: 'User management', tab: 'users', ...presentUserPage(result, query) });
  }

  @Get('users/add')
  showAddUser(@Res() res: Response): void {
    res.render('users/add', { title: 'Add Users', tab: 'add', values: {} });
  }

  @Post('users/add')
  async addUser(@Body() body: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const user = await this.users.createUser(body, { requirePassword: true, actorId: req.user?.id ?? null, via: 'Add Users' });
      setFlash(req, `User ${user.username} was added.`);
      res.redirect(303, `/admin/users/${user.id}`);
    } catch (error) {
      const values = { username: text(body.username), fullName: text(body.fullName), email: text(body.email) };
      renderFormError(res, error, 'users/add', { title: 'Add Users', tab: 'add', values });
    }
  }

  @Get('users/:id')
  async showUser(@Param('id', uuid) id: string, @Res() res: Response): Promise<void> {
    await this.renderUser(res, id, {});
  }

  @Post('users/:id/profile')
  async updateProfile(@Param('id', uuid) id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    try {
      await this.users.updateProfile(id, body);
      this.done(req, res, id, 'Details saved.');
    } catch (error) {
      await this.renderUserError(res, id, error, { fullName: text(body.fullName), email: text(body.email) });
    }
  }

  @Post('users/:id/groups')
  async updateGroups(@Param('id', uuid) id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const raw = body.groups;
    const list = Array.isArray(raw) ? raw : raw === undefined || raw === '' ? [] : [raw];
    try {
      // Checkbox values are strings; anything else is a forged form, not "no groups".
      if (!list.every((n): n is string => typeof n === 'string')) {
        throw new UserInputError({ groups: 'The group list is not valid.' });
      }
      await this.groups.setUserGroups(id, list, req.user?.id ?? null);
      this.done(req, res, id, 'Groups saved.');
    } catch (error) {
      await this.renderUserError(res, id, error, {});
    }
  }

  @Post('users/:id/password')
  async setPassword(@Param('id', uuid) id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    try {
      await this.users.setPassword(id, body.password, body.confirmPassword);
      this.done(req, res, id, 'Password changed.');
    } catch (error) {
      await this.renderUserError(res, id, error, {});
    }
  }

  @Post('users/:id/deactivate')
  async deactivateUser(@Param('id', uuid) id: string, @Req() req: Request, @Res() res: Response) {
    try {
      await this.users.setActive(id, false, req.user?.id ?? null);
      this.done(req, res, id, 'User deactivated; their sessions have ended.');
    } catch (error) {
      await this.renderUserError(res, id, error, {});
    }
  }

  @Post('users/:id/reactivate')
  async reactivateUser(@Param('id', uuid) id: string, @Req() req: Request, @Res() res: Response) {
    await this.users.setActive(id, true, req.user?.id ?? null);
    this.done(req, res, id, 'User reactivated.');
  }

  private done(req: Request, res: Response, id: string, message: string): void {
    setFlash(req, message);
    res.redirect(303, `/admin/users/${id}`);
  }

  private async renderUser(res: Response, id: string, values: Form): Promise<void> {
    res.render('users/edit', await this.userView(id, values));
  }

  private async renderUserError(res: Response, id: string, error: unknown, values: Form): Promise<void> {
    renderFormError(res, error, 'users/edit', await this.userView(id, values));
  }

  private async userView(id: string, values: Form): Promise<Form> {
    const user = await this.users.requireUser(id);
    const groups = await this.groups.listGroups();
    return {
      title: `User ${user.username}`,
      tab: 'users',
      user: presentUser(user),
      values: { fullName: user.fullName, email: user.email, ...values },
      groupChoices: presentGroupChoices(groups, user),
    };
  }
}
