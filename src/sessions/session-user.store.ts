import connectPgSimple from 'connect-pg-simple';
import session, { type SessionData } from 'express-session';
import type pg from 'pg';
import { USER_SUMMARY_SELECT, type UserSummary } from '../users/user-summary.js';

const PgStore = connectPgSimple(session);

type Callback<T> = (error: unknown, value?: T) => void;

/**
 * The session row and its user in one round trip: `sess` plus the user summary of the user it
 * names (a guarded cast, so a damaged userId reads as no user rather than failing the request).
 */
const SESSION_WITH_USER = `
  SELECT s.sess, lu.id, lu.username, lu."fullName", lu.email, lu.active, lu."createdAt", lu."lastLoginAt", lu.groups
    FROM sessions s
    LEFT JOIN LATERAL (${USER_SUMMARY_SELECT}
      WHERE u.id = CASE WHEN s.sess->>'userId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                        THEN (s.sess->>'userId')::uuid END) lu ON true
   WHERE s.sid = $1 AND s.expire >= now()`;

interface SessionRow extends Omit<UserSummary, 'id'> {
  sess: SessionData | string;
  id: string | null;
}

/**
 * connect-pg-simple, except that loading a session also reads its user, which every signed-in
 * request needs next (AuthService.userFromSession): one query instead of two. The user rides on
 * the session as `loadedUser` and is never written back.
 */
export class SessionUserStore extends PgStore {
  private pruning = false;

  constructor(private readonly sessionPool: pg.Pool) {
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
    this.sessionPool.query<SessionRow>({ name: 'atrium_session_with_user', text: SESSION_WITH_USER, values: [sid] }).then(
      ({ rows: [row] }) => {
        if (!row) return callback(null, null);
        let sess: SessionData;
        try {
          sess = typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess;
        } catch {
          return this.destroy(sid, (error) => callback(error, null));
        }
        const { sess: _stored, id, ...user } = row;
        sess.loadedUser = id && sess.userId === id ? { id, ...user } : null;
        callback(null, sess);
      },
      (error: unknown) => callback(error),
    );
  }

  override set(sid: string, sess: SessionData, callback?: (error?: unknown) => void): void {
    const { loadedUser: _user, ...stored } = sess;
    super.set(sid, stored as SessionData, callback);
  }
}
