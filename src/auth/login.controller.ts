import { Controller, Get, HttpException, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../common/access.decorators.js';
import { safeRedirectPath } from '../common/safe-redirect.js';
import { AuthService } from './auth.service.js';
import { LOGIN_ERROR, LocalLoginGuard } from './local-login.guard.js';

const BAD_CREDENTIALS = 'The username or password is incorrect.';

@Controller()
export class LoginController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Get('login')
  showLogin(@Req() req: Request, @Res() res: Response, @Query('next') next?: string): void {
    const target = safeRedirectPath(next);
    if (req.user) return res.redirect(303, target);
    res.render('auth/login', { title: 'Log in', next: target, bare: true });
  }

  @Public()
  @Post('login')
  @UseGuards(LocalLoginGuard)
  async logIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const next = safeRedirectPath(req.body?.next);
    if (!req.user) {
      const error = (req as unknown as Record<string, unknown>)[LOGIN_ERROR];
      const refused = error instanceof HttpException && error.getStatus() === 429;
      if (error && !refused) throw error;
      const username = typeof req.body?.username === 'string' ? req.body.username.slice(0, 255) : '';
      res.status(refused ? 429 : 401).render('auth/login', {
        title: 'Log in',
        next,
        username,
        error: refused ? (error as HttpException).message : BAD_CREDENTIALS,
        bare: true,
      });
      return;
    }
    await this.auth.startSession(req, req.user);
    res.redirect(303, next);
  }

  @Public()
  @Post('logout')
  async logOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.auth.endSession(req);
    res.redirect(303, '/login');
  }
}
