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
    /**
     * The signed-in user as the session's own query read it (SessionUserStore); never stored.
     * Saves every signed-in request a second round trip for the user.
     */
    loadedUser?: UserSummary | null;
    /** SessionUserColumns' values for that user, by name (empty when no user); never stored. */
    loadedColumns?: Record<string, unknown>;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User extends UserSummary {}
  }
}
