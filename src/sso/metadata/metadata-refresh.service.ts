import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdpAdminService } from '../idp-admin.service.js';
import { IdpRegistryService } from '../idp-registry.service.js';
import { SsoTraceService } from '../sso-trace.service.js';

const CHECK_EVERY_MS = 60 * 60 * 1000;
const REFRESH_LOCK_KEY = 727_312_003;

/**
 * Re-imports metadata daily for IdPs with a stored metadata URL, so certificate rollover
 * needs no admin. One process does it at a time (advisory lock).
 */
@Injectable()
export class MetadataRefreshService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetadataRefreshService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: IdpRegistryService,
    private readonly admin: IdpAdminService,
    private readonly trace: SsoTraceService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refreshStale(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async refreshStale(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    let refreshed = 0;
    try {
      await runner.connect();
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [REFRESH_LOCK_KEY]);
      if (!locked) return 0;
      try {
        for (const idp of await this.registry.findStaleMetadata()) {
          try {
            await this.admin.reimportMetadata(idp.uniqueId, null);
            await this.trace.record(idp.id, { flow: 'metadata', outcome: 'success', reason: `metadata refreshed from ${idp.metadataUrl}` });
            refreshed++;
          } catch (error) {
            const reason = `metadata refresh from ${idp.metadataUrl} failed: ${(error as Error).message}`;
            this.logger.warn(reason);
            await this.trace.record(idp.id, { flow: 'metadata', outcome: 'failure', reason });
            await this.registry.markMetadataRefreshed(idp.id);
          }
        }
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [REFRESH_LOCK_KEY]);
      }
    } catch (error) {
      this.logger.warn(`Metadata refresh skipped: ${(error as Error).message}`);
    } finally {
      await runner.release();
    }
    return refreshed;
  }
}
