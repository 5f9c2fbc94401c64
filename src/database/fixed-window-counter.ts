import type { DataSource, EntityManager } from 'typeorm';

/** The counter tables: (key primary key, window_start, <count column>). */
type CounterTable = { table: 'login_failures'; column: 'failures' } | { table: 'rate_counters'; column: 'hits' };

/**
 * Counts one more event for each key in a fixed window kept in PostgreSQL, so every process
 * sees the same counts; a key whose window is over starts again at 1. Resolves the new counts,
 * by key.
 */
export async function countInWindow(
  db: DataSource | EntityManager,
  { table, column }: CounterTable,
  keys: string[],
  windowSeconds: number,
): Promise<Map<string, number>> {
  const rows: { key: string; count: number }[] = await db.query(
    `INSERT INTO ${table} (key, window_start, ${column})
     SELECT k, now(), 1 FROM unnest($1::varchar[]) AS k
     ON CONFLICT (key) DO UPDATE SET
       ${column} = CASE WHEN ${table}.window_start > now() - make_interval(secs => $2) THEN ${table}.${column} + 1 ELSE 1 END,
       window_start = CASE WHEN ${table}.window_start > now() - make_interval(secs => $2) THEN ${table}.window_start ELSE now() END
     RETURNING key, ${column} AS count`,
    [keys, windowSeconds],
  );
  return new Map(rows.map((r) => [r.key, r.count]));
}
