import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 8090,
      host: '0.0.0.0',
      baseUrl: 'http://localhost:8090',
      secureCookies: false,
      databaseUrl: undefined,
      home: resolve(join(process.cwd(), 'data')),
      embeddedPgPort: 54329,
      adminPassword: undefined,
      bcryptCost: 12,
      trustProxy: false,
      logLevel: 'info',
      loginThrottle: { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowSeconds: 900 },
      attachmentMaxMb: 25,
      // One core stays for the event loop; at least one worker, at most four.
      samlWorkers: Math.max(1, Math.min(4, availableParallelism() - 1)),
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', ATRIUM_BCRYPT_COST: '', ATRIUM_BASE_URL: '', DATABASE_URL: '', ATRIUM_TRUST_PROXY: '' })).toEqual(
      loadConfig({}),
    );
  });

  it('reads every setting', () => {
    const config = loadConfig({
      PORT: '3000',
      ATRIUM_HOST: '127.0.0.1',
      ATRIUM_BASE_URL: 'https://wiki.example.com/confluence/',
      DATABASE_URL: 'postgresql://u:p@db:5432/atrium',
      ATRIUM_HOME: '/var/lib/atrium',
      ATRIUM_EMBEDDED_PG_PORT: '6543',
      ATRIUM_ADMIN_PASSWORD: 'very-secret-1',
      ATRIUM_BCRYPT_COST: '10',
      ATRIUM_TRUST_PROXY: 'yes',
      ATRIUM_LOG_LEVEL: 'warn',
      ATRIUM_LOGIN_MAX_FAILURES_PER_USER: '7',
      ATRIUM_LOGIN_MAX_FAILURES_PER_IP: '70',
      ATRIUM_LOGIN_WINDOW_SECONDS: '60',
      ATRIUM_ATTACHMENT_MAX_MB: '100',
      ATRIUM_SAML_WORKERS: '3',
    });
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      baseUrl: 'https://wiki.example.com/confluence',
      secureCookies: true,
      databaseUrl: 'postgresql://u:p@db:5432/atrium',
      home: '/var/lib/atrium',
      embeddedPgPort: 6543,
      adminPassword: 'very-secret-1',
      bcryptCost: 10,
      trustProxy: true,
      logLevel: 'warn',
      loginThrottle: { maxFailuresPerUser: 7, maxFailuresPerIp: 70, windowSeconds: 60 },
      attachmentMaxMb: 100,
      samlWorkers: 3,
    });
  });

  it('derives the default base URL from PORT and drops a trailing slash', () => {
    expect(loadConfig({ PORT: '3000' }).baseUrl).toBe('http://localhost:3000');
    expect(loadConfig({ ATRIUM_BASE_URL: 'http://wiki.local:8090/' }).baseUrl).toBe('http://wiki.local:8090');
  });

  it.each([
    ['TRUE', true],
    ['1', true],
    ['No', false],
    ['0', false],
  ])('reads ATRIUM_TRUST_PROXY=%s', (raw, value) => {
    expect(loadConfig({ ATRIUM_TRUST_PROXY: raw }).trustProxy).toBe(value);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535, got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535, got "70000"'],
    [{ PORT: '80.5' }, 'PORT must be a whole number from 0 to 65535, got "80.5"'],
    [{ ATRIUM_BCRYPT_COST: '3' }, 'ATRIUM_BCRYPT_COST must be a whole number from 4 to 15, got "3"'],
    [{ ATRIUM_BCRYPT_COST: '16' }, 'ATRIUM_BCRYPT_COST must be a whole number from 4 to 15, got "16"'],
    [{ ATRIUM_EMBEDDED_PG_PORT: '80' }, 'ATRIUM_EMBEDDED_PG_PORT must be a whole number from 1024 to 65535, got "80"'],
    [{ ATRIUM_LOGIN_WINDOW_SECONDS: '0' }, 'ATRIUM_LOGIN_WINDOW_SECONDS must be a whole number from 1 to 86400, got "0"'],
    [{ ATRIUM_LOGIN_MAX_FAILURES_PER_USER: '-1' }, 'ATRIUM_LOGIN_MAX_FAILURES_PER_USER must be a whole number from 1 to 100000, got "-1"'],
    [{ ATRIUM_BASE_URL: 'not a url' }, 'ATRIUM_BASE_URL must be an absolute http(s) URL, got "not a url"'],
    [{ ATRIUM_BASE_URL: 'ftp://files.example' }, 'ATRIUM_BASE_URL must start with http:// or https://, got "ftp://files.example"'],
    [{ DATABASE_URL: 'mysql://db/atrium' }, 'DATABASE_URL must start with postgres:// or postgresql://'],
    [{ ATRIUM_LOG_LEVEL: 'loud' }, 'ATRIUM_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ ATRIUM_TRUST_PROXY: 'maybe' }, 'ATRIUM_TRUST_PROXY must be true or false, got "maybe"'],
    [{ ATRIUM_ADMIN_PASSWORD: 'short' }, 'ATRIUM_ADMIN_PASSWORD must have at least 8 characters'],
    [{ ATRIUM_ATTACHMENT_MAX_MB: '0' }, 'ATRIUM_ATTACHMENT_MAX_MB must be a whole number from 1 to 1024, got "0"'],
    [{ ATRIUM_SAML_WORKERS: '0' }, 'ATRIUM_SAML_WORKERS must be a whole number from 1 to 32, got "0"'],
    [{ ATRIUM_ATTACHMENT_MAX_MB: '2.5' }, 'ATRIUM_ATTACHMENT_MAX_MB must be a whole number from 1 to 1024, got "2.5"'],
  ])('refuses %j with a clear ConfigError', (env, message) => {
    expect(configError(env)).toBe(message);
  });

  it('reads SMTP settings, with a From address on the base URL host by default', () => {
    expect(loadConfig({ ATRIUM_SMTP_URL: 'smtp://mail.example.com:25', ATRIUM_BASE_URL: 'https://wiki.example.com' }).smtp).toEqual({
      url: 'smtp://mail.example.com:25',
      from: 'Atrium <atrium@wiki.example.com>',
    });
    expect(loadConfig({ ATRIUM_SMTP_URL: 'smtps://u:p@mail.example.com', ATRIUM_SMTP_FROM: 'Wiki <wiki@example.com>' }).smtp).toEqual({
      url: 'smtps://u:p@mail.example.com',
      from: 'Wiki <wiki@example.com>',
    });
    expect(loadConfig({}).smtp).toBeUndefined();
  });

  it.each([
    [{ ATRIUM_SMTP_URL: 'http://mail.example.com' }, 'ATRIUM_SMTP_URL must start with smtp:// or smtps:// and name a host'],
    [{ ATRIUM_SMTP_URL: 'mail.example.com:25' }, 'ATRIUM_SMTP_URL must start with smtp:// or smtps:// and name a host'],
    [{ ATRIUM_SMTP_URL: 'smtp://mail.example.com', ATRIUM_SMTP_FROM: 'nobody' }, 'ATRIUM_SMTP_FROM must be an email address, optionally with a name ("Wiki <wiki@example.com>"), got "nobody"'],
  ])('refuses SMTP settings %j', (env, message) => {
    expect(configError(env)).toBe(message);
  });

  it('never echoes ATRIUM_SMTP_URL, which may hold a password', () => {
    expect(configError({ ATRIUM_SMTP_URL: 'smtp://user:hunter2@[bad' })).not.toContain('hunter2');
  });

  it('never echoes DATABASE_URL, which may hold a password', () => {
    expect(configError({ DATABASE_URL: 'mysql://root:hunter2@db/atrium' })).not.toContain('hunter2');
  });
});
