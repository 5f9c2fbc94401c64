import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserInputError } from '../../users/user-input.error.js';
import { AuditService } from '../../audit/audit.service.js';
import type { Viewer } from './viewer.js';

/** One holder of the global "can use" permission. */
export interface UseGrant {
  kind: 'group' | 'user';
  /** Group name or username, as the forms send it back. */
  name: string;
  label: string;
}

interface GrantInput {
  kind?: unknown;
  name?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/**
 * The global "can use" permission, by group or user: without it a signed-in user holds no space
 * permission at all (globalUseSql). Administering is membership of confluence-administrators.
 * Every change is audited.
 */
@Injectable()
export class GlobalPermissionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async listUseGrants(): Promise<UseGrant[]> {
    return this.dataSource.query(
      `SELECT CASE WHEN gp.group_id IS NOT NULL THEN 'group' ELSE 'user' END AS kind,
              coalesce(g.name, u.username) AS name,
              coalesce(g.name, u.full_name || ' (' || u.username || ')') AS label
         FROM global_permissions gp LEFT JOIN groups g ON g.id = gp.group_id LEFT JOIN users u ON u.id = gp.user_id
        WHERE gp.permission = 'use' ORDER BY 1, 2`,
    );
  }

  /** Grants "can use"; refused, with nothing written, for an unknown group or user. */
  async grantUse(actor: Viewer, input: GrantInput): Promise<UseGrant> {
    const subject = await this.subject(input);
    await this.dataSource.transaction(async (tx) => {
      const rows: unknown[] = await tx.query(
        `INSERT INTO global_permissions (group_id, user_id, permission) VALUES ($1, $2, 'use') ON CONFLICT DO NOTHING RETURNING id`,
        [subject.groupId, subject.userId],
      );
      if (!rows.length) return;
      await this.audit.record(
        { actorId: actor.userId, action: 'global.permission-granted', summary: `Granted "can use" to ${subject.kind} ${subject.name}` },
        tx,
      );
    });
    return subject;
  }

  /** Takes "can use" away; nothing to do when the group or user did not hold it. */
  async revokeUse(actor: Viewer, input: GrantInput): Promise<UseGrant> {
    const subject = await this.subject(input);
    await this.dataSource.transaction(async (tx) => {
      const [, removed] = await tx.query(
        `DELETE FROM global_permissions WHERE permission = 'use' AND group_id IS NOT DISTINCT FROM $1 AND user_id IS NOT DISTINCT FROM $2::uuid`,
        [subject.groupId, subject.userId],
      );
      if (!removed) return;
      await this.audit.record(
        { actorId: actor.userId, action: 'global.permission-revoked', summary: `Took "can use" away from ${subject.kind} ${subject.name}` },
        tx,
      );
    });
    return subject;
  }

  private async subject(input: GrantInput): Promise<UseGrant & { groupId: number | null; userId: string | null }> {
    const kind = input.kind === 'user' ? 'user' : input.kind === 'group' ? 'group' : null;
    const name = text(input.name);
    if (!kind) throw new UserInputError({ kind: 'Choose a group or a user.' });
    if (!name) throw new UserInputError({ name: `Enter the ${kind === 'group' ? 'group name' : 'username'}.` });
    if (kind === 'group') {
      const [row] = await this.dataSource.query(`SELECT id, name FROM groups WHERE name = lower($1)`, [name]);
      if (!row) throw new UserInputError({ name: `No group named "${name}".` });
      return { kind, name: row.name, label: row.name, groupId: row.id, userId: null };
    }
    const [row] = await this.dataSource.query(`SELECT id, username, full_name AS "fullName" FROM users WHERE lower(username) = lower($1)`, [name]);
    if (!row) throw new UserInputError({ name: `No user named "${name}".` });
    return { kind, name: row.username, label: `${row.fullName} (${row.username})`, groupId: null, userId: row.id };
  }
}
