import { NotFoundException } from '@nestjs/common';
import { releaseTogether } from '../../test/helpers/race.js';
import { startTestServices, type TestServices } from '../../test/helpers/test-services.js';
import { ADMINS_GROUP, USERS_GROUP } from './group.entity.js';
import { GroupsService } from './groups.service.js';
import { UserInputError } from './user-input.error.js';
import type { UserSummary } from './user-summary.js';
import { UsersService, type NewUserInput } from './users.service.js';

const LAST_ADMIN = { groups: 'confluence-administrators must keep at least one active member.' };

describe('GroupsService', () => {
  let s: TestServices;
  let groups: GroupsService;
  let users: UsersService;
  let admin: UserSummary;
  let sequence = 0;

  function addUser(overrides: Partial<NewUserInput> = {}, extraGroups: string[] = []): Promise<UserSummary> {
    sequence += 1;
    return users.createUser(
      { username: `member${sequence}`, fullName: `Member ${sequence}`, email: `member${sequence}@example.com`, ...overrides },
      { requirePassword: false, groups: extraGroups },
    );
  }

  async function inputError(work: Promise<unknown>): Promise<Record<string, string>> {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserInputError);
    return (error as UserInputError).fieldErrors;
  }

  const groupNames = async () => (await groups.listGroups()).map((g) => g.name);
  const membershipsOf = async (id: string) => (await users.findById(id))!.groups;

  beforeAll(async () => {
    s = await startTestServices();
    groups = s.module.get(GroupsService);
    users = s.module.get(UsersService);
    await users.ensureInitialAdmin('admin-password-1');
    admin = (await users.findByUsername('admin'))!;
  });
  afterAll(() => s.close());

  it('lists groups by name, flagging the built-in ones, with member counts', async () => {
    await addUser();
    expect(await groups.listGroups()).toEqual([
      { id: expect.any(Number), name: ADMINS_GROUP, members: 1, builtIn: true },
      { id: expect.any(Number), name: USERS_GROUP, members: 2, builtIn: true },
    ]);
  });

  describe('createGroup', () => {
    it('stores the name trimmed and in lower case', async () => {
      const group = await groups.createGroup('  Design Team ');
      expect(group).toMatchObject({ name: 'design team', members: 0, builtIn: false });
      expect(await groups.findGroup('DESIGN TEAM')).toMatchObject({ id: group.id });
    });

    it.each([
      ['a duplicate in another case', 'DESIGN team', 'A group with this name already exists.'],
      ['an empty name', '  ', 'Enter a group name.'],
      ['a non-string', 42, 'Enter a group name.'],
      ['a 256-character name', 'g'.repeat(256), 'Group name must be at most 255 characters.'],
      ['a control character', 'tab\there', 'Group name cannot contain control characters.'],
    ])('refuses %s and writes nothing', async (_what, name, message) => {
      const before = await groupNames();
      expect(await inputError(groups.createGroup(name))).toEqual({ name: message });
      expect(await groupNames()).toEqual(before);
    });

    it('accepts a 255-character name', async () => {
      expect((await groups.createGroup('h'.repeat(255))).name).toHaveLength(255);
    });
  });

  describe('members', () => {
    it('adds a member by username in any case, once', async () => {
      await groups.createGroup('crew');
      const user = await addUser({ username: 'Zoe' });
      await groups.addMember('crew', 'ZOE');
      await groups.addMember('CREW', 'zoe');
      expect((await groups.listMembers('crew')).map((u) => u.username)).toEqual(['Zoe']);
      expect(await membershipsOf(user.id)).toEqual(['confluence-users', 'crew']);
    });

    it('refuses an unknown or empty username and adds nobody', async () => {
      expect(await inputError(groups.addMember('crew', 'ghost'))).toEqual({ username: 'No user named "ghost".' });
      expect(await inputError(groups.addMember('crew', ''))).toEqual({ username: 'Enter a username.' });
      expect(await inputError(groups.addMember('crew', ['zoe']))).toEqual({ username: 'Enter a username.' });
      expect((await groups.listMembers('crew')).map((u) => u.username)).toEqual(['Zoe']);
    });

    it('answers NotFound for a group that does not exist', async () => {
      await expect(groups.addMember('nope', 'Zoe')).rejects.toBeInstanceOf(NotFoundException);
      await expect(groups.listMembers('nope')).rejects.toBeInstanceOf(NotFoundException);
      await expect(groups.deleteGroup('nope')).rejects.toBeInstanceOf(NotFoundException);
    });

    it('removes a member', async () => {
      const zoe = (await users.findByUsername('zoe'))!;
      await groups.removeMember('crew', zoe.id);
      expect(await groups.listMembers('crew')).toEqual([]);
      expect(await users.findById(zoe.id)).not.toBeNull();
    });

    it('refuses to remove the last active administrator, and rolls back', async () => {
      expect(await inputError(groups.removeMember(ADMINS_GROUP, admin.id))).toEqual(LAST_ADMIN);
      expect(await membershipsOf(admin.id)).toEqual([ADMINS_GROUP, USERS_GROUP]);
    });

    it('keeps one active administrator when two are removed at once', async () => {
      const a = await addUser({}, [ADMINS_GROUP]);
      const b = await addUser({}, [ADMINS_GROUP]);
      await s.db.query(`UPDATE users SET active = false WHERE id = $1`, [admin.id]);
      try {
        const results = await releaseTogether(
          s.config.databaseUrl,
          { sql: `SELECT 1 FROM user_groups WHERE user_id = ANY($1) FOR UPDATE`, params: [[a.id, b.id]] },
          2,
          () => [groups.removeMember(ADMINS_GROUP, a.id), groups.removeMember(ADMINS_GROUP, b.id)],
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await users.countActiveAdmins()).toBe(1);
      } finally {
        await s.db.query(`UPDATE users SET active = true WHERE id = $1`, [admin.id]);
        for (const user of [a, b]) await s.db.query(`DELETE FROM users WHERE id = $1`, [user.id]);
      }
    });

    it('lets an administrator go while another active one remains', async () => {
      const other = await addUser({}, [ADMINS_GROUP]);
      await groups.removeMember(ADMINS_GROUP, other.id);
      expect(await membershipsOf(other.id)).toEqual([USERS_GROUP]);
    });
  });

  describe('deleteGroup', () => {
    it('deletes a group and its memberships, not its members', async () => {
      await groups.createGroup('temporary');
      const user = await addUser({}, ['temporary']);
      await groups.deleteGroup('Temporary');
      expect(await groupNames()).not.toContain('temporary');
      expect(await membershipsOf(user.id)).toEqual([USERS_GROUP]);
    });

    it.each([USERS_GROUP, ADMINS_GROUP])('never deletes the built-in %s', async (name) => {
      expect(await inputError(groups.deleteGroup(name))).toEqual({ name: `${name} is built in and cannot be deleted.` });
      expect(await groupNames()).toContain(name);
    });
  });

  describe('setUserGroups', () => {
    it('replaces the memberships with exactly the given groups, in any case', async () => {
      await groups.createGroup('alpha');
      await groups.createGroup('beta');
      const user = await addUser({}, ['alpha']);
      await groups.setUserGroups(user.id, ['BETA', 'confluence-users', 'beta']);
      expect(await membershipsOf(user.id)).toEqual(['beta', USERS_GROUP]);
      await groups.setUserGroups(user.id, []);
      expect(await membershipsOf(user.id)).toEqual([]);
    });

    it('refuses an unknown group and keeps the old memberships', async () => {
      const user = await addUser({}, ['alpha']);
      expect(await inputError(groups.setUserGroups(user.id, ['beta', 'gamma', 'delta']))).toEqual({
        groups: 'No such group: gamma, delta.',
      });
      expect(await membershipsOf(user.id)).toEqual(['alpha', USERS_GROUP]);
    });

    it('refuses to leave no active administrator, and rolls back', async () => {
      expect(await inputError(groups.setUserGroups(admin.id, [USERS_GROUP, 'alpha']))).toEqual(LAST_ADMIN);
      expect(await membershipsOf(admin.id)).toEqual([ADMINS_GROUP, USERS_GROUP]);
    });

    it('does not count a deactivated administrator', async () => {
      const dormant = await addUser({}, [ADMINS_GROUP]);
      await s.db.query(`UPDATE users SET active = false WHERE id = $1`, [dormant.id]);
      expect(await inputError(groups.setUserGroups(admin.id, [USERS_GROUP]))).toEqual(LAST_ADMIN);
      expect(await membershipsOf(admin.id)).toEqual([ADMINS_GROUP, USERS_GROUP]);
    });

    it('answers NotFound for an unknown user', async () => {
      await expect(groups.setUserGroups('00000000-0000-4000-8000-000000000000', [USERS_GROUP])).rejects.toBeInstanceOf(
        NotFoundException,
      );
    });
  });
});
