import connectPgSimple from 'connect-pg-simple';
import session, { type SessionData } from 'express-session';
import type pg from 'pg';
import { ADMINS_GROUP } from '../users/group.entity.js';
import { USER_SUMMARY_SELECT, type UserSummary } from '../users/user-summary.js';
import { SESSION_COLUMN_PREFIX, type SessionUserColumns } from './session-user-columns.js';

const PgStore = connectPgSimple(session);

type Callback<T> = (error: unknown, value?: T) => void;

/**
 * The session row and its user in one round trip: `sess`, the user summary of the user it names
 * (a guarded cast, so a damaged userId reads as no user rather than failing the request) and the
 * columns other modules registered.
 */
const sessionWithUserSql = (columns: string[]) => `
  SELECT ${['s.sess, lu.id, lu.username, lu."fullName", lu.email, lu.active, lu."createdAt", lu."lastLoginAt", lu.groups', ...columns].join(', ')}
    FROM sessions s
    LEFT JOIN LATERAL (${USER_SUMMARY_SELECT}
      WHERE u.id = CASE WHEN s.sess->>'userId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                        THEN (s.sess->>'userId')::uuid END) lu ON true
   WHERE s.sid = $1 AND s.expire >= now()`;

interface SessionRow extends Omit<UserSummary, 'id'> {
  sess: SessionData | string;
  id: string | null;
  [column: `${typeof SESSION_COLUMN_PREFIX}${string}`]: unknown;
}

/**
 * connect-pg-simple, except that loading a session also reads its user, which every signed-in
 * request needs next (AuthService.userFromSession), and the registered SessionUserColumns: one
 * query instead of several. They ride on the session as `loadedUser` and `loadedColumns` and are
 * never written back.
 */
export class SessionUserStore extends PgStore {
  private pruning = false;
  private text?: string;

  constructor(
    private readonly sessionPool: pg.Pool,
    private readonly columns: SessionUserColumns,
  ) {
    // No touch: sessions are not rolling, so the cookie's expiry only moves when the session is
    // saved, and the row's expiry moves with it. Touching would be an UPDATE on every request.
    super({ pool: sessionPool, tableName: 'sessions', createTableIfMissing: false, disableTouch: true });
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    // connect-pg-simple's own get() starts its expired-session clean-up; this one does too:
    // a DELETE now, then one every 15 minutes.
    if (!this.pruning) {
      this.pruning = true;
      this.pruneSessions();
    }
    // Built at the first read, when every module has registered its columns.
    this.text ??= sessionWithUserSql(this.columns.selectList({ userId: 'lu.id', isAdmin: `('${ADMINS_GROUP}' = ANY(lu.groups))` }));
    this.sessionPool.query<SessionRow>({ name: 'atrium_session_with_user', text: this.text, values: [sid] }).then(
      ({ rows: [row] }) => {
        if (!row) return callback(null, null);
        let sess: SessionData;
        try {
          sess = typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess;
        } catch {
          return this.destroy(sid, (error) => callback(error, null));
        }
        const user: Record<string, unknown> = {};
        const columns: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(row)) {
          if (name.startsWith(SESSION_COLUMN_PREFIX)) columns[name.slice(SESSION_COLUMN_PREFIX.length)] = value;
          else if (name !== 'sess') user[name] = value;
        }
        const signedIn = !!row.id && sess.userId === row.id;
        sess.loadedUser = signedIn ? (user as unknown as UserSummary) : null;
        sess.loadedColumns = signedIn ? columns : {};
        callback(null, sess);
      },
      (error: unknown) => callback(error),
    );
  }

  override set(sid: string, sess: SessionData, callback?: (error?: unknown) => void): void {
    const { loadedUser: _user, loadedColumns: _columns, ...stored } = sess;
    super.set(sid, stored as SessionData, callback);
  }
}
