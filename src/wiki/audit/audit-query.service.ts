import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface AuditFilter {
  action?: string;
  spaceKey?: string;
  actor?: string;
  from?: string;
  to?: string;
  /** Keyset pagination: entries older than this id. */
  before?: string;
}

export interface AuditRow {
  id: string;
  at: Date;
  action: string;
  summary: string;
  actor: string | null;
  spaceKey: string | null;
  pageId: string | null;
}

export const AUDIT_PAGE = 50;

/** Reads the audit log with filters, newest first, paged by id so deep pages stay fast. */
@Injectable()
export class AuditQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listEntries(filter: AuditFilter): Promise<{ entries: AuditRow[]; next: string | null; actions: string[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.action) add('a.action = ?', filter.action);
    if (filter.spaceKey) add('s.key = upper(?)', filter.spaceKey);
    if (filter.actor) add('lower(u.username) = lower(?)', filter.actor);
    // Calendar days (YYYY-MM-DD, checked by the caller), in UTC as the log shows them.
    if (filter.from) add(`a.at >= (?::date)::timestamp AT TIME ZONE 'UTC'`, filter.from);
    if (filter.to) add(`a.at < ((?::date) + 1)::timestamp AT TIME ZONE 'UTC'`, filter.to);
    if (filter.before && /^\d{1,18}$/.test(filter.before)) add('a.id < ?::bigint', filter.before);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT a.id::text, a.at, a.action, a.summary, u.username AS actor, s.key AS "spaceKey", a.page_id::text AS "pageId"
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN spaces s ON s.id = a.space_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.id DESC LIMIT ${AUDIT_PAGE + 1}`,
      params,
    );
    return {
      entries: rows.slice(0, AUDIT_PAGE),
      next: rows.length > AUDIT_PAGE ? rows[AUDIT_PAGE - 1].id : null,
      actions: await this.listActions(),
    };
  }

  /** The actions the log holds, for the filter's choices. */
  async listActions(): Promise<string[]> {
    const actions: { action: string }[] = await this.dataSource.query(`SELECT DISTINCT action FROM audit_log ORDER BY action`);
    return actions.map((a) => a.action);
  }
}
