import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import type { DataSource } from 'typeorm';

/**
 * node-saml's InResponseTo cache, kept in PostgreSQL and scoped to one IdP: a login may
 * start on one process and end on another, and a response to IdP A's request is
 * unknown at IdP B.
 */
export class SamlRequestCache implements CacheProvider {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idpId: number,
    private readonly ttlMs: number,
  ) {}

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    await this.dataSource.query(
      `INSERT INTO saml_request_ids (request_id, idp_id, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3)) ON CONFLICT (request_id) DO NOTHING`,
      [key, this.idpId, this.ttlMs / 1000],
    );
    return { value, createdAt: Date.now() };
  }

  /** node-saml expects the value saved: the request's IssueInstant, which it checks for age. */
  async getAsync(key: string): Promise<string | null> {
    const rows: { created: Date }[] = await this.dataSource.query(
      `SELECT expires_at - make_interval(secs => $3) AS created FROM saml_request_ids
        WHERE request_id = $1 AND idp_id = $2 AND expires_at > now()`,
      [key, this.idpId, this.ttlMs / 1000],
    );
    return rows.length ? new Date(rows[0].created).toISOString() : null;
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (!key) return null;
    const [, count] = await this.dataSource.query(
      `DELETE FROM saml_request_ids WHERE request_id = $1 AND idp_id = $2`,
      [key, this.idpId],
    );
    return count ? key : null;
  }
}
