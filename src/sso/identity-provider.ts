import type { PresetKey } from './idp-presets.js';
import type { IdpSettings } from './idp-settings.js';

export interface IdentityProvider {
  id: number;
  uniqueId: string;
  name: string;
  preset: PresetKey;
  enabled: boolean;
  entityId: string;
  ssoUrl: string;
  sloUrl: string | null;
  /** Base64 DER signing certificates from metadata or entered by hand. */
  certificates: string[];
  metadataUrl: string | null;
  metadataRefreshedAt: Date | null;
  settings: IdpSettings;
  spPrivateKey: string | null;
  spCertificate: string | null;
  knownDomains: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const SAML_PATH = '/plugins/servlet/no.kantega.saml/sp';

/** The App ID URI: SP entity ID, Identifier, Reply URL (ACS) and Sign-on URL all at once. */
export function appIdUri(baseUrl: string, uniqueId: string): string {
  return `${baseUrl}${SAML_PATH}/${uniqueId}/login`;
}

export function spMetadataUrl(baseUrl: string, uniqueId: string): string {
  return `${baseUrl}${SAML_PATH}/${uniqueId}/metadata`;
}

export function spLogoutUrl(baseUrl: string, uniqueId: string): string {
  return `${baseUrl}${SAML_PATH}/${uniqueId}/logout`;
}
