import { seedDemo } from '../src/wiki/demo/demo-seeder.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';

describe('seed:demo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('fills spaces with trees, versions, labels, comments and attachments that the app serves', async () => {
    const lines: string[] = [];
    const result = await seedDemo(t.database.url, { spaces: 2, pages: 200, prefix: 'DEMO', log: (l) => lines.push(l) });
    expect(result.pages).toBe(200);
    const [counts] = await t.db.query(`SELECT
      (SELECT count(*)::int FROM spaces WHERE key LIKE 'DEMO%') AS spaces,
      (SELECT count(*)::int FROM pages) AS pages,
      (SELECT count(*)::int FROM page_versions) AS versions,
      (SELECT count(*)::int FROM page_labels) AS labels,
      (SELECT max(cardinality(ancestors))::int FROM pages) AS depth,
      (SELECT count(*)::int FROM spaces WHERE homepage_id IS NULL) AS homeless`);
    expect(counts).toMatchObject({ spaces: 2, pages: 200, versions: 200, homeless: 0 });
    expect(counts.labels).toBeGreaterThan(0);
    expect(counts.depth).toBeGreaterThanOrEqual(50);
    const [{ matches }] = await t.db.query(`SELECT count(*)::int AS matches FROM pages WHERE search_vector @@ websearch_to_tsquery('english', 'release')`);
    expect(matches).toBeGreaterThan(0);
    // The seeder fills search_vector itself (bodies share precomputed vectors); it must be exactly what the trigger computes.
    const [{ differing, checked }] = await t.db.query(`WITH seeded AS (SELECT id, search_vector AS v FROM pages),
        recomputed AS (UPDATE pages SET title = title RETURNING id, search_vector AS v)
      SELECT count(*) FILTER (WHERE s.v IS DISTINCT FROM r.v)::int AS differing, count(*)::int AS checked
        FROM seeded s JOIN recomputed r USING (id)`);
    expect({ differing, checked }).toEqual({ differing: 0, checked: 200 });

    // Seeded rows are consistent with what the app expects: the deepest page renders with its breadcrumbs.
    const [deep] = await t.db.query(`SELECT p.id::text, s.key FROM pages p JOIN spaces s ON s.id = p.space_id ORDER BY cardinality(p.ancestors) DESC LIMIT 1`);
    const admin = new WebSession(t.http);
    await admin.login('admin', ADMIN_PASSWORD);
    const page = await admin.agent.get(`/pages/viewpage.action?pageId=${deep.id}`).redirects(1).expect(200);
    expect((page.text.match(/class="breadcrumbs"/g) ?? []).length).toBe(1);
    expect(page.text.split('</a> / <a').length).toBeGreaterThan(50);

    // Seeding again skips existing spaces instead of failing.
    await seedDemo(t.database.url, { spaces: 2, pages: 200, prefix: 'DEMO', log: (l) => lines.push(l) });
    expect(lines.some((l) => l.includes('exists; skipped'))).toBe(true);
  });
});
