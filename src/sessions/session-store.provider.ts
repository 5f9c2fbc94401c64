import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type session from 'express-session';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SessionUserColumns } from './session-user-columns.js';
import { SessionUserStore } from './session-user.store.js';

/** The PostgreSQL session store and its own small pool, closed with the app. */
@Injectable()
export class SessionStoreProvider implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionStoreProvider.name);
  private readonly pool: pg.Pool;
  readonly store: session.Store;

  constructor(@Inject(APP_CONFIG) config: AppConfig, columns: SessionUserColumns) {
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: 5 });
    // PostgreSQL ending an idle connection (restart, failover) makes the pool emit 'error'; unheard,
    // that crashes the process. The pool drops the connection and opens a new one when next needed.
    this.pool.on('error', (error) => this.logger.warn(`Session store lost a database connection: ${error.message}`));
    this.store = new SessionUserStore(this.pool, columns);
  }

  async onApplicationShutdown(): Promise<void> {
    (this.store as unknown as { close(): void }).close();
    await this.pool.end();
  }
}
