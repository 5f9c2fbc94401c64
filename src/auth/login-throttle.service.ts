import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { countInWindow } from '../database/fixed-window-counter.js';

const LOGIN_FAILURES = { table: 'login_failures', column: 'failures' } as const;

export class LoginThrottledException extends HttpException {
  constructor() {
    super('Too many failed login attempts. Wait a few minutes, then try again.', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Counts failed logins per username and per IP in fixed windows stored in PostgreSQL,
 * so the limit holds across every process.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private keys(username: string, ip: string): [string, string] {
    return [`user:${username.toLowerCase().slice(0, 255)}`, `ip:${ip}`];
  }

  async assertAllowed(username: string, ip: string): Promise<void> {
    const [userKey, ipKey] = this.keys(username, ip);
    const { maxFailuresPerUser, maxFailuresPerIp, windowSeconds } = this.config.loginThrottle;
    const rows: { key: string; failures: number }[] = await this.dataSource.query(
      `SELECT key, failures FROM login_failures
        WHERE key = ANY($1) AND window_start > now() - make_interval(secs => $2)`,
      [[userKey, ipKey], windowSeconds],
    );
    const failures = (key: string) => rows.find((r) => r.key === key)?.failures ?? 0;
    if (failures(userKey) >= maxFailuresPerUser || failures(ipKey) >= maxFailuresPerIp) {
      throw new LoginThrottledException();
    }
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    await countInWindow(this.dataSource, LOGIN_FAILURES, this.keys(username, ip), this.config.loginThrottle.windowSeconds);
  }

  /** A successful login clears the account's counter; the IP's keeps counting. */
  async clearUser(username: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failures WHERE key = $1`, [this.keys(username, '')[0]]);
  }
}
