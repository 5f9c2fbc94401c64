import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { preparedQuery } from '../database/prepared-query.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { ADMINS_GROUP, USERS_GROUP } from './group.entity.js';
import { PasswordService } from './password.service.js';
import { UserInputError, uniqueViolationField } from './user-input.error.js';
import { emailError, fullNameError, passwordErrors, text, usernameError } from './user-rules.js';
import { USER_SUMMARY_SELECT, type UserPage, type UserSummary } from './user-summary.js';

export interface NewUserInput {
  username?: unknown;
  fullName?: unknown;
  email?: unknown;
  password?: unknown;
  confirmPassword?: unknown;
}

export interface NewUserOptions {
  /** Form and CLI users need a password; SSO-created users have none. */
  requirePassword: boolean;
  /** Extra groups besides confluence-users; each must exist. */
  groups?: string[];
  /** Who adds the user, for the audit log; null when single sign-on creates them. */
  actorId?: string | null;
  /** How the user came, for the audit log's summary. */
  via?: string;
}

const MAX_PAGE_SIZE = 100;
// Serialises changes that could leave no active administrator; see lockAdmins().
const ADMINS_LOCK_KEY = 727_312_004;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /** Validates, then writes the user and its memberships in one transaction. */
  async createUser(input: NewUserInput, options: NewUserOptions): Promise<UserSummary> {
    const username = text(input.username);
    const fullName = text(input.fullName);
    const email = text(input.email);
    const password = typeof input.password === 'string' ? input.password : '';
    const errors: Record<string, string> = {};
    const u = usernameError(username);
    if (u) errors.username = u;
    const f = fullNameError(fullName);
    if (f) errors.fullName = f;
    const e = emailError(email);
    if (e) errors.email = e;
    if (options.requirePassword || password) {
      const confirm = typeof input.confirmPassword === 'string' ? input.confirmPassword : undefined;
      Object.assign(errors, passwordErrors(password, confirm));
    }
    if (!errors.username && (await this.usernameTaken(username))) {
      errors.username = 'A user with this username already exists.';
    }
    if (!errors.email && (await this.emailTaken(email))) {
      errors.email = 'A user with this email already exists.';
    }
    if (Object.keys(errors).length) throw new UserInputError(errors);

    const passwordHash = password ? await this.passwords.hash(password) : null;
    const groupNames = [...new Set([USERS_GROUP, ...(options.groups ?? [])])];
    const id = await this.inTransaction(async (tx) => {
      const groups: { id: number; name: string }[] = await tx.query(
        `SELECT id, name FROM groups WHERE name = ANY($1)`,
        [groupNames],
      );
      const missing = groupNames.filter((n) => !groups.some((g) => g.name === n));
      if (missing.length) throw new UserInputError({ groups: `No such group: ${missing.join(', ')}.` });
      const [row] = await tx.query(
        `INSERT INTO users (username, full_name, email, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
        [username, fullName, email, passwordHash],
      );
      await tx.query(
        `INSERT INTO user_groups (user_id, group_id) SELECT $1, unnest($2::int[])`,
        [row.id, groups.map((g) => g.id)],
      );
      await this.audit.record(
        {
          actorId: options.actorId ?? null,
          action: 'user.created',
          summary: `Created user ${username}${options.via ? ` (${options.via})` : ''}, in ${groupNames.join(', ')}`,
        },
        tx,
      );
      return row.id as string;
    });
    return (await this.findById(id))!;
  }

  async findById(id: string): Promise<UserSummary | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    // Every signed-in request looks the user up (AccessGuard): a prepared statement.
    const rows = await preparedQuery<UserSummary>(this.dataSource, `${USER_SUMMARY_SELECT} WHERE u.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findByUsername(username: string): Promise<UserSummary | null> {
    const rows = await this.dataSource.query(`${USER_SUMMARY_SELECT} WHERE lower(u.username) = lower($1)`, [
      username,
    ]);
    return rows[0] ?? null;
  }

  async findByEmail(email: string): Promise<UserSummary | null> {
    const rows = await this.dataSource.query(`${USER_SUMMARY_SELECT} WHERE lower(u.email) = lower($1)`, [email]);
    return rows[0] ?? null;
  }

  /** The stored hash for a password login; never leaves the auth path. */
  async findCredentials(username: string): Promise<{ id: string; active: boolean; passwordHash: string | null } | null> {
    const rows = await this.dataSource.query(
      `SELECT id, active, password_hash AS "passwordHash" FROM users WHERE lower(username) = lower($1)`,
      [username],
    );
    return rows[0] ?? null;
  }

  /** Pages through users, optionally matching a substring of username, full name or email. */
  async searchUsers(query: { q?: string; page?: number; pageSize?: number }): Promise<UserPage> {
    const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), MAX_PAGE_SIZE);
    const q = (query.q ?? '').trim().toLowerCase().slice(0, 255);
    // Same expression as the trigram index users_search_trgm.
    const where = q ? `WHERE (lower(u.username) || ' ' || lower(u.full_name) || ' ' || lower(u.email)) LIKE $1` : '';
    const params: unknown[] = q ? [`%${escapeLike(q)}%`] : [];
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM users u ${where}`,
      params,
    );
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(Math.max(Math.floor(query.page ?? 1), 1), pages);
    // Pick the page's ids first: OFFSET skips rows after computing their select list, so the
    // groups subquery would otherwise run for every skipped user (50,000 times on page 1000).
    const users = await this.dataSource.query(
      `${USER_SUMMARY_SELECT}
         JOIN (SELECT u.id FROM users u ${where}
                ORDER BY lower(u.username) LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}) AS paged ON paged.id = u.id
        ORDER BY lower(u.username)`,
      params,
    );
    return { users, total, page, pageSize, pages };
  }

  async updateProfile(id: string, input: { fullName?: unknown; email?: unknown }): Promise<UserSummary> {
    const user = await this.requireUser(id);
    const fullName = text(input.fullName);
    const email = text(input.email);
    const errors: Record<string, string> = {};
    const f = fullNameError(fullName);
    if (f) errors.fullName = f;
    const e = emailError(email);
    if (e) errors.email = e;
    if (!errors.email && email.toLowerCase() !== user.email.toLowerCase() && (await this.emailTaken(email))) {
      errors.email = 'A user with this email already exists.';
    }
    if (Object.keys(errors).length) throw new UserInputError(errors);
    await this.inTransaction((tx) =>
      tx.query(`UPDATE users SET full_name = $2, email = $3, updated_at = now() WHERE id = $1`, [id, fullName, email]),
    );
    return (await this.findById(id))!;
  }

  async setPassword(id: string, password: unknown, confirmPassword?: unknown): Promise<void> {
    await this.requireUser(id);
    const pw = typeof password === 'string' ? password : '';
    const errors = passwordErrors(pw, typeof confirmPassword === 'string' ? confirmPassword : undefined);
    if (Object.keys(errors).length) throw new UserInputError(errors);
    const hash = await this.passwords.hash(pw);
    await this.dataSource.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [id, hash]);
  }

  /** Deactivation also ends every session the user has, on every process. */
  async setActive(id: string, active: boolean, actorId: string | null = null): Promise<void> {
    const user = await this.requireUser(id);
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, [id, active]);
      if (active !== user.active) {
        await this.audit.record({ actorId, action: active ? 'user.reactivated' : 'user.deactivated', summary: `${active ? 'Reactivated' : 'Deactivated'} user ${user.username}` }, tx);
      }
      if (!active && user.active && user.groups.includes(ADMINS_GROUP)) {
        // Rolls the deactivation back if it leaves no active administrator.
        await this.lockAdmins(tx);
        if ((await this.countActiveAdmins(tx)) === 0) {
          throw new UserInputError({ active: 'This is the last active administrator; it cannot be deactivated.' });
        }
      }
    });
    if (!active) await this.sessions.endSessionsForUser(id);
  }

  /**
   * Take inside a transaction before counting the administrators a change leaves. Without it,
   * two admins deactivating each other at once each still see the other and both succeed;
   * with it, the second waits and then counts what the first committed.
   */
  async lockAdmins(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [ADMINS_LOCK_KEY]);
  }

  async recordLogin(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [id]);
  }

  async countActiveAdmins(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [{ n }] = await manager.query(
      `SELECT count(*)::int AS n FROM users u JOIN user_groups ug ON ug.user_id = u.id
         JOIN groups g ON g.id = ug.group_id WHERE g.name = $1 AND u.active`,
      [ADMINS_GROUP],
    );
    return n;
  }

  /**
   * On an empty database, creates `admin` in confluence-administrators. A transaction-level
   * advisory lock makes this safe when several processes start at once.
   */
  async ensureInitialAdmin(configuredPassword?: string): Promise<{ username: string; generatedPassword?: string } | null> {
    const created = await this.inTransaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(727312002)`);
      const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM users`);
      if (n > 0) return null;
      const generatedPassword = configuredPassword ? undefined : randomBytes(12).toString('base64url');
      const hash = await this.passwords.hash(configuredPassword ?? generatedPassword!);
      const [row] = await tx.query(
        `INSERT INTO users (username, full_name, email, password_hash)
         VALUES ('admin', 'Administrator', 'admin@localhost.localdomain', $1) RETURNING id`,
        [hash],
      );
      await tx.query(
        `INSERT INTO user_groups (user_id, group_id) SELECT $1, id FROM groups WHERE name = ANY($2)`,
        [row.id, [USERS_GROUP, ADMINS_GROUP]],
      );
      return { username: 'admin', generatedPassword };
    });
    if (created) this.logger.log(`Created the initial administrator "${created.username}"`);
    return created;
  }

  async requireUser(id: string): Promise<UserSummary> {
    const user = await this.findById(id);
    if (!user) throw new NotFoundException('No such user.');
    return user;
  }

  private async usernameTaken(username: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM users WHERE lower(username) = lower($1)`, [username]);
    return rows.length > 0;
  }

  private async emailTaken(email: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [email]);
    return rows.length > 0;
  }

  /** Runs a transaction and turns a unique-index race into the same field error as the pre-check. */
  private async inTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      const field = uniqueViolationField(error);
      if (field) throw new UserInputError({ [field]: `A user with this ${field} already exists.` });
      throw error;
    }
  }
}
