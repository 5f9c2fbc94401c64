import type { IdpDraft } from '../sso/idp-wizard.service.js';
import type { SsoSessionInfo } from '../sso/saml/saml-logout.service.js';
import type { UserSummary } from '../users/user-summary.js';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    loginAt?: number;
    flash?: string;
    /** Set when the session began with SAML SSO; used for Single Logout. */
    sso?: SsoSessionInfo;
    idpDraft?: IdpDraft;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User extends UserSummary {}
  }
}

export {};
