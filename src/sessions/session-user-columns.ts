import { Injectable } from '@nestjs/common';

/** SQL naming the signed-in user, for the columns read with their session. */
export interface SessionUserSql {
  /** The user's id (a uuid). */
  userId: string;
  /** Whether the user is in confluence-administrators (a boolean). */
  isAdmin: string;
}

const COLUMN_NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;
export const SESSION_COLUMN_PREFIX = 'x:';

/**
 * Values about the signed-in user that other modules need on most requests (the header's unread
 * count), each a scalar SQL expression read by the session's own query (SessionUserStore), so that
 * none costs a round trip of its own. Modules register while the app initialises; the list is
 * fixed when the first session is read.
 */
@Injectable()
export class SessionUserColumns {
  private readonly columns = new Map<string, (user: SessionUserSql) => string>();
  private fixed = false;

  register(name: string, sql: (user: SessionUserSql) => string): void {
    if (this.fixed) throw new Error(`Session column "${name}" was registered after the first session was read`);
    if (!COLUMN_NAME.test(name) || this.columns.has(name)) throw new Error(`Bad or repeated session column name "${name}"`);
    this.columns.set(name, sql);
  }

  /** The select-list entries, each named with SESSION_COLUMN_PREFIX; NULL when no user is signed in. */
  selectList(user: SessionUserSql): string[] {
    this.fixed = true;
    return [...this.columns].map(
      ([name, sql]) => `CASE WHEN ${user.userId} IS NOT NULL THEN (${sql(user)}) END AS "${SESSION_COLUMN_PREFIX}${name}"`,
    );
  }
}
