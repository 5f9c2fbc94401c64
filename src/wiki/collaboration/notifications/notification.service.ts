import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../../database/prepared-query.js';
import { SessionUserColumns } from '../../../sessions/session-user-columns.js';
import { ADMINS_GROUP } from '../../../users/group.entity.js';
import { PageEventsService, type PageEvent } from '../../pages/page-events.service.js';
import { pageVisibleSql, pageVisibleToSql } from '../../permissions/permission.service.js';
import type { Viewer } from '../../permissions/viewer.js';
import { pageUrl, spaceUrl } from '../../wiki-urls.js';
import { NotificationMailer } from './notification-mailer.service.js';
import { notificationVerb, unreadBadge } from './notification-text.js';

export const NOTIFICATION_PAGE_SIZE = 50;
const ID = /^\d{1,18}$/;
/** The session column (SessionUserColumns) holding the signed-in user's unread count. */
export const UNREAD_COLUMN = 'unreadNotifications';

/**
 * The user's unread notifications about pages they may view now, counted up to the badge's cap
 * (100 rows): `userId` a uuid expression, `isAdmin` a boolean one.
 */
function unreadCountSql(userId: string, isAdmin: string): string {
  return `SELECT count(*)::int FROM (SELECT 1 FROM notifications n JOIN pages p ON p.id = n.page_id
     WHERE n.user_id = ${userId}::uuid AND n.read_at IS NULL
       AND ${pageVisibleToSql('p', userId, isAdmin)}
     LIMIT 100) unread`;
}

export interface NotificationItem {
  id: string;
  read: boolean;
  createdAt: Date;
  actorName: string;
  verb: string;
  title: string;
  /** Null when the page is in the trash. */
  url: string | null;
  spaceName: string;
  spaceUrl: string;
}

/**
 * In-app notifications for watchers of a page or its space: written when a page is created,
 * edited (not minor edits), commented on or trashed; listed newest first; emailed when SMTP is set.
 */
@Injectable()
export class NotificationService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: PageEventsService,
    private readonly mailer: NotificationMailer,
    private readonly sessionColumns: SessionUserColumns,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.notifyWatchers(event));
    // Every signed-in HTML page shows the count: read it with the session, not in a query of its own.
    this.sessionColumns.register(UNREAD_COLUMN, (user) => unreadCountSql(user.userId, user.isAdmin));
  }

  /**
   * One statement: every watcher of the page or its space, except the actor, deactivated
   * users and anyone who may not view the page now (checked per watcher in SQL).
   */
  async notifyWatchers(event: PageEvent): Promise<void> {
    if (event.kind === 'updated' && event.minorEdit) return;
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO notifications (user_id, page_id, actor_id, kind)
       SELECT w.user_id, p.id, $2::uuid, $3
         FROM pages p
         JOIN LATERAL (SELECT user_id FROM watches WHERE page_id = p.id
                       UNION SELECT user_id FROM watches WHERE space_id = p.space_id) w ON true
         JOIN users u ON u.id = w.user_id AND u.active
        WHERE p.id = $1 AND w.user_id IS DISTINCT FROM $2::uuid
          AND ${pageVisibleToSql(
            'p',
            'w.user_id',
            `EXISTS (SELECT 1 FROM user_groups ug JOIN groups g ON g.id = ug.group_id WHERE ug.user_id = w.user_id AND g.name = '${ADMINS_GROUP}')`,
          )}
       RETURNING id::text`,
      [event.pageId, event.actorId, event.kind],
    );
    if (rows.length) this.mailer.sendLater(rows.map((r) => r.id));
  }

  /** The viewer's notifications about pages they may still view, newest first. */
  async listNotifications(viewer: Viewer, pageNumber: number): Promise<{ items: NotificationItem[]; hasMore: boolean }> {
    const rows: {
      id: string;
      kind: string;
      read: boolean;
      createdAt: Date;
      actorName: string | null;
      pageId: string;
      title: string;
      status: string;
      spaceKey: string;
      spaceName: string;
    }[] = await this.dataSource.query(
      `SELECT n.id::text, n.kind, n.read_at IS NOT NULL AS read, n.created_at AS "createdAt", a.full_name AS "actorName",
              p.id::text AS "pageId", p.title, p.status, s.key AS "spaceKey", s.name AS "spaceName"
         FROM notifications n JOIN pages p ON p.id = n.page_id JOIN spaces s ON s.id = p.space_id
         LEFT JOIN users a ON a.id = n.actor_id
        WHERE n.user_id = $1 AND ${pageVisibleSql(viewer, 'p', '$1')}
        ORDER BY n.created_at DESC, n.id DESC LIMIT ${NOTIFICATION_PAGE_SIZE + 1} OFFSET $2`,
      [viewer.userId, (pageNumber - 1) * NOTIFICATION_PAGE_SIZE],
    );
    return {
      hasMore: rows.length > NOTIFICATION_PAGE_SIZE,
      items: rows.slice(0, NOTIFICATION_PAGE_SIZE).map((r) => ({
        id: r.id,
        read: r.read,
        createdAt: r.createdAt,
        actorName: r.actorName ?? 'Someone',
        verb: notificationVerb(r.kind),
        title: r.title,
        url: r.status === 'current' ? `/notifications/${r.id}` : null,
        spaceName: r.spaceName,
        spaceUrl: spaceUrl(r.spaceKey),
      })),
    };
  }

  /**
   * For the header when the session did not bring the count (a request signed in some other way,
   * or a session begun during it).
   */
  async unreadBadge(viewer: Viewer): Promise<string | null> {
    const [{ n }] = await preparedQuery<{ n: number }>(
      this.dataSource,
      `SELECT (${unreadCountSql('$1', viewer.isAdmin ? 'TRUE' : 'FALSE')}) AS n`,
      [viewer.userId],
    );
    return unreadBadge(n);
  }

  async markAllRead(viewer: Viewer): Promise<void> {
    await this.dataSource.query(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, [viewer.userId]);
  }

  /** Marks one of the viewer's notifications read; the page's address if they may still view it. */
  async openNotification(viewer: Viewer, id: string): Promise<string | null> {
    if (!ID.test(id)) return null;
    const rows: { id: string; title: string; key: string }[] = await this.dataSource.query(
      `WITH opened AS (UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $2 AND user_id = $1 RETURNING page_id)
       SELECT p.id::text, p.title, s.key FROM opened o JOIN pages p ON p.id = o.page_id JOIN spaces s ON s.id = p.space_id
        WHERE p.status = 'current' AND ${pageVisibleSql(viewer, 'p', '$1')}`,
      [viewer.userId, id],
    );
    return rows[0] ? pageUrl(rows[0].key, rows[0].id, rows[0].title) : null;
  }
}
