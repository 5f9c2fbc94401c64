import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserInputError } from '../../users/user-input.error.js';
import { AuditService } from '../../audit/audit.service.js';
import { findSubject, noSuchSubject } from './permission-subject.js';
import { PermissionService, type PageAction } from './permission.service.js';
import type { Viewer } from './viewer.js';

export interface Restriction {
  kind: 'view' | 'edit';
  subject: 'group' | 'user';
  name: string;
  label: string;
}

/**
 * Page view and edit restrictions. View restrictions also hide the page's descendants,
 * as in Confluence; edit restrictions apply to the page alone.
 */
/** Who changes a page's restrictions: those who may edit it, and space admins. */
export function mayChangeRestrictions(held: Set<PageAction>): boolean {
  return held.has('edit') || held.has('admin');
}

@Injectable()
export class PageRestrictionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly permissions: PermissionService,
    private readonly audit: AuditService,
  ) {}

  async listRestrictions(pageId: string): Promise<Restriction[]> {
    return this.dataSource.query(
      `SELECT r.kind, CASE WHEN r.group_id IS NOT NULL THEN 'group' ELSE 'user' END AS subject,
              coalesce(g.name, u.username) AS name, coalesce(g.name, u.full_name || ' (' || u.username || ')') AS label
         FROM page_restrictions r LEFT JOIN groups g ON g.id = r.group_id LEFT JOIN users u ON u.id = r.user_id
        WHERE r.page_id = $1 ORDER BY r.kind, 2, 3`,
      [pageId],
    );
  }

  /** Who may change restrictions: those who may edit the page, or space admins. */
  private async assertManage(viewer: Viewer, pageId: string): Promise<number> {
    const held = await this.permissions.assertPage(viewer, pageId, 'view');
    if (!mayChangeRestrictions(held)) throw new ForbiddenException('You may not change the restrictions of this page.');
    const [page] = await this.dataSource.query(`SELECT space_id FROM pages WHERE id = $1`, [pageId]);
    return page.space_id;
  }

  /**
   * Adds a group or user to the view or edit list. The first restriction of a kind also
   * lists the person setting it, so nobody locks themselves out.
   */
  async addRestriction(viewer: Viewer, pageId: string, input: { kind?: unknown; subject?: unknown; name?: unknown }): Promise<void> {
    const spaceId = await this.assertManage(viewer, pageId);
    const kind = input.kind === 'edit' ? 'edit' : input.kind === 'view' ? 'view' : null;
    const subject = input.subject === 'user' ? 'user' : input.subject === 'group' ? 'group' : null;
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!kind || !subject || !name) throw new UserInputError({ restriction: 'Choose view or edit, a group or user, and a name.' });
    const target = await findSubject(this.dataSource, subject, name);
    if (!target) throw new UserInputError({ restriction: noSuchSubject(subject, name) });
    await this.dataSource.transaction(async (tx) => {
      // Waits for a deletion of the parent that is copying its view restriction here (PageService.trashPage).
      await tx.query(`SELECT 1 FROM pages WHERE id = $1 FOR SHARE`, [pageId]);
      const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM page_restrictions WHERE page_id = $1 AND kind = $2`, [pageId, kind]);
      if (n === 0 && viewer.userId) {
        await tx.query(`INSERT INTO page_restrictions (page_id, kind, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [pageId, kind, viewer.userId]);
      }
      await tx.query(
        `INSERT INTO page_restrictions (page_id, kind, group_id, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [pageId, kind, target.groupId, target.userId],
      );
      await this.audit.record({ actorId: viewer.userId, action: 'page.restriction-added', spaceId, pageId, summary: `Restricted ${kind} to ${subject} ${name}` }, tx);
    });
  }

  async removeRestriction(viewer: Viewer, pageId: string, input: { kind?: unknown; subject?: unknown; name?: unknown }): Promise<void> {
    const spaceId = await this.assertManage(viewer, pageId);
    const name = typeof input.name === 'string' ? input.name : '';
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM page_restrictions r WHERE r.page_id = $1 AND r.kind = $2 AND (
           ($3 = 'group' AND r.group_id = (SELECT id FROM groups WHERE name = lower($4))) OR
           ($3 = 'user' AND r.user_id = (SELECT id FROM users WHERE lower(username) = lower($4))))`,
        [pageId, input.kind, input.subject, name],
      );
      await this.audit.record({ actorId: viewer.userId, action: 'page.restriction-removed', spaceId, pageId, summary: `Removed ${String(input.kind)} restriction for ${String(input.subject)} ${name}` }, tx);
    });
  }
}
