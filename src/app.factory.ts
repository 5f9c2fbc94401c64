import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { configureApp } from './configure-app.js';
import { UsersService } from './users/users.service.js';

export type ResolvedConfig = AppConfig & { databaseUrl: string };

/** Builds the fully configured app (not listening). Migrations must already have run. */
export async function createAtriumApp(config: ResolvedConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    abortOnError: false,
    forceCloseConnections: true,
  });
  configureApp(app);
  await ensureInitialAdmin(app, config);
  return app;
}

async function ensureInitialAdmin(app: NestExpressApplication, config: ResolvedConfig): Promise<void> {
  const created = await app.get(UsersService).ensureInitialAdmin(config.adminPassword);
  if (created?.generatedPassword) {
    new NestLogger('Setup').warn(
      `Initial administrator: username "${created.username}", password "${created.generatedPassword}". ` +
        `Log in at ${config.baseUrl}/login and change it under Administration > User management.`,
    );
  }
}
