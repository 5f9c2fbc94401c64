import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

export interface LoginThrottleConfig {
  maxFailuresPerUser: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

export interface AppConfig {
  port: number;
  host: string;
  baseUrl: string;
  secureCookies: boolean;
  databaseUrl?: string;
  home: string;
  embeddedPgPort: number;
  adminPassword?: string;
  bcryptCost: number;
  trustProxy: boolean;
  logLevel: string;
  loginThrottle: LoginThrottleConfig;
  /** Largest attachment file accepted, in MB (each file of an upload). */
  attachmentMaxMb: number;
  /** Worker threads that validate SAML responses, off the event loop. */
  samlWorkers: number;
  /** Watch notifications are also emailed when set. */
  smtp?: SmtpConfig;
}

export interface SmtpConfig {
  /** smtp:// or smtps:// URL, credentials included; passed to nodemailer as is. */
  url: string;
  from: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function baseUrl(env: Env, port: number): string {
  const raw = env.ATRIUM_BASE_URL || `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`ATRIUM_BASE_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`ATRIUM_BASE_URL must start with http:// or https://, got "${raw}"`);
  }
  // No trailing slash: URLs are built as `${baseUrl}/path`.
  return url.toString().replace(/\/+$/, '');
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL;
  if (!raw) return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  return raw;
}

function smtp(env: Env, base: string): SmtpConfig | undefined {
  const raw = env.ATRIUM_SMTP_URL;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not echoed: the URL may hold a password.
    throw new ConfigError('ATRIUM_SMTP_URL must be a URL such as smtp://mail.example.com:25');
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    throw new ConfigError('ATRIUM_SMTP_URL must start with smtp:// or smtps:// and name a host');
  }
  const from = env.ATRIUM_SMTP_FROM || `Atrium <atrium@${new URL(base).hostname}>`;
  // No line breaks: the value goes into a mail header.
  if (/[\r\n]/.test(from) || !/[^\s<>@]+@[^\s<>@]+/.test(from)) {
    throw new ConfigError(`ATRIUM_SMTP_FROM must be an email address, optionally with a name ("Wiki <wiki@example.com>"), got "${from}"`);
  }
  return { url: raw, from };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the environment once, at boot. */
export function loadConfig(env: Env = process.env): AppConfig {
  const port = int(env, 'PORT', 8090, 0, 65535);
  const base = baseUrl(env, port);
  const logLevel = env.ATRIUM_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`ATRIUM_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const adminPassword = env.ATRIUM_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ATRIUM_ADMIN_PASSWORD must have at least 8 characters');
  }
  return {
    port,
    host: env.ATRIUM_HOST || '0.0.0.0',
    baseUrl: base,
    secureCookies: base.startsWith('https:'),
    databaseUrl: databaseUrl(env),
    home: resolve(env.ATRIUM_HOME || join(process.cwd(), 'data')),
    embeddedPgPort: int(env, 'ATRIUM_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    adminPassword,
    bcryptCost: int(env, 'ATRIUM_BCRYPT_COST', 12, 4, 15),
    trustProxy: bool(env, 'ATRIUM_TRUST_PROXY', false),
    logLevel,
    loginThrottle: {
      maxFailuresPerUser: int(env, 'ATRIUM_LOGIN_MAX_FAILURES_PER_USER', 5, 1, 100000),
      maxFailuresPerIp: int(env, 'ATRIUM_LOGIN_MAX_FAILURES_PER_IP', 50, 1, 1000000),
      windowSeconds: int(env, 'ATRIUM_LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    },
    // Uploads are held in memory and stored as bytea (PostgreSQL caps a value at 1 GB).
    attachmentMaxMb: int(env, 'ATRIUM_ATTACHMENT_MAX_MB', 25, 1, 1024),
    // One core stays for the event loop (HTTP, sessions, queries); the others validate.
    samlWorkers: int(env, 'ATRIUM_SAML_WORKERS', Math.max(1, Math.min(4, availableParallelism() - 1)), 1, 32),
    smtp: smtp(env, base),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
