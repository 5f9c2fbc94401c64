import { UserInputError } from '../users/user-input.error.js';

export const SSO_ADDON_KEY = 'saml-sso';

/** Settings of the "SAML single sign-on" add-on as a whole (per-IdP ones live on the IdP). */
export interface SsoSettings {
  /** Anonymous visitors go straight to the default IdP; ?nosso or ?auth_fallback still show the form. */
  redirectMode: boolean;
  defaultIdp: string | null;
  /** Users with an SSO link cannot use the password form. */
  disablePasswordForSsoUsers: boolean;
}

export const DEFAULT_SSO_SETTINGS: SsoSettings = {
  redirectMode: false,
  defaultIdp: null,
  disablePasswordForSsoUsers: false,
};

function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === 'on' || value === '1';
}

/** Validates form or JSON input; `idpIds` are the existing IdPs' unique IDs. */
export function parseSsoSettings(input: Record<string, unknown>, current: SsoSettings, idpIds: string[]): SsoSettings {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
  const next: SsoSettings = {
    redirectMode: has('redirectMode') ? bool(input.redirectMode) : current.redirectMode,
    defaultIdp: has('defaultIdp') ? (typeof input.defaultIdp === 'string' && input.defaultIdp ? input.defaultIdp : null) : current.defaultIdp,
    disablePasswordForSsoUsers: has('disablePasswordForSsoUsers')
      ? bool(input.disablePasswordForSsoUsers)
      : current.disablePasswordForSsoUsers,
  };
  if (next.defaultIdp && !idpIds.includes(next.defaultIdp)) {
    throw new UserInputError({ defaultIdp: 'Choose one of the identity providers.' });
  }
  if (next.redirectMode && !next.defaultIdp) {
    throw new UserInputError({ defaultIdp: 'Redirect mode needs a default identity provider.' });
  }
  return next;
}
