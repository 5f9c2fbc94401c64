import { Injectable } from '@nestjs/common';
import { AddonSettingsService } from '../addons/addon-settings.service.js';
import { safeRedirectPath } from '../common/safe-redirect.js';
import { AccountLinkingService } from './account-linking.service.js';
import { SAML_PATH, type IdentityProvider } from './identity-provider.js';
import { IdpRegistryService } from './idp-registry.service.js';
import { DEFAULT_SSO_SETTINGS, SSO_ADDON_KEY, type SsoSettings } from './sso-settings.js';

export interface SsoButton {
  name: string;
  url: string;
}

/** What the login page offers: IdP buttons, domain discovery, redirect mode. */
@Injectable()
export class SsoLoginOptionsService {
  constructor(
    private readonly registry: IdpRegistryService,
    private readonly settings: AddonSettingsService,
    private readonly linking: AccountLinkingService,
  ) {}

  ssoSettings(): Promise<SsoSettings> {
    return this.settings.getSettings(SSO_ADDON_KEY, DEFAULT_SSO_SETTINGS);
  }

  /** The SP-initiated login URL of an IdP, carrying the page wanted after login. */
  loginUrl(idp: Pick<IdentityProvider, 'uniqueId'>, next: unknown): string {
    const target = safeRedirectPath(next, '');
    return `${SAML_PATH}/${idp.uniqueId}/login${target ? `?next=${encodeURIComponent(target)}` : ''}`;
  }

  async buttons(next: unknown): Promise<SsoButton[]> {
    const idps = await this.registry.listIdps();
    return idps.filter((i) => i.enabled).map((i) => ({ name: i.name, url: this.loginUrl(i, next) }));
  }

  /** In redirect mode, where an anonymous visitor of /login goes instead of the form. */
  async redirectTarget(next: unknown): Promise<string | null> {
    const settings = await this.ssoSettings();
    if (!settings.redirectMode || !settings.defaultIdp) return null;
    const idp = await this.registry.findByUniqueId(settings.defaultIdp);
    return idp?.enabled ? this.loginUrl(idp, next) : null;
  }

  /** someone@contoso.com goes to the IdP whose Known domains list contoso.com. */
  async discover(identifier: string, next: unknown): Promise<string | null> {
    if (!identifier.includes('@')) return null;
    const idp = await this.registry.findByDomain(identifier);
    return idp ? this.loginUrl(idp, next) : null;
  }

  async passwordLoginAllowed(userId: string): Promise<boolean> {
    const settings = await this.ssoSettings();
    return !settings.disablePasswordForSsoUsers || !(await this.linking.hasLink(userId));
  }
}
