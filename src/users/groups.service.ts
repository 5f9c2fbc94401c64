import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { BUILT_IN_GROUPS } from './group.entity.js';
import { UserInputError, uniqueViolationField } from './user-input.error.js';
import { groupNameError, text } from './user-rules.js';
import { USER_SUMMARY_SELECT, type UserSummary } from './user-summary.js';
import { UsersService } from './users.service.js';

export interface GroupSummary {
  id: number;
  name: string;
  members: number;
  builtIn: boolean;
}

/** Group pages list this many members; the page says when there are more. */
export const MEMBER_PAGE = 1000;

const LAST_ADMIN = 'confluence-administrators must keep at least one active member.';

@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async listGroups(): Promise<GroupSummary[]> {
    const rows: { id: number; name: string; members: number }[] = await this.dataSource.query(
      `SELECT g.id, g.name, (SELECT count(*)::int FROM user_groups ug WHERE ug.group_id = g.id) AS members
         FROM groups g ORDER BY g.name`,
    );
    return rows.map((r) => ({ ...r, builtIn: BUILT_IN_GROUPS.includes(r.name) }));
  }

  async findGroup(name: string): Promise<GroupSummary | null> {
    const rows: { id: number; name: string; members: number }[] = await this.dataSource.query(
      `SELECT g.id, g.name, (SELECT count(*)::int FROM user_groups ug WHERE ug.group_id = g.id) AS members
         FROM groups g WHERE g.name = lower($1)`,
      [name],
    );
    return rows[0] ? { ...rows[0], builtIn: BUILT_IN_GROUPS.includes(rows[0].name) } : null;
  }

  /** Group names are stored in lower case, as Confluence does. */
  async createGroup(rawName: unknown, actorId: string | null = null): Promise<GroupSummary> {
    const name = text(rawName).toLowerCase();
    const error = groupNameError(name);
    if (error) throw new UserInputError({ name: error });
    try {
      await this.dataSource.transaction(async (tx) => {
        await tx.query(`INSERT INTO groups (name) VALUES ($1)`, [name]);
        await this.audit.record({ actorId, action: 'group.created', summary: `Created group ${name}` }, tx);
      });
    } catch (e) {
      if (uniqueViolationField(e) === 'name') throw new UserInputError({ name: 'A group with this name already exists.' });
      throw e;
    }
    return (await this.findGroup(name))!;
  }

  async deleteGroup(name: string, actorId: string | null = null): Promise<void> {
    const group = await this.requireGroup(name);
    if (group.builtIn) throw new UserInputError({ name: `${group.name} is built in and cannot be deleted.` });
    await this.dataSource.transaction(async (tx) => {
      // A page restricted to this group alone would open up to its whole space if the group
      // went (its restriction rows go with it): refused until the restrictions name someone else.
      const [{ pages }] = await tx.query(`SELECT count(DISTINCT page_id)::int AS pages FROM page_restrictions WHERE group_id = $1`, [group.id]);
      if (pages) {
        throw new UserInputError({
          name: `${group.name} is named in the restrictions of ${pages} page${pages === 1 ? '' : 's'}. Remove it from those restrictions first, so that those pages do not open up. Nothing was changed.`,
        });
      }
      await tx.query(`DELETE FROM groups WHERE id = $1`, [group.id]);
      await this.audit.record({ actorId, action: 'group.deleted', summary: `Deleted group ${group.name} (${group.members} members)` }, tx);
    });
  }

  async listMembers(name: string): Promise<UserSummary[]> {
    const group = await this.requireGroup(name);
    return this.dataSource.query(
      `${USER_SUMMARY_SELECT} WHERE u.id IN (SELECT user_id FROM user_groups WHERE group_id = $1)
       ORDER BY lower(u.username) LIMIT ${MEMBER_PAGE}`,
      [group.id],
    );
  }

  async addMember(groupName: string, rawUsername: unknown, actorId: string | null = null): Promise<void> {
    const group = await this.requireGroup(groupName);
    const username = text(rawUsername);
    const user = username ? await this.users.findByUsername(username) : null;
    if (!user) throw new UserInputError({ username: username ? `No user named "${username}".` : 'Enter a username.' });
    await this.insertMembership(user.id, group, actorId);
  }

  /** Group memberships grant and take away access, so each change is audited (actor null: SSO). */
  async removeMember(groupName: string, userId: string, actorId: string | null = null): Promise<void> {
    const group = await this.requireGroup(groupName);
    await this.dataSource.transaction(async (tx) => {
      const [removed] = await tx.query(
        `DELETE FROM user_groups ug USING users u WHERE ug.group_id = $1 AND ug.user_id = $2 AND u.id = ug.user_id RETURNING u.username`,
        [group.id, userId],
      );
      await this.assertAdminsRemain(tx);
      if (removed?.length) {
        await this.audit.record({ actorId, action: 'group.member-removed', summary: `Removed ${removed[0].username} from group ${group.name}` }, tx);
      }
    });
  }

  /** Adds one membership; false when the user already had it. */
  async addUserToGroup(userId: string, groupName: string, actorId: string | null = null): Promise<boolean> {
    return this.insertMembership(userId, await this.requireGroup(groupName), actorId);
  }

  /** One statement adds the membership and names the user for the audit entry (SSO group sync calls this per login). */
  private async insertMembership(userId: string, group: GroupSummary, actorId: string | null): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const [added] = await tx.query(
        `WITH added AS (INSERT INTO user_groups (user_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id)
         SELECT u.username FROM added JOIN users u ON u.id = added.user_id`,
        [userId, group.id],
      );
      if (!added) return false;
      await this.audit.record({ actorId, action: 'group.member-added', summary: `Added ${added.username} to group ${group.name}` }, tx);
      return true;
    });
  }

  /** Replaces a user's memberships with exactly `names`, in one transaction. */
  async setUserGroups(userId: string, names: string[], actorId: string | null = null): Promise<void> {
    const user = await this.users.requireUser(userId);
    const wanted = [...new Set(names.map((n) => n.toLowerCase()))];
    await this.dataSource.transaction(async (tx) => {
      const groups: { id: number; name: string }[] = await tx.query(
        `SELECT id, name FROM groups WHERE name = ANY($1)`,
        [wanted],
      );
      const missing = wanted.filter((n) => !groups.some((g) => g.name === n));
      if (missing.length) throw new UserInputError({ groups: `No such group: ${missing.join(', ')}.` });
      await tx.query(`DELETE FROM user_groups WHERE user_id = $1`, [userId]);
      await tx.query(`INSERT INTO user_groups (user_id, group_id) SELECT $1, unnest($2::int[])`, [
        userId,
        groups.map((g) => g.id),
      ]);
      await this.assertAdminsRemain(tx);
      const added = wanted.filter((n) => !user.groups.includes(n));
      const removed = user.groups.filter((n) => !wanted.includes(n));
      if (added.length || removed.length) {
        const parts = [added.length ? `added to ${added.join(', ')}` : '', removed.length ? `removed from ${removed.join(', ')}` : ''];
        await this.audit.record(
          { actorId, action: 'user.groups-changed', summary: `${user.username}: ${parts.filter(Boolean).join('; ')}`, details: { added, removed } },
          tx,
        );
      }
    });
  }

  private async assertAdminsRemain(tx: EntityManager): Promise<void> {
    // Rolls the transaction back if it would lock every administrator out.
    await this.users.lockAdmins(tx);
    if ((await this.users.countActiveAdmins(tx)) === 0) throw new UserInputError({ groups: LAST_ADMIN });
  }

  private async requireGroup(name: string): Promise<GroupSummary> {
    const group = await this.findGroup(name);
    if (!group) throw new NotFoundException(`No group named "${name}".`);
    return group;
  }
}
