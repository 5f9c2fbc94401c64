import { UserInputError } from '../users/user-input.error.js';
import type { IdpSettings, MatchTarget, SigningRequirement } from './idp-settings.js';

const SIGNING: SigningRequirement[] = ['assertion', 'response', 'either', 'both'];
const MATCH: MatchTarget[] = ['username', 'email', 'username-or-email'];
const MAX_TEXT = 1024;

/** Accepts form strings ("on", "true") and JSON booleans. */
function toBool(value: unknown): boolean {
  return value === true || value === 'true' || value === 'on' || value === '1';
}

/** "a, b ,c" or ["a","b"] → ["a","b","c"] without blanks or duplicates. */
export function toList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,\n]/) : [];
  return [...new Set(items.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean))];
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/**
 * Merges a partial update (form fields or JSON) onto `base`, checking each field.
 * Only keys present in `input` change.
 */
export function mergeIdpSettings(base: IdpSettings, input: Record<string, unknown>): IdpSettings {
  const out: IdpSettings = { ...base };
  const errors: Record<string, string> = {};
  const has = (k: keyof IdpSettings) => Object.prototype.hasOwnProperty.call(input, k);

  for (const key of ['loginAttribute'] as const) {
    if (has(key)) {
      const v = optionalText(input[key]);
      if (!v || v.length > MAX_TEXT) errors[key] = 'Enter the attribute to match on, or NameID.';
      else out[key] = v;
    }
  }
  for (const key of [
    'subjectAttribute',
    'emailAttribute',
    'displayNameAttribute',
    'givenNameAttribute',
    'surnameAttribute',
    'groupsAttribute',
    'requestedAuthnContext',
    'nameIdFormat',
  ] as const) {
    if (has(key)) {
      const v = optionalText(input[key]);
      if (v && v.length > MAX_TEXT) errors[key] = `At most ${MAX_TEXT} characters.`;
      else out[key] = v;
    }
  }
  for (const key of [
    'stripDomain',
    'createUsers',
    'updateProfileOnLogin',
    'groupSync',
    'allowSha1',
    'signRequests',
    'encryptAssertions',
  ] as const) {
    if (has(key)) out[key] = toBool(input[key]);
  }
  if (has('matchAgainst')) {
    if (MATCH.includes(input.matchAgainst as MatchTarget)) out.matchAgainst = input.matchAgainst as MatchTarget;
    else errors.matchAgainst = 'Choose username, email, or username or email.';
  }
  if (has('signing')) {
    if (SIGNING.includes(input.signing as SigningRequirement)) out.signing = input.signing as SigningRequirement;
    else errors.signing = 'Choose which signature is required: assertion, response, either or both.';
  }
  if (has('clockSkewSeconds')) {
    const n = Number(input.clockSkewSeconds);
    if (!Number.isInteger(n) || n < 0 || n > 3600) errors.clockSkewSeconds = 'Clock skew must be 0 to 3600 seconds.';
    else out.clockSkewSeconds = n;
  }
  if (has('createUserGroups')) out.createUserGroups = toList(input.createUserGroups).map((g) => g.toLowerCase());
  if (has('extraAudiences')) out.extraAudiences = toList(input.extraAudiences);
  if (has('groupMappings')) {
    const raw = input.groupMappings;
    // Form: one "claim = group" per line; JSON: [{ claim, group }].
    const pairs = Array.isArray(raw)
      ? raw.map((m) => [String((m as { claim?: unknown }).claim ?? ''), String((m as { group?: unknown }).group ?? '')])
      : toList(typeof raw === 'string' ? raw.replace(/,/g, '\n') : '').map((line) => line.split('='));
    const mappings = pairs.map(([claim, group]) => ({ claim: (claim ?? '').trim(), group: (group ?? '').trim().toLowerCase() }));
    if (mappings.some((m) => !m.claim || !m.group)) {
      errors.groupMappings = 'Write each mapping as "IdP group = Atrium group", one per line.';
    } else out.groupMappings = mappings;
  }
  if (Object.keys(errors).length) throw new UserInputError(errors);
  return out;
}
