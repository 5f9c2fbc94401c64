import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';

// Any constant works; all Atrium processes use the same one.
const MIGRATION_LOCK_KEY = 727_312_001;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so that several processes
 * starting at once apply each migration exactly once. Returns the names applied.
 */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    extra: { max: 2, connectionTimeoutMillis: 5000 },
  });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations();
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}
