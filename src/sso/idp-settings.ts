/** Which signatures an IdP's responses must carry. */
export type SigningRequirement = 'assertion' | 'response' | 'either' | 'both';
/** What the login attribute is matched against when an account is first linked. */
export type MatchTarget = 'username' | 'email' | 'username-or-email';

export const NAME_ID = 'NameID';

export interface GroupMapping {
  /** A group name or object ID as the IdP sends it. */
  claim: string;
  /** The Atrium group it grants. */
  group: string;
}

/** Per-IdP behaviour, stored as JSON on identity_providers.settings. */
export interface IdpSettings {
  loginAttribute: string;
  matchAgainst: MatchTarget;
  stripDomain: boolean;
  /** Attribute whose value is the stable subject for the link table, e.g. Entra's objectidentifier. */
  subjectAttribute: string | null;
  emailAttribute: string | null;
  displayNameAttribute: string | null;
  givenNameAttribute: string | null;
  surnameAttribute: string | null;
  groupsAttribute: string | null;
  createUsers: boolean;
  createUserGroups: string[];
  updateProfileOnLogin: boolean;
  groupSync: boolean;
  groupMappings: GroupMapping[];
  signing: SigningRequirement;
  allowSha1: boolean;
  clockSkewSeconds: number;
  extraAudiences: string[];
  /** AuthnContextClassRef to request; null sends no RequestedAuthnContext. */
  requestedAuthnContext: string | null;
  nameIdFormat: string | null;
  signRequests: boolean;
  encryptAssertions: boolean;
}

export const DEFAULT_IDP_SETTINGS: IdpSettings = {
  loginAttribute: NAME_ID,
  matchAgainst: 'username-or-email',
  stripDomain: false,
  subjectAttribute: null,
  emailAttribute: 'email',
  displayNameAttribute: 'displayName',
  givenNameAttribute: 'givenName',
  surnameAttribute: 'sn',
  groupsAttribute: 'groups',
  createUsers: false,
  createUserGroups: [],
  updateProfileOnLogin: true,
  groupSync: false,
  groupMappings: [],
  signing: 'either',
  allowSha1: false,
  clockSkewSeconds: 180,
  extraAudiences: [],
  requestedAuthnContext: null,
  nameIdFormat: null,
  signRequests: false,
  encryptAssertions: false,
};
