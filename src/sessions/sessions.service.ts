import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { sessionCookieName } from './session-cookie.js';

/** The session table belongs to connect-pg-simple; this ends sessions by user. */
@Injectable()
export class SessionsService {
  private readonly cookieName: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cookieName = sessionCookieName(config);
  }

  /**
   * Starts a session for the user under a new ID, which defeats session fixation. A request that
   * brought no session cookie already has one: express-session made its ID for this request and
   * never adopts an ID it did not issue, so regenerating would only cost a DELETE.
   */
  async startSession(req: Request, userId: string, sso?: SessionData['sso']): Promise<void> {
    if (req.cookies?.[this.cookieName] !== undefined) {
      await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
    }
    req.session.userId = userId;
    req.session.loginAt = Date.now();
    if (sso) req.session.sso = sso;
    await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
  }

  /** Ends the sessions an IdP's login created for one NameID (SAML Single Logout). */
  async endSsoSessions(idpUniqueId: string, nameId: string): Promise<number> {
    const [, count] = await this.dataSource.query(
      `DELETE FROM sessions WHERE sess->'sso'->>'idp' = $1 AND sess->'sso'->>'nameId' = $2`,
      [idpUniqueId, nameId],
    );
    return count as number;
  }

  async endSessionsForUser(userId: string): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM sessions WHERE sess->>'userId' = $1`, [userId]);
    return count as number;
  }

  async countSessionsForUser(userId: string): Promise<number> {
    const rows = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM sessions WHERE sess->>'userId' = $1 AND expire > now()`,
      [userId],
    );
    return rows[0].n;
  }
}
