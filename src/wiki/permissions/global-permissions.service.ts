import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserInputError } from '../../users/user-input.error.js';
import { text } from '../../users/user-rules.js';
import { AuditService } from '../../audit/audit.service.js';
import { findSubject, noSuchSubject, type PermissionSubject } from './permission-subject.js';
import type { Viewer } from './viewer.js';

/** One holder of the global "can use" permission. */
export type UseGrant = Pick<PermissionSubject, 'kind' | 'name' | 'label'>;

interface GrantInput {
  kind?: unknown;
  name?: unknown;
}

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

  private async subject(input: GrantInput): Promise<PermissionSubject> {
    const kind = input.kind === 'user' ? 'user' : input.kind === 'group' ? 'group' : null;
    const name = text(input.name);
    if (!kind) throw new UserInputError({ kind: 'Choose a group or a user.' });
    if (!name) throw new UserInputError({ name: `Enter the ${kind === 'group' ? 'group name' : 'username'}.` });
    const subject = await findSubject(this.dataSource, kind, name);
    if (!subject) throw new UserInputError({ name: noSuchSubject(kind, name) });
    return subject;
  }
}
