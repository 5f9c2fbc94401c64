import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AddonsModule } from './addons/addons.module.js';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { RestModule } from './rest/rest.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SsoModule } from './sso/sso.module.js';
import { UsersModule } from './users/users.module.js';
import { WikiAttachmentsModule } from './wiki/attachments/wiki-attachments.module.js';
import { WikiCollaborationModule } from './wiki/collaboration/wiki-collaboration.module.js';
import { WikiHistoryModule } from './wiki/history/wiki-history.module.js';
import { WikiSearchModule } from './wiki/search/wiki-search.module.js';
import { WikiModule } from './wiki/wiki.module.js';

/** `config.databaseUrl` is the resolved URL (embedded or DATABASE_URL). */
@Module({})
export class AppModule {
  static register(config: AppConfig & { databaseUrl: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            autoLogging: {
              ignore: (req) =>
                req.url === '/status' || !!req.url?.startsWith('/static/'),
            },
            // What a request line needs, not every header: headers carry credentials (Authorization,
            // Cookie) and serialising them all, with the response's security headers, took about a
            // quarter of the CPU time of an SP-initiated SAML redirect.
            serializers: {
              req: (req: {
                id: unknown;
                method: string;
                url: string;
                remoteAddress?: string;
                headers: Record<string, unknown>;
              }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
                remoteAddress: req.remoteAddress,
                userAgent: req.headers['user-agent'],
              }),
              res: (res: { statusCode: number }) => ({
                statusCode: res.statusCode,
              }),
            },
          },
        }),
        DatabaseModule.register(config.databaseUrl),
        SessionsModule,
        UsersModule,
        AuthModule,
        AddonsModule,
        SsoModule,
        // Wiki feature modules first: Nest registers routes in module order, and their
        // /spaces/:key/pages/:id/<section> routes must come before the page's /:id/:slug.
        WikiHistoryModule,
        WikiCollaborationModule,
        WikiAttachmentsModule,
        WikiSearchModule,
        WikiModule,
        DashboardModule,
        HealthModule,
        RestModule,
      ],
    };
  }
}
