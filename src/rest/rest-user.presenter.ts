import type { UserSummary } from '../users/user-summary.js';

export type RestUserFields = Pick<UserSummary, 'id' | 'username' | 'fullName' | 'email'>;

const PROFILE_PICTURE = {
  path: '/images/icons/profilepics/default.svg',
  width: 48,
  height: 48,
  isDefault: true,
};

/** Confluence Server REST API v1 user shape; email only for the user themself. */
export function presentRestUser(user: RestUserFields, baseUrl: string, self: boolean) {
  return {
    type: 'known',
    username: user.username,
    userKey: user.id,
    profilePicture: PROFILE_PICTURE,
    displayName: user.fullName,
    ...(self ? { email: user.email } : {}),
    _links: {
      base: baseUrl,
      context: '',
      self: `${baseUrl}/rest/api/user?key=${encodeURIComponent(user.id)}`,
    },
    _expandable: { status: '' },
  };
}

/** A deleted author, as Confluence shows content whose creator no longer exists. */
export function presentAnonymousUser() {
  return { type: 'anonymous', profilePicture: PROFILE_PICTURE, displayName: 'Anonymous', _expandable: {} };
}
