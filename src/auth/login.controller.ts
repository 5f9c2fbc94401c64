import { Body, Controller, Get, HttpCode, HttpException, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../common/access.decorators.js';
import { safeRedirectPath } from '../common/safe-redirect.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { IdpRegistryService } from '../sso/idp-registry.service.js';
import { SamlLogoutService } from '../sso/saml/saml-logout.service.js';
import { SsoLoginOptionsService } from '../sso/sso-login-options.service.js';
import { AuthService } from './auth.service.js';
import { LOGIN_ERROR, LocalLoginGuard } from './local-login.guard.js';

const BAD_CREDENTIALS = 'The username or password is incorrect.';

function field(value: unknown): string {
  return typeof value === 'string' ? value.trim().slice(0, 255) : '';
}

@Controller()
export class LoginController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly sso: SsoLoginOptionsService,
    private readonly idps: IdpRegistryService,
    private readonly slo: SamlLogoutService,
  ) {}

  /** The password form plus a button per IdP. ?nosso and ?auth_fallback always show the form. */
  @Public()
  @Get('login')
  async showLogin(@Req() req: Request, @Res() res: Response, @Query('next') next?: string): Promise<void> {
    const target = safeRedirectPath(next);
    if (req.user) return res.redirect(303, target);
    const fallback = 'nosso' in req.query || 'auth_fallback' in req.query;
    const redirect = fallback ? null : await this.sso.redirectTarget(target);
    if (redirect) return res.redirect(303, redirect);
    res.render('auth/login', await this.loginView(target, { loggedOut: 'loggedout' in req.query }));
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
      res.status(refused ? 429 : 401).render(
        'auth/login',
        await this.loginView(next, {
          username: field(req.body?.username),
          error: refused ? (error as HttpException).message : BAD_CREDENTIALS,
        }),
      );
      return;
    }
    await this.sessions.startSession(req, req.user.id);
    res.redirect(303, next);
  }

  /** Known-domain discovery: someone@contoso.com goes to the IdP that lists contoso.com. */
  @Public()
  @Post('login/discover')
  @HttpCode(200)
  async discoverIdp(@Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const next = safeRedirectPath(body?.next);
    const identifier = field(body?.identifier);
    const target = identifier ? await this.sso.discover(identifier, next) : null;
    if (target) return res.redirect(303, target);
    res.render(
      'auth/login',
      await this.loginView(next, {
        username: identifier,
        notice: identifier.includes('@') ? 'No single sign-on is set up for this domain; log in with your password.' : undefined,
      }),
    );
  }

  /** Local logout always works; with an IdP that has an SLO URL, the browser goes on to it. */
  @Public()
  @Post('logout')
  async logOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const sso = req.session?.sso;
    const idp = sso ? await this.idps.findByUniqueId(sso.idp) : null;
    const sloUrl = idp && sso ? await this.slo.logoutUrl(idp, sso).catch(() => null) : null;
    await this.auth.endSession(req);
    res.redirect(303, sloUrl ?? '/login?loggedout');
  }

  private async loginView(next: string, extra: Record<string, unknown>) {
    return { title: 'Log in', bare: true, next, ssoButtons: await this.sso.buttons(next), ...extra };
  }
}
