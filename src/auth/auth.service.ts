import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PasswordService } from '../users/password.service.js';
import type { UserSummary } from '../users/user-summary.js';
import { UsersService } from '../users/users.service.js';
import { SsoLoginOptionsService } from '../sso/sso-login-options.service.js';
import { LoginThrottleService } from './login-throttle.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly throttle: LoginThrottleService,
    private readonly sso: SsoLoginOptionsService,
  ) {}

  /**
   * Checks a username and password. Unknown, deactivated and SSO-only accounts cost the
   * same bcrypt work and give the same answer (null), so nothing reveals which exist.
   * Throws LoginThrottledException past the failure limits.
   */
  async verifyPassword(username: string, password: string, ip: string): Promise<UserSummary | null> {
    await this.throttle.assertAllowed(username, ip);
    const credentials = username ? await this.users.findCredentials(username) : null;
    // Deactivated accounts, and SSO-linked ones when the SSO add-on says so, get the dummy hash.
    const allowed = credentials?.active && (await this.sso.passwordLoginAllowed(credentials.id));
    const usable = allowed ? credentials.passwordHash : null;
    const ok = await this.passwords.verify(password, usable);
    if (!ok || !credentials) {
      await this.throttle.recordFailure(username, ip);
      return null;
    }
    await this.throttle.clearUser(username);
    await this.users.recordLogin(credentials.id);
    return this.users.findById(credentials.id);
  }

  /** The active user behind the session, or null (and the session is dropped). */
  async userFromSession(req: Request): Promise<UserSummary | null> {
    const userId = req.session?.userId;
    if (!userId) return null;
    // The session store read the user with the session (SessionUserStore); a session saved earlier
    // in this request (a new login) has none yet.
    const loaded = req.session.loadedUser;
    const user = loaded?.id === userId ? loaded : await this.users.findById(userId);
    if (user?.active) return user;
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    return null;
  }

  async endSession(req: Request): Promise<void> {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  }
}
