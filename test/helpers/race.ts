import { Client } from 'pg';

/**
 * Runs `work` truly at once: another connection holds row locks that each part needs,
 * and lets go only when `parts` transactions wait on them. Used to show that concurrent
 * changes cannot break an invariant; the outcome, not the timing, is asserted.
 */
export async function releaseTogether<T>(
  databaseUrl: string,
  lock: { sql: string; params: unknown[] },
  parts: number,
  work: () => Promise<T>[],
): Promise<PromiseSettledResult<T>[]> {
  const blocker = new Client({ connectionString: databaseUrl });
  await blocker.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query(lock.sql, lock.params);
    const settled = Promise.allSettled(work());
    for (let attempt = 0; ; attempt++) {
      // pg_stat_activity is read once per transaction unless the snapshot is cleared.
      await blocker.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await blocker.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (rows[0].n >= parts) break;
      if (attempt > 1000) throw new Error(`only ${rows[0].n} of ${parts} transactions reached the lock`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await blocker.query('ROLLBACK');
    return await settled;
  } finally {
    await blocker.end();
  }
}
