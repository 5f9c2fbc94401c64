import { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes for search (src/wiki/search), which ranks a bounded set of candidates. */
export class SearchIndexes1764720000000 implements MigrationInterface {
  name = 'SearchIndexes1764720000000';

  async up(q: QueryRunner): Promise<void> {
    // Pages whose title matches always join the candidates, found without reading page rows.
    await q.query(`CREATE INDEX pages_title_search_idx ON pages USING gin (to_tsvector('english', title)) WHERE status = 'current'`);
    // The contributor filter: the pages a person saved a version of, without reading version bodies.
    await q.query(`CREATE INDEX page_versions_author_page_idx ON page_versions (author_id, page_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX page_versions_author_page_idx`);
    await q.query(`DROP INDEX pages_title_search_idx`);
  }
}
