import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { createAtriumApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestApp {
  app: NestExpressApplication;
  http: Server;
  db: DataSource;
  database: TestDatabase;
  config: AppConfig & { databaseUrl: string };
  close(): Promise<void>;
}

/**
 * Boots the full app through createAtriumApp/configureApp on a fresh database.
 * bcrypt runs at its minimum cost so suites stay quick; the code path is the same.
 */
export async function startTestApp(env: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const config = {
    ...loadConfig({
      ATRIUM_BCRYPT_COST: '4',
      ATRIUM_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ATRIUM_LOG_LEVEL: 'error',
      ATRIUM_BASE_URL: 'http://localhost:8090',
      ...env,
    }),
    databaseUrl: db.url,
  };
  const app = await createAtriumApp(config);
  await app.init();
  return {
    app,
    http: app.getHttpServer(),
    db: app.get(DataSource),
    database: db,
    config,
    async close() {
      await app.close();
      if (!database) await db.drop();
    },
  };
}
