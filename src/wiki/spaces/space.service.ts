import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../database/prepared-query.js';
import { USERS_GROUP } from '../../users/group.entity.js';
import { UserInputError } from '../../users/user-input.error.js';
import { AuditService } from '../../audit/audit.service.js';
import { PermissionService, spaceGrantSql } from '../permissions/permission.service.js';
import { SPACE_PERMISSIONS, type Viewer } from '../permissions/viewer.js';
import { sanitizeStorage } from '../content/storage-sanitizer.js';

export interface Space {
  id: number;
  key: string;
  name: string;
  description: string;
  homepageId: string | null;
  createdAt: Date;
}

const SELECT_SPACE = `SELECT s.id, s.key, s.name, s.description, s.homepage_id AS "homepageId", s.created_at AS "createdAt" FROM spaces s`;
const KEY = /^[A-Z0-9]{1,32}$/;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

@Injectable()
export class SpaceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly permissions: PermissionService,
    private readonly audit: AuditService,
  ) {}

  /** The space directory: only spaces the viewer may view. */
  async listSpaces(viewer: Viewer): Promise<Space[]> {
    const where = viewer.isAdmin ? '' : `WHERE ${spaceGrantSql('s.id', 'view', '$1')}`;
    return preparedQuery<Space>(this.dataSource, `${SELECT_SPACE} ${where} ORDER BY s.name, s.key`, viewer.isAdmin ? [] : [viewer.userId]);
  }

  async findByKey(key: string): Promise<Space | null> {
    const rows = await preparedQuery<Space>(this.dataSource, `${SELECT_SPACE} WHERE s.key = $1`, [key.toUpperCase()]);
    return rows[0] ?? null;
  }

  /** The space, if the viewer may see it; 404 otherwise, so hidden spaces stay hidden. */
  async requireVisible(viewer: Viewer, key: string): Promise<Space> {
    const space = await this.findByKey(key);
    if (!space) throw new NotFoundException('There is no space with this key, or you may not see it.');
    await this.permissions.assertSpace(viewer, space.id, 'view');
    return space;
  }

  /**
   * Creates the space with its home page in one transaction. confluence-users may view,
   * edit, comment and attach; the creator holds every permission.
   */
  async createSpace(viewer: Viewer, input: { key?: unknown; name?: unknown; description?: unknown }): Promise<Space> {
    if (!viewer.userId) throw new UserInputError({ key: 'Log in to create a space.' });
    await this.permissions.assertCanCreateSpace(viewer);
    const key = text(input.key).toUpperCase();
    const name = text(input.name);
    const description = text(input.description);
    const errors: Record<string, string> = {};
    if (!KEY.test(key)) errors.key = 'The space key uses 1 to 32 letters A–Z and digits 0–9.';
    if (!name) errors.name = 'Enter a space name.';
    else if (name.length > 200) errors.name = 'The space name must be at most 200 characters.';
    if (description.length > 2000) errors.description = 'The description must be at most 2000 characters.';
    if (!errors.key && (await this.findByKey(key))) errors.key = `A space with the key ${key} already exists.`;
    if (Object.keys(errors).length) throw new UserInputError(errors);

    try {
      await this.dataSource.transaction(async (tx) => {
        const [space] = await tx.query(
          `INSERT INTO spaces (key, name, description, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
          [key, name, description, viewer.userId],
        );
        const body = sanitizeStorage(`<p>Welcome to ${name.replace(/[<&]/g, '')}.</p>`);
        const [page] = await tx.query(
          `INSERT INTO pages (space_id, title, body, created_by, updated_by) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
          [space.id, `${name} Home`.slice(0, 255), body, viewer.userId],
        );
        await tx.query(
          `INSERT INTO page_versions (page_id, version, title, body, author_id) SELECT id, 1, title, body, created_by FROM pages WHERE id = $1`,
          [page.id],
        );
        await tx.query(`UPDATE spaces SET homepage_id = $2 WHERE id = $1`, [space.id, page.id]);
        await tx.query(
          `INSERT INTO space_permissions (space_id, group_id, permission)
           SELECT $1, g.id, p FROM groups g, unnest(ARRAY['view','edit','comment','attach']) p WHERE g.name = $2`,
          [space.id, USERS_GROUP],
        );
        await tx.query(
          `INSERT INTO space_permissions (space_id, user_id, permission) SELECT $1, $2, unnest($3::varchar[])`,
          [space.id, viewer.userId, [...SPACE_PERMISSIONS]],
        );
        await this.audit.record(
          { actorId: viewer.userId, action: 'space.created', spaceId: space.id, summary: `Created space ${key} (${name})` },
          tx,
        );
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new UserInputError({ key: `A space with the key ${key} already exists.` });
      }
      throw error;
    }
    return (await this.findByKey(key))!;
  }

  async updateSpace(viewer: Viewer, key: string, input: { name?: unknown; description?: unknown }): Promise<Space> {
    const space = await this.requireVisible(viewer, key);
    await this.permissions.assertSpace(viewer, space.id, 'admin');
    const name = text(input.name);
    const description = text(input.description);
    const errors: Record<string, string> = {};
    if (!name) errors.name = 'Enter a space name.';
    else if (name.length > 200) errors.name = 'The space name must be at most 200 characters.';
    if (description.length > 2000) errors.description = 'The description must be at most 2000 characters.';
    if (Object.keys(errors).length) throw new UserInputError(errors);
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE spaces SET name = $2, description = $3, updated_at = now() WHERE id = $1`, [
        space.id,
        name,
        description,
      ]);
      await this.audit.record({ actorId: viewer.userId, action: 'space.updated', spaceId: space.id, summary: `Renamed space ${key} to ${name}` }, tx);
    });
    return (await this.findByKey(key))!;
  }
}
