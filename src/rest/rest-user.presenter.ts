import type { UserSummary } from '../users/user-summary.js';

/** Confluence Server REST API v1 user shape; email only for the user themself. */
export function presentRestUser(user: UserSummary, baseUrl: string, self: boolean) {
  return {
    type: 'known',
    username: user.username,
    userKey: user.id,
    profilePicture: {
      path: '/images/icons/profilepics/default.svg',
      width: 48,
      height: 48,
      isDefault: true,
    },
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
