/** Who a permission, restriction or grant names: a group, or a user. */
export type SubjectKind = 'group' | 'user';

export interface PermissionSubject {
  kind: SubjectKind;
  /** Group name or username, as stored. */
  name: string;
  /** How screens show it: the group name, or "Full Name (username)". */
  label: string;
  groupId: number | null;
  userId: string | null;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The group (names are stored in lower case) or user (any case) a form names, or null. Used by
 * space permissions, page restrictions and global permissions, inside their transaction when given.
 */
export async function findSubject(db: Queryable, kind: SubjectKind, name: string): Promise<PermissionSubject | null> {
  if (kind === 'group') {
    const [row] = (await db.query(`SELECT id, name FROM groups WHERE name = lower($1)`, [name])) as { id: number; name: string }[];
    return row ? { kind, name: row.name, label: row.name, groupId: row.id, userId: null } : null;
  }
  const [row] = (await db.query(`SELECT id, username, full_name AS "fullName" FROM users WHERE lower(username) = lower($1)`, [name])) as {
    id: string;
    username: string;
    fullName: string;
  }[];
  return row ? { kind, name: row.username, label: `${row.fullName} (${row.username})`, groupId: null, userId: row.id } : null;
}

export function noSuchSubject(kind: SubjectKind, name: string): string {
  return `No ${kind} named "${name}".`;
}
