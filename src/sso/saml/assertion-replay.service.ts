import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../database/prepared-query.js';
import { SamlRefusal } from './saml-refusal.js';

/** Used assertion IDs, shared by every process through PostgreSQL. */
@Injectable()
export class AssertionReplayService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records the assertion ID until it expires (plus the allowed skew); refuses an ID
   * already recorded. The INSERT is atomic, so two processes cannot both accept it.
   */
  async consume(idpId: number, assertionId: string, notOnOrAfter: Date | null, skewSeconds: number): Promise<void> {
    const until = new Date((notOnOrAfter?.getTime() ?? Date.now() + 60 * 60 * 1000) + skewSeconds * 1000);
    const rows = await preparedQuery(
      this.dataSource,
      `INSERT INTO saml_seen_assertions (idp_id, assertion_id, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (idp_id, assertion_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE saml_seen_assertions.expires_at < now()
       RETURNING 1`,
      [idpId, assertionId.slice(0, 256), until],
    );
    if (!rows.length) throw new SamlRefusal(`assertion ${assertionId} was already used (replay)`);
    // Opportunistic clean-up of long-expired entries.
    if (Math.random() < 0.01) {
      await this.dataSource.query(`DELETE FROM saml_seen_assertions WHERE expires_at < now() - interval '1 day'`);
      await this.dataSource.query(`DELETE FROM saml_request_ids WHERE expires_at < now() - interval '1 day'`);
    }
  }

  /** Whether this assertion ID was accepted before: only to word a refusal, never to accept. */
  async wasUsed(idpId: number, assertionId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM saml_seen_assertions WHERE idp_id = $1 AND assertion_id = $2`,
      [idpId, assertionId.slice(0, 256)],
    );
    return rows.length > 0;
  }
}
