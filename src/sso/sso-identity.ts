import type { IdpSettings } from './idp-settings.js';
import { NAME_ID } from './idp-settings.js';

/** What an IdP asserted about the person, after the response was verified. */
export interface SsoIdentity {
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  attributes: Record<string, string[]>;
}

export const ENTRA_GROUPS_OVERAGE = 'http://schemas.microsoft.com/claims/groups.link';

/** node-saml gives a string, an array, or an object for complex values; keep strings. */
export function normaliseAttributes(raw: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    out[name] = values.map((v) => v.trim()).filter(Boolean);
  }
  return out;
}

export function firstValue(identity: SsoIdentity, attribute: string | null): string | null {
  if (!attribute) return null;
  if (attribute === NAME_ID) return identity.nameId || null;
  return identity.attributes[attribute]?.[0] ?? null;
}

/** The value used to find the account on first login, after the optional "before @" transform. */
export function loginValue(identity: SsoIdentity, settings: IdpSettings): string | null {
  const value = firstValue(identity, settings.loginAttribute);
  if (!value) return null;
  return settings.stripDomain && value.includes('@') ? value.slice(0, value.indexOf('@')) : value;
}

/** Full name from displayname, else given name and surname. */
export function fullNameOf(identity: SsoIdentity, settings: IdpSettings): string | null {
  const display = firstValue(identity, settings.displayNameAttribute);
  if (display) return display;
  const parts = [firstValue(identity, settings.givenNameAttribute), firstValue(identity, settings.surnameAttribute)];
  const joined = parts.filter(Boolean).join(' ');
  return joined || null;
}
