import { ADMINS_GROUP } from './group.entity.js';
import type { GroupSummary } from './groups.service.js';
import type { UserPage, UserSummary } from './user-summary.js';

function formatDate(date: Date | null): string {
  return date ? new Date(date).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'Never';
}

export function presentUser(user: UserSummary) {
  return {
    ...user,
    groupList: user.groups.join(', '),
    isAdmin: user.groups.includes(ADMINS_GROUP),
    created: formatDate(user.createdAt),
    lastLogin: formatDate(user.lastLoginAt),
    status: user.active ? 'Active' : 'Deactivated',
  };
}

/** Display values for the User management list, including pagination links. */
export function presentUserPage(page: UserPage, q: string) {
  const link = (n: number) => `/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(n) })}`;
  return {
    q,
    users: page.users.map(presentUser),
    total: page.total,
    page: page.page,
    pages: page.pages,
    prev: page.page > 1 ? link(page.page - 1) : null,
    next: page.page < page.pages ? link(page.page + 1) : null,
  };
}

/** Checkbox rows for a user's group memberships. */
export function presentGroupChoices(groups: GroupSummary[], user: UserSummary) {
  return groups.map((g) => ({ name: g.name, checked: user.groups.includes(g.name) }));
}
