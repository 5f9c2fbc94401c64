import bcrypt from 'bcrypt';
import pg from 'pg';
import { DEMO_PNG, DemoRandom, LABELS, demoBody, demoTitle } from './demo-content.js';

export interface SeedOptions {
  spaces: number;
  pages: number;
  /** Space keys are <prefix><n>; existing spaces with these keys are left alone. */
  prefix: string;
  log(line: string): void;
}

const BATCH = 2000;
const DEMO_USERS = 20;
/**
 * Distinct bodies; pages share them, so the full-text vector of each body (the costly part
 * of a page insert) is computed once, not once per page.
 */
const BODY_POOL = 5000;
/**
 * The body part of pages_search_vector() (migrations/1764633600000-wiki.ts), applied to the
 * pool. The seeded vectors are that trigger's output; test/wiki-demo-seed.e2e-spec.ts checks it.
 */
const BODY_VECTOR = `setweight(to_tsvector('english', regexp_replace(coalesce(body, ''), '<[^>]*>', ' ', 'g')), 'C')`;
const PAGE_VECTOR = `setweight(to_tsvector('english', coalesce(b.title, '')), 'A') || setweight(to_tsvector('english', coalesce(b.labels, '')), 'B') || d.vector`;
/** One space gets a chain this deep, for tree tests at depth. */
const DEEP_CHAIN = 50;

/**
 * Fills the wiki with realistic content in bulk SQL (the services would take hours at
 * 100k pages): spaces with home pages and default permissions, page trees of varied
 * depth, bodies of varied size and structure, versions, labels, comments and attachments.
 */
export async function seedDemo(databaseUrl: string, options: SeedOptions): Promise<{ pages: number; spaces: number }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const r = new DemoRandom(7);
  try {
    // Only this session: a crash mid-seed loses the last demo rows, never the database.
    await db.query('SET synchronous_commit = off');
    const users = await ensureDemoUsers(db);
    const labelIds = await ensureLabels(db);
    const bodies = await createBodyPool(db, r, Math.min(BODY_POOL, options.pages));
    const perSpace = Math.max(1, Math.floor(options.pages / options.spaces));
    let total = 0;
    for (let s = 1; s <= options.spaces; s++) {
      const key = `${options.prefix}${s}`.toUpperCase();
      const exists = await db.query(`SELECT 1 FROM spaces WHERE key = $1`, [key]);
      if (exists.rowCount) {
        options.log(`Space ${key} exists; skipped.`);
        continue;
      }
      total += await seedSpace(db, r, key, s === 1 ? Math.max(perSpace, DEEP_CHAIN + 1) : perSpace, users, labelIds, bodies, s === 1);
      if (s % 10 === 0 || s === options.spaces) options.log(`${s}/${options.spaces} spaces, ${total} pages`);
    }
    // A bulk load leaves the GIN indexes' pending lists full, and every search scans them until
    // autovacuum comes by; VACUUM merges them (and ANALYZE gives the planner the new sizes), so
    // the seeded wiki behaves like a settled one from the first request. One table per statement:
    // VACUUM cannot run inside the implicit transaction of a multi-statement query.
    for (const table of ['pages', 'page_versions', 'page_labels']) await db.query(`VACUUM (ANALYZE) ${table}`);
    return { pages: total, spaces: options.spaces };
  } finally {
    await db.end();
  }
}

async function ensureDemoUsers(db: pg.Client): Promise<string[]> {
  const hash = await bcrypt.hash('demo-password', 10);
  await db.query(
    `WITH created AS (
       INSERT INTO users (username, full_name, email, password_hash)
       SELECT 'demo' || n, 'Demo User ' || n, 'demo' || n || '@example.com', $1 FROM generate_series(1, $2) n
       ON CONFLICT DO NOTHING RETURNING id)
     INSERT INTO user_groups (user_id, group_id) SELECT c.id, g.id FROM created c, groups g WHERE g.name = 'confluence-users'
     ON CONFLICT DO NOTHING`,
    [hash, DEMO_USERS],
  );
  const rows = await db.query(`SELECT id FROM users WHERE username LIKE 'demo%' ORDER BY username`);
  return rows.rows.map((u) => u.id);
}

async function ensureLabels(db: pg.Client): Promise<Map<string, number>> {
  await db.query(`INSERT INTO labels (name) SELECT unnest($1::varchar[]) ON CONFLICT DO NOTHING`, [LABELS]);
  const rows = await db.query(`SELECT id, name FROM labels WHERE name = ANY($1)`, [LABELS]);
  return new Map(rows.rows.map((l) => [l.name, l.id]));
}

/** A temporary table of generated bodies with their full-text vectors; resolves its size. */
async function createBodyPool(db: pg.Client, r: DemoRandom, size: number): Promise<number> {
  await db.query(`CREATE TEMP TABLE demo_bodies (n int PRIMARY KEY, body text NOT NULL, vector tsvector NOT NULL) ON COMMIT PRESERVE ROWS`);
  for (let start = 0; start < size; start += BATCH) {
    const bodies = Array.from({ length: Math.min(BATCH, size - start) }, () => demoBody(r));
    await db.query(`INSERT INTO demo_bodies (n, body, vector) SELECT $1 + i, body, ${BODY_VECTOR} FROM unnest($2::text[]) WITH ORDINALITY AS t(body, i)`, [
      start - 1,
      bodies,
    ]);
  }
  return size;
}

async function seedSpace(
  db: pg.Client,
  r: DemoRandom,
  key: string,
  count: number,
  users: string[],
  labelIds: Map<string, number>,
  bodies: number,
  deepChain: boolean,
): Promise<number> {
  const owner = users[0];
  const space = await db.query(
    `INSERT INTO spaces (key, name, description, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
    [key, `Demo space ${key}`, `Generated demo content for ${key}.`, owner],
  );
  const spaceId: number = space.rows[0].id;
  await db.query(
    `INSERT INTO space_permissions (space_id, group_id, permission)
     SELECT $1, g.id, p FROM groups g, unnest(ARRAY['view','edit','comment','attach']) p WHERE g.name = 'confluence-users'`,
    [spaceId],
  );
  await db.query(
    `INSERT INTO space_permissions (space_id, user_id, permission) SELECT $1, $2, unnest(ARRAY['view','edit','comment','attach','delete','admin'])`,
    [spaceId, owner],
  );

  const idRows = await db.query(`SELECT nextval('pages_id_seq')::text AS id FROM generate_series(1, $1)`, [count]);
  const ids: string[] = idRows.rows.map((row) => row.id);
  const ancestors = new Map<string, string[]>();
  const childCount = new Map<string, number>();
  const home = ids[0];
  ancestors.set(home, []);

  const rows: { id: string; parent: string | null; position: number; title: string; body: number; labels: string[]; author: string }[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    let parent: string | null = null;
    if (i > 0) {
      // A 50-deep chain at the start of the first space; otherwise mostly shallow, some deep.
      if (deepChain && i <= 50) parent = ids[i - 1];
      else parent = r.next() < 0.15 ? home : ids[r.int(Math.max(0, i - 200), i - 1)];
      ancestors.set(id, [...ancestors.get(parent)!, parent]);
    }
    const position = parent ? (childCount.get(parent) ?? 0) : 0;
    if (parent) childCount.set(parent, position + 1);
    const labels = r.next() < 0.4 ? [...new Set(Array.from({ length: r.int(1, 3) }, () => r.pick(LABELS)))] : [];
    rows.push({
      id,
      parent,
      position,
      title: i === 0 ? `${key} Home` : demoTitle(r, i),
      body: r.int(0, bodies - 1),
      labels,
      author: r.pick(users),
    });
  }

  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const days = batch.map(() => r.int(0, 720));
    // The trigger would recompute each body's vector; it is off for this insert only, in its
    // own transaction, so no other session ever writes a page without it.
    await db.query('BEGIN');
    await db.query('ALTER TABLE pages DISABLE TRIGGER pages_search_vector_trg');
    await db.query(
      `INSERT INTO pages (id, space_id, parent_id, ancestors, position, title, body, label_text, search_vector, created_by, updated_by, created_at, updated_at)
       SELECT b.id, $1, b.parent, string_to_array(b.ancestors, ',')::bigint[], b.position, b.title, d.body, b.labels, ${PAGE_VECTOR},
              b.author, b.author, now() - make_interval(days => b.days), now() - make_interval(days => b.days)
         FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::varchar[], $7::int[], $8::text[], $9::uuid[], $10::int[])
           AS b(id, parent, ancestors, position, title, body, labels, author, days)
         JOIN demo_bodies d ON d.n = b.body`,
      [
        spaceId,
        batch.map((b) => b.id),
        batch.map((b) => b.parent),
        batch.map((b) => ancestors.get(b.id)!.join(',')),
        batch.map((b) => b.position),
        batch.map((b) => b.title),
        batch.map((b) => b.body),
        batch.map((b) => b.labels.join(' ')),
        batch.map((b) => b.author),
        days,
      ],
    );
    await db.query('ALTER TABLE pages ENABLE TRIGGER pages_search_vector_trg');
    await db.query('COMMIT');
    const pairs = batch.flatMap((b) => b.labels.map((l) => [b.id, labelIds.get(l)!] as const));
    if (pairs.length) {
      await db.query(`INSERT INTO page_labels (page_id, label_id) SELECT unnest($1::bigint[]), unnest($2::int[])`, [
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ]);
    }
    const commented = batch.filter(() => r.next() < 0.1);
    if (commented.length) {
      await db.query(
        `INSERT INTO comments (page_id, author_id, body) SELECT unnest($1::bigint[]), unnest($2::uuid[]), unnest($3::text[])`,
        [commented.map((c) => c.id), commented.map(() => r.pick(users)), commented.map(() => `<p>${demoTitle(r, r.int(1, 99))}</p>`)],
      );
    }
    const attached = batch.filter(() => r.next() < 0.02);
    if (attached.length) {
      await db.query(
        `WITH a AS (
           INSERT INTO attachments (page_id, filename, media_type, size, created_by)
           SELECT unnest($1::bigint[]), 'diagram.png', 'image/png', $2, unnest($3::uuid[]) RETURNING id, created_by)
         INSERT INTO attachment_versions (attachment_id, version, media_type, size, sha256, data, created_by)
         SELECT a.id, 1, 'image/png', $2, encode(sha256($4), 'hex'), $4, a.created_by FROM a`,
        [attached.map((a) => a.id), DEMO_PNG.length, attached.map((a) => a.author), DEMO_PNG],
      );
    }
  }
  await db.query(`UPDATE spaces SET homepage_id = $2 WHERE id = $1`, [spaceId, home]);
  await db.query(
    `INSERT INTO page_versions (page_id, version, title, body, author_id, created_at)
     SELECT id, 1, title, body, created_by, created_at FROM pages WHERE space_id = $1`,
    [spaceId],
  );
  return rows.length;
}
