import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const PgStore = connectPgSimple(session);

/** The PostgreSQL session store and its own small pool, closed with the app. */
@Injectable()
export class SessionStoreProvider implements OnApplicationShutdown {
  private readonly pool: pg.Pool;
  readonly store: session.Store;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: 5 });
    this.store = new PgStore({ pool: this.pool, tableName: 'sessions', createTableIfMissing: false });
  }

  async onApplicationShutdown(): Promise<void> {
    (this.store as unknown as { close(): void }).close();
    await this.pool.end();
  }
}
