import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupsService } from '../users/groups.service.js';
import type { IdentityProvider } from './identity-provider.js';
import type { SsoIdentity } from './sso-identity.js';

/**
 * Optional group sync from the IdP's groups claim. It manages only the groups named in
 * the mappings, and only removes memberships it granted itself (sso_group_grants), never
 * one an admin gave.
 */
@Injectable()
export class GroupSyncService {
  private readonly logger = new Logger(GroupSyncService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: GroupsService,
  ) {}

  async syncGroups(idp: IdentityProvider, userId: string, identity: SsoIdentity): Promise<void> {
    const { groupSync, groupsAttribute, groupMappings } = idp.settings;
    if (!groupSync || !groupsAttribute || !groupMappings.length) return;
    const claims = new Set((identity.attributes[groupsAttribute] ?? []).map((c) => c.toLowerCase()));
    const wanted = new Set(groupMappings.filter((m) => claims.has(m.claim.toLowerCase())).map((m) => m.group));
    const managed = new Set(groupMappings.map((m) => m.group));
    const grants: { name: string }[] = await this.dataSource.query(
      `SELECT g.name FROM sso_group_grants s JOIN groups g ON g.id = s.group_id WHERE s.idp_id = $1 AND s.user_id = $2`,
      [idp.id, userId],
    );
    const granted = new Set(grants.map((g) => g.name));

    for (const group of managed) {
      try {
        if (wanted.has(group) && !granted.has(group)) {
          // Record a grant only when sync itself added the membership.
          if (await this.groups.addUserToGroup(userId, group)) await this.setGrant(idp.id, userId, group, true);
        } else if (!wanted.has(group) && granted.has(group)) {
          await this.groups.removeMember(group, userId);
          await this.setGrant(idp.id, userId, group, false);
        }
      } catch (error) {
        this.logger.warn(`Group sync for ${group} skipped: ${(error as Error).message}`);
      }
    }
  }

  private async setGrant(idpId: number, userId: string, group: string, on: boolean): Promise<void> {
    await this.dataSource.query(
      on
        ? `INSERT INTO sso_group_grants (idp_id, user_id, group_id) SELECT $1, $2, id FROM groups WHERE name = $3
           ON CONFLICT DO NOTHING`
        : `DELETE FROM sso_group_grants WHERE idp_id = $1 AND user_id = $2 AND group_id = (SELECT id FROM groups WHERE name = $3)`,
      [idpId, userId, group],
    );
  }
}
