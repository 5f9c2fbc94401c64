import type { Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { UsersModule } from '../../src/users/users.module.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestServices {
  module: TestingModule;
  db: DataSource;
  config: AppConfig & { databaseUrl: string };
  close(): Promise<void>;
}

/**
 * A Nest testing module with config, TypeORM on a fresh migrated database and the users
 * module, for service specs that need real PostgreSQL but no HTTP. Add providers as needed.
 */
export async function startTestServices(
  options: { env?: Record<string, string>; providers?: Provider[] } = {},
): Promise<TestServices> {
  const database: TestDatabase = await createTestDatabase();
  const config = {
    ...loadConfig({ ATRIUM_BCRYPT_COST: '4', ATRIUM_LOG_LEVEL: 'error', ...options.env }),
    databaseUrl: database.url,
  };
  const module = await Test.createTestingModule({
    imports: [ConfigModule.register(config), DatabaseModule.register(database.url), UsersModule],
    providers: options.providers ?? [],
  }).compile();
  await module.init();
  return {
    module,
    db: module.get(DataSource),
    config,
    async close() {
      await module.close();
      await database.drop();
    },
  };
}
