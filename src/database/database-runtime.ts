import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { describeDatabaseError } from './database-error.js';
import { startEmbeddedPostgres } from './embedded-postgres.launcher.js';
import { runMigrations } from './migrations.runner.js';

/** A start-up failure with a one-line explanation for the operator. */
export class StartupError extends Error {}

export interface OpenDatabase {
  url: string;
  applied: string[];
  stop(): Promise<void>;
}

/**
 * Uses DATABASE_URL, or starts the embedded PostgreSQL under $ATRIUM_HOME, then applies
 * pending migrations under an advisory lock.
 */
export async function openDatabase(config: AppConfig): Promise<OpenDatabase> {
  let url = config.databaseUrl;
  let stop: () => Promise<void> = async () => undefined;
  if (!url) {
    try {
      const embedded = await startEmbeddedPostgres({
        dataDir: join(config.home, 'postgres'),
        port: config.embeddedPgPort,
        database: 'atrium',
      });
      url = embedded.url;
      stop = embedded.stop;
    } catch (error) {
      throw new StartupError(
        `Cannot start the embedded PostgreSQL in ${join(config.home, 'postgres')} on port ${config.embeddedPgPort}: ` +
          `${(error as Error).message ?? error}. Set ATRIUM_EMBEDDED_PG_PORT or DATABASE_URL.`,
      );
    }
  }
  try {
    const applied = await runMigrations(url);
    return { url, applied, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw new StartupError(describeDatabaseError(error, url));
  }
}
