import { MigrationInterface, QueryRunner } from 'typeorm';

/** Fixed-window counters shared by every process, for limits other than failed logins. */
export class RateCounters1764979200000 implements MigrationInterface {
  name = 'RateCounters1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_counters (
        key varchar(300) PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_counters`);
  }
}
