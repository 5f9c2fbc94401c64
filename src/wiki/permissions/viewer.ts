import { ADMINS_GROUP } from '../../users/group.entity.js';
import type { UserSummary } from '../../users/user-summary.js';

/** Who is asking: a signed-in user, or an anonymous visitor (userId null). */
export interface Viewer {
  userId: string | null;
  /** Members of confluence-administrators see and manage everything. */
  isAdmin: boolean;
}

export function viewerOf(user: UserSummary | null | undefined): Viewer {
  return user ? { userId: user.id, isAdmin: user.groups.includes(ADMINS_GROUP) } : { userId: null, isAdmin: false };
}

export const SPACE_PERMISSIONS = ['view', 'edit', 'comment', 'attach', 'delete', 'admin'] as const;
export type SpacePermission = (typeof SPACE_PERMISSIONS)[number];
