import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UserInputError } from '../../users/user-input.error.js';
import { AuditService } from '../../audit/audit.service.js';
import { findSubject, noSuchSubject } from './permission-subject.js';
import { PermissionService } from './permission.service.js';
import { SPACE_PERMISSIONS, type SpacePermission, type Viewer } from './viewer.js';

/** One row of the space permissions grid: a group, a user, or anonymous visitors. */
export interface GrantRow {
  kind: 'group' | 'user' | 'anonymous';
  /** Group name, username, or '' for anonymous. */
  name: string;
  label: string;
  permissions: SpacePermission[];
}

/** "granted devs view, comment; took away edit from confluence-users", from two grant lists. */
function describeChange(before: string[], after: string[]): string {
  const byWho = (lines: string[]) => {
    const map = new Map<string, string[]>();
    for (const line of lines) {
      const at = line.lastIndexOf(':');
      map.set(line.slice(0, at), [...(map.get(line.slice(0, at)) ?? []), line.slice(at + 1)]);
    }
    return [...map].map(([who, permissions]) => `${who} ${permissions.join(', ')}`);
  };
  const granted = byWho(after.filter((l) => !before.includes(l)));
  const taken = byWho(before.filter((l) => !after.includes(l)));
  const parts = [granted.length ? `granted ${granted.join('; ')}` : '', taken.length ? `took away ${taken.join('; ')}` : ''];
  return parts.filter(Boolean).join('; ') || 'no change';
}

/** Reads and replaces a space's permission grid; every change is audited. */
@Injectable()
export class SpacePermissionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly permissions: PermissionService,
    private readonly audit: AuditService,
  ) {}

  async listGrants(viewer: Viewer, spaceId: number): Promise<GrantRow[]> {
    await this.permissions.assertSpace(viewer, spaceId, 'admin');
    const rows: { kind: GrantRow['kind']; name: string; label: string; permissions: SpacePermission[] }[] =
      await this.dataSource.query(
        `SELECT CASE WHEN sp.group_id IS NOT NULL THEN 'group' WHEN sp.user_id IS NOT NULL THEN 'user' ELSE 'anonymous' END AS kind,
                coalesce(g.name, u.username, '') AS name,
                coalesce(g.name, u.full_name || ' (' || u.username || ')', 'Anonymous') AS label,
                array_agg(sp.permission ORDER BY sp.permission) AS permissions
           FROM space_permissions sp LEFT JOIN groups g ON g.id = sp.group_id LEFT JOIN users u ON u.id = sp.user_id
          WHERE sp.space_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2`,
        [spaceId],
      );
    if (!rows.some((r) => r.kind === 'anonymous')) rows.push({ kind: 'anonymous', name: '', label: 'Anonymous', permissions: [] });
    return rows;
  }

  /** The space's grants as "who:permission" lines, who being a group, a username or "anonymous". */
  private async grantLines(tx: EntityManager, spaceId: number): Promise<string[]> {
    const rows: { line: string }[] = await tx.query(
      `SELECT coalesce('group ' || g.name, 'user ' || u.username, 'anonymous') || ':' || sp.permission AS line
         FROM space_permissions sp LEFT JOIN groups g ON g.id = sp.group_id LEFT JOIN users u ON u.id = sp.user_id
        WHERE sp.space_id = $1 ORDER BY 1`,
      [spaceId],
    );
    return rows.map((r) => r.line);
  }

  /**
   * Replaces the grid with `grants` in one transaction. Unknown groups or users are
   * refused with nothing changed; anonymous visitors may at most view and comment.
   */
  async replaceGrants(viewer: Viewer, spaceId: number, grants: GrantRow[]): Promise<void> {
    await this.permissions.assertSpace(viewer, spaceId, 'admin');
    const errors: string[] = [];
    for (const g of grants) {
      const bad = g.permissions.filter((p) => !SPACE_PERMISSIONS.includes(p));
      if (bad.length) errors.push(`Unknown permission ${bad.join(', ')}.`);
      if (g.kind === 'anonymous' && g.permissions.some((p) => p !== 'view' && p !== 'comment')) {
        errors.push('Anonymous visitors may only view and comment.');
      }
    }
    if (!grants.some((g) => g.kind !== 'anonymous' && g.permissions.includes('admin'))) {
      errors.push('Keep at least one group or user with the admin permission.');
    }
    if (errors.length) throw new UserInputError({ permissions: [...new Set(errors)].join(' ') });

    await this.dataSource.transaction(async (tx) => {
      const before = await this.grantLines(tx, spaceId);
      await tx.query(`DELETE FROM space_permissions WHERE space_id = $1`, [spaceId]);
      for (const g of grants) {
        if (!g.permissions.length) continue;
        // Anonymous visitors' grant names nobody.
        const subject = g.kind === 'anonymous' ? null : await findSubject(tx, g.kind, g.name);
        if (g.kind !== 'anonymous' && !subject) throw new UserInputError({ permissions: noSuchSubject(g.kind, g.name) });
        await tx.query(
          `INSERT INTO space_permissions (space_id, group_id, user_id, permission) SELECT $1, $2, $3, unnest($4::varchar[])
           ON CONFLICT DO NOTHING`,
          [spaceId, subject?.groupId ?? null, subject?.userId ?? null, [...new Set(g.permissions)]],
        );
      }
      const after = await this.grantLines(tx, spaceId);
      await this.audit.record(
        {
          actorId: viewer.userId,
          action: 'space.permissions-changed',
          spaceId,
          summary: `Changed space permissions: ${describeChange(before, after)}`,
          details: { grants: grants.map((g) => ({ kind: g.kind, name: g.name, permissions: g.permissions })) },
        },
        tx,
      );
    });
  }
}
