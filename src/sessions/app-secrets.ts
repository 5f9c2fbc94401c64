import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

export interface AppSecrets {
  sessionSecret: string;
  csrfSecret: string;
}

export const APP_SECRETS = Symbol('APP_SECRETS');

/**
 * Secrets are generated once and kept in PostgreSQL so that every process behind a load
 * balancer signs cookies the same way without any configuration.
 */
export async function loadAppSecrets(dataSource: DataSource): Promise<AppSecrets> {
  const names = ['session', 'csrf'];
  for (const name of names) {
    await dataSource.query(
      `INSERT INTO system_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [name, randomBytes(32).toString('base64url')],
    );
  }
  const rows: { name: string; value: string }[] = await dataSource.query(
    `SELECT name, value FROM system_secrets WHERE name = ANY($1)`,
    [names],
  );
  const get = (name: string) => rows.find((r) => r.name === name)!.value;
  return { sessionSecret: get('session'), csrfSecret: get('csrf') };
}
