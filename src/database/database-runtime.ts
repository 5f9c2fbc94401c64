import { createServer } from 'node:net';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { describeDatabaseError } from './database-error.js';
import { startEmbeddedPostgres } from './embedded-postgres.launcher.js';
import { runMigrations } from './migrations.runner.js';

/** Whether nothing listens on the loopback port, where the embedded server would. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

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
    const where = `the embedded PostgreSQL in ${join(config.home, 'postgres')} on port ${config.embeddedPgPort}`;
    if (!(await portFree(config.embeddedPgPort))) {
      throw new StartupError(
        `Cannot start ${where}: the port is already in use (another Atrium or PostgreSQL?). Set ATRIUM_EMBEDDED_PG_PORT to a free port, or DATABASE_URL.`,
      );
    }
    try {
      const embedded = await startEmbeddedPostgres({
        dataDir: join(config.home, 'postgres'),
        port: config.embeddedPgPort,
        database: 'atrium',
      });
      url = embedded.url;
      stop = embedded.stop;
    } catch (error) {
      // embedded-postgres may reject with nothing at all when the server exits at once.
      const reason = error instanceof Error ? error.message : error ? String(error) : 'the server stopped during start-up';
      throw new StartupError(`Cannot start ${where}: ${reason}. Set ATRIUM_EMBEDDED_PG_PORT or DATABASE_URL.`);
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
