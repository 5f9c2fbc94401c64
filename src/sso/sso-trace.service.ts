import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared-query.js';

export const TRACE_KEEP = 100;

export interface TraceEntry {
  flow: 'sp-initiated' | 'idp-initiated' | 'acs' | 'logout' | 'metadata';
  outcome: 'success' | 'failure' | 'info';
  reason?: string | null;
  nameId?: string | null;
  username?: string | null;
  /** Attribute names and values as received; never signatures or session IDs. */
  attributes?: Record<string, unknown> | null;
}

export interface TraceRow extends TraceEntry {
  id: string;
  at: Date;
}

/** The last attempts per IdP, for the admin's SSO trace page. */
@Injectable()
export class SsoTraceService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds the entry and keeps the newest TRACE_KEEP entries for this IdP, in one statement (one
   * round trip and one commit on every login). The DELETE sees the table as it was before the
   * INSERT, so it keeps TRACE_KEEP - 1 older entries.
   */
  async record(idpId: number, entry: TraceEntry): Promise<void> {
    await preparedQuery(
      this.dataSource,
      `WITH added AS (
         INSERT INTO sso_trace (idp_id, flow, outcome, reason, name_id, username, attributes)
         VALUES ($1, $2, $3, $4, $5, $6, $7))
       DELETE FROM sso_trace WHERE idp_id = $1 AND id < (
         SELECT min(id) FROM (SELECT id FROM sso_trace WHERE idp_id = $1 ORDER BY id DESC LIMIT $8) newest)`,
      [
        idpId,
        entry.flow,
        entry.outcome,
        entry.reason?.slice(0, 2000) ?? null,
        entry.nameId?.slice(0, 1000) ?? null,
        entry.username?.slice(0, 255) ?? null,
        entry.attributes ? JSON.stringify(entry.attributes) : null,
        TRACE_KEEP - 1,
      ],
    );
  }

  async listTrace(idpId: number): Promise<TraceRow[]> {
    return this.dataSource.query(
      `SELECT id, at, flow, outcome, reason, name_id AS "nameId", username, attributes
         FROM sso_trace WHERE idp_id = $1 ORDER BY id DESC LIMIT $2`,
      [idpId, TRACE_KEEP],
    );
  }
}
