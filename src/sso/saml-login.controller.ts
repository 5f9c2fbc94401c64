import { Body, Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public, SkipCsrf } from '../common/access.decorators.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { NoAccountRefusal } from './account-linking.service.js';
import { IdpRegistryService } from './idp-registry.service.js';
import { SamlLoginService } from './saml/saml-login.service.js';
import { SamlLogoutService } from './saml/saml-logout.service.js';
import { SamlRefusal } from './saml/saml-refusal.js';

/**
 * The Kantega-compatible URL contract. The IdP is bound to the URL's <uniqueid>, never to
 * RelayState: GET starts SP-initiated login, POST is the ACS for both flows.
 */
@Controller('plugins/servlet/no.kantega.saml/sp/:uniqueId')
export class SamlLoginController {
  constructor(
    private readonly registry: IdpRegistryService,
    private readonly logins: SamlLoginService,
    private readonly logouts: SamlLogoutService,
    private readonly sessions: SessionsService,
  ) {}

  @Public()
  @Get('login')
  async startLogin(@Param('uniqueId') uniqueId: string, @Query('next') next: unknown, @Res() res: Response) {
    const idp = await this.registry.findForLogin(uniqueId);
    if (!idp?.enabled) throw new NotFoundException('There is no enabled identity provider at this address.');
    res.redirect(302, await this.logins.startLogin(idp, next));
  }

  @Public()
  @SkipCsrf()
  @Post('login')
  async receiveResponse(
    @Param('uniqueId') uniqueId: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const idp = await this.registry.findForLogin(uniqueId);
    if (!idp) throw new NotFoundException('There is no identity provider at this address.');
    try {
      const done = await this.logins.completeLogin(idp, body ?? {});
      await this.sessions.startSession(req, done.user.id, {
        idp: idp.uniqueId,
        nameId: done.identity.nameId,
        nameIdFormat: done.identity.nameIdFormat,
        sessionIndex: done.identity.sessionIndex,
      });
      res.redirect(303, done.redirectTo);
    } catch (error) {
      if (error instanceof NoAccountRefusal) {
        res.status(403).render('sso/no-account', { title: 'No account', bare: true, account: error.account, idp: idp.name });
        return;
      }
      if (error instanceof SamlRefusal) {
        res.status(403).render('sso/login-failed', { title: 'Single sign-on failed', bare: true, idp: idp.name, now: new Date().toISOString() });
        return;
      }
      throw error;
    }
  }

  @Public()
  @Get('metadata')
  async showMetadata(@Param('uniqueId') uniqueId: string, @Res() res: Response): Promise<void> {
    const idp = await this.registry.findByUniqueId(uniqueId);
    if (!idp) throw new NotFoundException('There is no identity provider at this address.');
    res.type('application/samlmetadata+xml').send(this.logins.spMetadata(idp));
  }

  @Public()
  @Get('logout')
  async handleLogout(@Param('uniqueId') uniqueId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const idp = await this.registry.findByUniqueId(uniqueId);
    if (!idp) throw new NotFoundException('There is no identity provider at this address.');
    try {
      res.redirect(302, await this.logouts.handleRedirect(idp, req));
    } catch (error) {
      if (!(error instanceof SamlRefusal)) throw error;
      res.status(400).render('sso/login-failed', {
        title: 'Logout failed',
        bare: true,
        idp: idp.name,
        logout: true,
        now: new Date().toISOString(),
      });
    }
  }
}
