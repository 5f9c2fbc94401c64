import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SessionsService } from '../../sessions/sessions.service.js';
import type { IdentityProvider } from '../identity-provider.js';
import { SsoTraceService } from '../sso-trace.service.js';
import { SamlLoginService } from './saml-login.service.js';
import { SamlRefusal } from './saml-refusal.js';

/** What the session remembers of an SSO login, for Single Logout. */
export interface SsoSessionInfo {
  idp: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
}

/** SAML Single Logout over HTTP-Redirect, in both directions. */
@Injectable()
export class SamlLogoutService {
  constructor(
    private readonly logins: SamlLoginService,
    private readonly sessions: SessionsService,
    private readonly trace: SsoTraceService,
  ) {}

  /** The IdP URL with our LogoutRequest, or null when the IdP has no SLO URL. */
  async logoutUrl(idp: IdentityProvider, info: SsoSessionInfo): Promise<string | null> {
    if (!idp.sloUrl || !idp.enabled) return null;
    const url = await this.logins.client(idp).getLogoutUrlAsync(
      {
        issuer: idp.entityId,
        nameID: info.nameId,
        nameIDFormat: info.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        ...(info.sessionIndex ? { sessionIndex: info.sessionIndex } : {}),
      },
      '/login',
      {},
    );
    await this.trace.record(idp.id, { flow: 'logout', outcome: 'info', reason: 'sent LogoutRequest', nameId: info.nameId });
    return url;
  }

  /**
   * Handles a LogoutRequest or LogoutResponse from the IdP. A request ends every session
   * the named user has; the answer is the URL to send the browser to.
   */
  async handleRedirect(idp: IdentityProvider, req: Request): Promise<string> {
    const originalQuery = req.originalUrl.split('?')[1] ?? '';
    let result;
    try {
      // node-saml accepts a redirect message without a Signature; a LogoutRequest ends sessions,
      // so it must be signed by the IdP.
      if (req.query.SAMLRequest && !req.query.Signature) throw new Error('the LogoutRequest is not signed');
      result = await this.logins.client(idp).validateRedirectAsync(req.query as Record<string, string>, originalQuery);
    } catch (error) {
      const reason = `logout message refused: ${(error as Error).message}`;
      await this.trace.record(idp.id, { flow: 'logout', outcome: 'failure', reason });
      throw new SamlRefusal(reason);
    }
    // node-saml sets loggedOut for both message kinds; only a LogoutRequest carries a profile.
    if (!result.profile) {
      await this.trace.record(idp.id, { flow: 'logout', outcome: 'success', reason: 'LogoutResponse received' });
      return '/login?loggedout';
    }
    const profile = result.profile;
    const ended = await this.sessions.endSsoSessions(idp.uniqueId, profile.nameID);
    await this.trace.record(idp.id, {
      flow: 'logout',
      outcome: 'success',
      reason: `LogoutRequest from ${idp.name}: ended ${ended} session(s)`,
      nameId: profile.nameID,
    });
    const relay = typeof req.query.RelayState === 'string' ? req.query.RelayState : '';
    return this.logins.client(idp).getLogoutResponseUrlAsync(profile, relay, {}, true);
  }
}
