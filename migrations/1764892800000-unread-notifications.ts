import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The unread count is read with every signed-in session (SessionUserColumns): this index keeps it
 * to the user's unread rows, however many notifications they have read over the years.
 */
export class UnreadNotifications1764892800000 implements MigrationInterface {
  name = 'UnreadNotifications1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notifications_unread_idx`);
  }
}
