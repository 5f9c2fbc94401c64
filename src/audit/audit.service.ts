import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  spaceId?: number | null;
  pageId?: number | string | null;
  summary: string;
  details?: Record<string, unknown>;
}

/** Who did what and when: page and permission changes, for administrators. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Pass the transaction's manager so the entry commits (or rolls back) with the change. */
  async record(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (actor_id, action, space_id, page_id, summary, details) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        entry.actorId,
        entry.action,
        entry.spaceId ?? null,
        entry.pageId ?? null,
        entry.summary.slice(0, 2000),
        entry.details ? JSON.stringify(entry.details) : null,
      ],
    );
  }
}
