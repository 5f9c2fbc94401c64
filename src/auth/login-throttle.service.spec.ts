import { HttpStatus } from '@nestjs/common';
import { startTestServices, type TestServices } from '../../test/helpers/test-services.js';
import { LoginThrottleService, LoginThrottledException } from './login-throttle.service.js';

describe('LoginThrottleService', () => {
  let s: TestServices;
  let throttle: LoginThrottleService;

  async function failures(key: string): Promise<number | undefined> {
    const [row] = await s.db.query(`SELECT failures FROM login_failures WHERE key = $1`, [key]);
    return row?.failures;
  }

  async function fail(times: number, username: string, ip: string): Promise<void> {
    for (let i = 0; i < times; i++) await throttle.recordFailure(username, ip);
  }

  beforeAll(async () => {
    s = await startTestServices({
      env: { ATRIUM_LOGIN_MAX_FAILURES_PER_USER: '3', ATRIUM_LOGIN_MAX_FAILURES_PER_IP: '5', ATRIUM_LOGIN_WINDOW_SECONDS: '600' },
      providers: [LoginThrottleService],
    });
    throttle = s.module.get(LoginThrottleService);
  });
  beforeEach(() => s.db.query(`DELETE FROM login_failures`));
  afterAll(() => s.close());

  it('allows logins until the per-user limit, then refuses with a 429', async () => {
    await fail(2, 'alice', '10.0.0.1');
    await expect(throttle.assertAllowed('alice', '10.0.0.1')).resolves.toBeUndefined();
    await fail(1, 'alice', '10.0.0.1');
    const refusal = await throttle.assertAllowed('alice', '10.0.0.1').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(LoginThrottledException);
    expect((refusal as LoginThrottledException).getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
    expect((refusal as LoginThrottledException).message).toBe(
      'Too many failed login attempts. Wait a few minutes, then try again.',
    );
    // Another account from the same address is still allowed (3 < 5 for the IP).
    await expect(throttle.assertAllowed('bob', '10.0.0.1')).resolves.toBeUndefined();
  });

  it('counts an account in any case and from any address', async () => {
    await throttle.recordFailure('Alice', '10.0.0.1');
    await throttle.recordFailure('ALICE', '10.0.0.2');
    await throttle.recordFailure('alice', '10.0.0.3');
    expect(await failures('user:alice')).toBe(3);
    await expect(throttle.assertAllowed('aLiCe', '10.9.9.9')).rejects.toBeInstanceOf(LoginThrottledException);
  });

  it('limits one address across many accounts, leaving other addresses alone', async () => {
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) await throttle.recordFailure(name, '192.0.2.7');
    expect(await failures('ip:192.0.2.7')).toBe(5);
    await expect(throttle.assertAllowed('fresh-user', '192.0.2.7')).rejects.toBeInstanceOf(LoginThrottledException);
    await expect(throttle.assertAllowed('fresh-user', '192.0.2.8')).resolves.toBeUndefined();
  });

  it("clears the account's counter on success but keeps the address's", async () => {
    await fail(2, 'carol', '10.1.1.1');
    await throttle.clearUser('CAROL');
    expect(await failures('user:carol')).toBeUndefined();
    expect(await failures('ip:10.1.1.1')).toBe(2);
  });

  it('forgets failures once their window has passed, and starts a new window', async () => {
    await fail(3, 'dave', '10.2.2.2');
    await expect(throttle.assertAllowed('dave', '10.2.2.2')).rejects.toBeInstanceOf(LoginThrottledException);
    // Move the window into the past instead of waiting for it.
    await s.db.query(`UPDATE login_failures SET window_start = now() - interval '601 seconds'`);
    await expect(throttle.assertAllowed('dave', '10.2.2.2')).resolves.toBeUndefined();
    await throttle.recordFailure('dave', '10.2.2.2');
    expect(await failures('user:dave')).toBe(1);
    expect(await failures('ip:10.2.2.2')).toBe(1);
  });

  it('keeps its counters in PostgreSQL, shared by every process', async () => {
    const otherProcess = new LoginThrottleService(s.db, s.config);
    await fail(3, 'erin', '10.3.3.3');
    await expect(otherProcess.assertAllowed('erin', '10.3.3.4')).rejects.toBeInstanceOf(LoginThrottledException);
  });

  it('caps the key length for very long usernames', async () => {
    const long = 'x'.repeat(5000);
    await throttle.recordFailure(long, '10.4.4.4');
    expect(await failures(`user:${'x'.repeat(255)}`)).toBe(1);
    await expect(throttle.assertAllowed(long, '10.4.4.4')).resolves.toBeUndefined();
  });
});
