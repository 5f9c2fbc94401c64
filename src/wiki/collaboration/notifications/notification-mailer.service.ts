import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import { pageUrl, spaceUrl } from '../../wiki-urls.js';
import { notificationSubject } from './notification-text.js';

interface MailRow {
  id: string;
  kind: string;
  email: string;
  fullName: string;
  actorName: string | null;
  pageId: string;
  title: string;
  status: string;
  spaceKey: string;
  spaceName: string;
}

/**
 * Emails each notification when ATRIUM_SMTP_URL is set. Sending happens after the change has
 * committed and outside the request, so a slow or failing mail server never fails a save;
 * failures are logged.
 */
@Injectable()
export class NotificationMailer implements OnModuleDestroy {
  private readonly logger = new Logger(NotificationMailer.name);
  private readonly transport: ReturnType<typeof createTransport> | null;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.transport = config.smtp ? createTransport(config.smtp.url) : null;
  }

  sendLater(notificationIds: string[]): void {
    if (!this.transport) return;
    const job: Promise<void> = this.send(notificationIds)
      .catch((error: unknown) => this.logger.error(`Notification emails failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Lets emails already under way finish before the database pool closes. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled(this.pending);
    this.transport?.close();
  }

  private async send(ids: string[]): Promise<void> {
    const rows: MailRow[] = await this.dataSource.query(
      `SELECT n.id::text, n.kind, u.email, u.full_name AS "fullName", a.full_name AS "actorName",
              p.id::text AS "pageId", p.title, p.status, s.key AS "spaceKey", s.name AS "spaceName"
         FROM notifications n JOIN users u ON u.id = n.user_id JOIN pages p ON p.id = n.page_id
         JOIN spaces s ON s.id = p.space_id LEFT JOIN users a ON a.id = n.actor_id
        WHERE n.id = ANY($1::bigint[])`,
      [ids],
    );
    for (const row of rows) {
      try {
        await this.transport!.sendMail({
          from: this.config.smtp!.from,
          to: { name: row.fullName, address: row.email },
          subject: notificationSubject(row.actorName, row.kind, row.title),
          text: this.text(row),
        });
      } catch (error) {
        this.logger.warn(`Could not email notification ${row.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private text(row: MailRow): string {
    const base = this.config.baseUrl;
    const link = row.status === 'current' ? `${base}${pageUrl(row.spaceKey, row.pageId, row.title)}` : `${base}${spaceUrl(row.spaceKey)}`;
    return [
      `${notificationSubject(row.actorName, row.kind, row.title)} in ${row.spaceName}.`,
      '',
      link,
      '',
      `You get this because you watch this page or its space. All your notifications: ${base}/notifications`,
      '',
    ].join('\n');
  }
}
