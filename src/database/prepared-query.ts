import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

const names = new Map<string, string>();

/** One name per SQL text, so a pooled connection never sees one name with two texts. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `atrium_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Runs a hot statement as a named prepared statement. Each pooled connection then parses and plans
 * it once (PostgreSQL switches to a generic plan when it is as good as the custom ones) instead of
 * on every call: for the permission-filtered wiki reads, planning costs more than running them.
 * Only for reads, and writes by key, outside a transaction whose SQL text comes from a small fixed set (every
 * distinct text stays prepared on every connection for the connection's life), and whose best
 * plan does not depend on the values: lookups by key, not full-text search.
 */
export async function preparedQuery<T>(dataSource: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  // TypeORM's own pg pool (driver.master), so the connection limit stays the app's.
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const result = await pool.query({ name: statementName(sql), text: sql, values: params });
  return result.rows as T[];
}
