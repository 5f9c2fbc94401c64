/** What screens, sessions and the REST API need to know about a user. */
export interface UserSummary {
  id: string;
  username: string;
  fullName: string;
  email: string;
  active: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  groups: string[];
}

export interface UserPage {
  users: UserSummary[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

// One query: the user row plus an array of group names, never a query per user.
export const USER_SUMMARY_SELECT = `
  SELECT u.id, u.username, u.full_name AS "fullName", u.email, u.active,
         u.created_at AS "createdAt", u.last_login_at AS "lastLoginAt",
         COALESCE((SELECT array_agg(g.name ORDER BY g.name)
                     FROM user_groups ug JOIN groups g ON g.id = ug.group_id
                    WHERE ug.user_id = u.id), '{}') AS groups
    FROM users u`;
