// The wiki bench's data: one embedded PostgreSQL in the bench's temp folder, one database per
// dataset (so "1k pages" and "100k pages" differ in table size), migrated and filled by the
// demo seeder, plus the sample of pages, parents and search words the load runs use.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** The regular (non-admin) demo user the bench logs in as; demo1 owns every demo space. */
export const BENCH_USER = 'demo2';
export const BENCH_PASSWORD = 'demo-password'; // src/wiki/demo/demo-seeder.ts

const load = (root, path) => import(pathToFileURL(join(root, 'dist', 'src', path)).href);

/** Starts the embedded PostgreSQL under `dataDir` (loopback, free port); resolves { adminUrl, urlFor, stop }. */
export async function startDatabaseServer(root, dataDir, port) {
  const { startEmbeddedPostgres } = await load(root, 'database/embedded-postgres.launcher.js');
  const server = await startEmbeddedPostgres({ dataDir, port, database: 'atrium' });
  const urlFor = (name) => server.url.replace(/\/atrium$/, `/${name}`);
  return { urlFor, stop: server.stop, adminUrl: urlFor('postgres') };
}

/** A fresh database with the app's migrations applied. */
export async function createWikiDatabase(root, server, name) {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const { runMigrations } = await load(root, 'database/migrations.runner.js');
  const url = server.urlFor(name);
  await runMigrations(url);
  return url;
}

/** Runs the compiled demo seeder; resolves { pages, ms }. */
export async function seedWiki(root, url, { spaces, pages, log }) {
  const { seedDemo } = await load(root, 'wiki/demo/demo-seeder.js');
  const t0 = performance.now();
  const result = await seedDemo(url, { spaces, pages, prefix: 'BENCH', log });
  return { pages: result.pages, ms: performance.now() - t0 };
}

/**
 * What the load runs request, chosen the same way in every dataset: typical pages (body 1 to
 * 12 kB, 1 to 6 levels deep, not a home page, outside the 50-deep chain of the first space),
 * in a fixed pseudo-random order; parents with children for the tree; distinct pages to save.
 */
export async function pickSamples(url, { viewPages, treeParents, savePages }) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const typical = `p.status = 'current' AND octet_length(p.body) BETWEEN 1000 AND 12000
      AND cardinality(p.ancestors) BETWEEN 1 AND 6 AND s.key <> 'BENCH1' AND s.homepage_id <> p.id`;
    const views = await db.query(
      `SELECT p.id::text, s.key, p.title FROM pages p JOIN spaces s ON s.id = p.space_id
        WHERE ${typical} ORDER BY md5(p.id::text) LIMIT $1`,
      [viewPages],
    );
    const parents = await db.query(
      `SELECT p.id::text, s.key FROM pages p JOIN spaces s ON s.id = p.space_id
        WHERE p.status = 'current' AND s.key <> 'BENCH1'
          AND EXISTS (SELECT 1 FROM pages c WHERE c.parent_id = p.id AND c.status = 'current')
        ORDER BY md5(p.id::text) LIMIT $1`,
      [treeParents],
    );
    // Saves go to pages the view runs never read, so no view is served from a just-saved page.
    const saves = await db.query(
      `SELECT p.id::text, s.key FROM pages p JOIN spaces s ON s.id = p.space_id
        WHERE ${typical} ORDER BY md5(p.id::text) DESC LIMIT $1`,
      [savePages],
    );
    const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM pages`)).rows;
    const [{ avg }] = (
      await db.query(`SELECT avg(octet_length(body))::int AS avg FROM pages WHERE id = ANY($1::bigint[])`, [views.rows.map((r) => r.id)])
    ).rows;
    return { views: views.rows, parents: parents.rows, saves: saves.rows, pageCount: count, avgViewBody: avg };
  } finally {
    await db.end();
  }
}

/** How many current pages match a search, to show the queries are "common" words. */
export async function countMatches(url, text) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM pages WHERE status = 'current' AND search_vector @@ websearch_to_tsquery('english', $1)`,
      [text],
    );
    return rows[0].n;
  } finally {
    await db.end();
  }
}
