import { DEFAULT_IDP_SETTINGS, type IdpSettings } from './idp-settings.js';

export type PresetKey = 'entra' | 'adfs' | 'okta' | 'google' | 'generic';

export interface IdpPreset {
  key: PresetKey;
  label: string;
  /** Suggested "Identity provider name". */
  defaultName: string;
  settings: IdpSettings;
}

const XMLSOAP = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
const MS = 'http://schemas.microsoft.com/identity/claims';

/** The "Add identity provider" choices; each fills in attribute mappings and signing expectations. */
export const IDP_PRESETS: IdpPreset[] = [
  {
    key: 'entra',
    label: 'Microsoft Entra ID',
    defaultName: 'Microsoft Entra ID',
    settings: {
      ...DEFAULT_IDP_SETTINGS,
      // NameID is the UPN. Entra signs only the assertion by default.
      subjectAttribute: `${MS}/objectidentifier`,
      emailAttribute: `${XMLSOAP}/emailaddress`,
      displayNameAttribute: `${MS}/displayname`,
      givenNameAttribute: `${XMLSOAP}/givenname`,
      surnameAttribute: `${XMLSOAP}/surname`,
      groupsAttribute: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
      signing: 'assertion',
    },
  },
  {
    key: 'adfs',
    label: 'AD FS',
    defaultName: 'AD FS',
    settings: {
      ...DEFAULT_IDP_SETTINGS,
      emailAttribute: `${XMLSOAP}/emailaddress`,
      displayNameAttribute: `${XMLSOAP}/name`,
      givenNameAttribute: `${XMLSOAP}/givenname`,
      surnameAttribute: `${XMLSOAP}/surname`,
      groupsAttribute: 'http://schemas.xmlsoap.org/claims/Group',
      signing: 'assertion',
    },
  },
  {
    key: 'okta',
    label: 'Okta',
    defaultName: 'Okta',
    settings: {
      ...DEFAULT_IDP_SETTINGS,
      emailAttribute: 'email',
      displayNameAttribute: null,
      givenNameAttribute: 'firstName',
      surnameAttribute: 'lastName',
      groupsAttribute: 'groups',
    },
  },
  {
    key: 'google',
    label: 'Google Workspace',
    defaultName: 'Google Workspace',
    settings: {
      ...DEFAULT_IDP_SETTINGS,
      // Google's NameID is the primary email; extra attributes are whatever the admin maps.
      emailAttribute: 'email',
      displayNameAttribute: null,
      givenNameAttribute: 'firstName',
      surnameAttribute: 'lastName',
      groupsAttribute: 'groups',
    },
  },
  {
    key: 'generic',
    label: 'Generic SAML 2.0',
    defaultName: 'SAML identity provider',
    settings: { ...DEFAULT_IDP_SETTINGS },
  },
];

export function findPreset(key: unknown): IdpPreset | undefined {
  return IDP_PRESETS.find((p) => p.key === key);
}
