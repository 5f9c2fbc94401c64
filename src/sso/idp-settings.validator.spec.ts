import { UserInputError } from '../users/user-input.error.js';
import { findPreset } from './idp-presets.js';
import { DEFAULT_IDP_SETTINGS, type IdpSettings } from './idp-settings.js';
import { mergeIdpSettings, toList } from './idp-settings.validator.js';
import { DEFAULT_SSO_SETTINGS, parseSsoSettings } from './sso-settings.js';

function settings(overrides: Partial<IdpSettings> = {}): IdpSettings {
  return { ...DEFAULT_IDP_SETTINGS, ...overrides };
}

function fieldErrors(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserInputError) return error.fieldErrors;
    throw error;
  }
  throw new Error('expected a UserInputError');
}

describe('Entra preset', () => {
  it('expects only the assertion signed, NameID as UPN and Entra claim URIs', () => {
    const s = findPreset('entra')!.settings;
    expect(s.signing).toBe('assertion');
    expect(s.loginAttribute).toBe('NameID');
    expect(s.subjectAttribute).toBe('http://schemas.microsoft.com/identity/claims/objectidentifier');
    expect(s.emailAttribute).toBe('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress');
    expect(s.groupsAttribute).toBe('http://schemas.microsoft.com/ws/2008/06/identity/claims/groups');
    expect(s.clockSkewSeconds).toBe(180);
    expect(s.allowSha1).toBe(false);
  });
});

describe('mergeIdpSettings', () => {
  it('changes only the keys given, reading form booleans and lists', () => {
    const merged = mergeIdpSettings(settings(), {
      createUsers: 'on',
      createUserGroups: 'Wiki-Editors, staff ,',
      extraAudiences: 'spn:1234\nspn:5678',
      clockSkewSeconds: '60',
    });
    expect(merged.createUsers).toBe(true);
    expect(merged.createUserGroups).toEqual(['wiki-editors', 'staff']);
    expect(merged.extraAudiences).toEqual(['spn:1234', 'spn:5678']);
    expect(merged.clockSkewSeconds).toBe(60);
    expect(merged.signing).toBe(DEFAULT_IDP_SETTINGS.signing);
  });

  it('reads group mappings as lines or JSON', () => {
    expect(mergeIdpSettings(settings(), { groupMappings: 'Staff = Wiki-Staff\nabc-123=editors' }).groupMappings).toEqual([
      { claim: 'Staff', group: 'wiki-staff' },
      { claim: 'abc-123', group: 'editors' },
    ]);
    expect(mergeIdpSettings(settings(), { groupMappings: [{ claim: 'x', group: 'Y' }] }).groupMappings).toEqual([
      { claim: 'x', group: 'y' },
    ]);
  });

  it('refuses bad values with one message per field', () => {
    const errors = fieldErrors(() =>
      mergeIdpSettings(settings(), {
        signing: 'none',
        matchAgainst: 'phone',
        clockSkewSeconds: '-5',
        loginAttribute: '',
        groupMappings: 'no equals sign',
      }),
    );
    expect(Object.keys(errors).sort()).toEqual(['clockSkewSeconds', 'groupMappings', 'loginAttribute', 'matchAgainst', 'signing']);
  });

  it('toList drops blanks and duplicates', () => {
    expect(toList(' a, b,,a \n c')).toEqual(['a', 'b', 'c']);
    expect(toList(undefined)).toEqual([]);
  });
});

describe('parseSsoSettings', () => {
  it('needs a default IdP for redirect mode, and an existing one', () => {
    expect(fieldErrors(() => parseSsoSettings({ redirectMode: 'true' }, DEFAULT_SSO_SETTINGS, ['a']))).toHaveProperty('defaultIdp');
    expect(fieldErrors(() => parseSsoSettings({ defaultIdp: 'zzz' }, DEFAULT_SSO_SETTINGS, ['a']))).toHaveProperty('defaultIdp');
    expect(parseSsoSettings({ redirectMode: true, defaultIdp: 'a' }, DEFAULT_SSO_SETTINGS, ['a'])).toEqual({
      ...DEFAULT_SSO_SETTINGS,
      redirectMode: true,
      defaultIdp: 'a',
    });
  });
});
