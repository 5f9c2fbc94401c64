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

const BATCH = 1000;
const DEMO_USERS = 20;
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
    const users = await ensureDemoUsers(db);
    const labelIds = await ensureLabels(db);
    const perSpace = Math.max(1, Math.floor(options.pages / options.spaces));
    let total = 0;
    for (let s = 1; s <= options.spaces; s++) {
      const key = `${options.prefix}${s}`.toUpperCase();
      const exists = await db.query(`SELECT 1 FROM spaces WHERE key = $1`, [key]);
      if (exists.rowCount) {
        options.log(`Space ${key} exists; skipped.`);
        continue;
      }
      total += await seedSpace(db, r, key, s === 1 ? Math.max(perSpace, DEEP_CHAIN + 1) : perSpace, users, labelIds, s === 1);
      if (s % 10 === 0 || s === options.spaces) options.log(`${s}/${options.spaces} spaces, ${total} pages`);
    }
    await db.query('ANALYZE pages; ANALYZE page_versions; ANALYZE page_labels');
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

async function seedSpace(
  db: pg.Client,
  r: DemoRandom,
  key: string,
  count: number,
  users: string[],
  labelIds: Map<string, number>,
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

  const rows: { id: string; parent: string | null; position: number; title: string; body: string; labels: string[]; author: string }[] = [];
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
      body: demoBody(r),
      labels,
      author: r.pick(users),
    });
  }

  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const days = batch.map(() => r.int(0, 720));
    await db.query(
      `INSERT INTO pages (id, space_id, parent_id, ancestors, position, title, body, label_text, created_by, updated_by, created_at, updated_at)
       SELECT b.id, $1, b.parent, string_to_array(b.ancestors, ',')::bigint[], b.position, b.title, b.body, b.labels, b.author, b.author,
              now() - make_interval(days => b.days), now() - make_interval(days => b.days)
         FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::varchar[], $7::text[], $8::text[], $9::uuid[], $10::int[])
           AS b(id, parent, ancestors, position, title, body, labels, author, days)`,
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
    for (const a of attached) {
      const att = await db.query(
        `INSERT INTO attachments (page_id, filename, media_type, size, created_by) VALUES ($1, 'diagram.png', 'image/png', $2, $3) RETURNING id`,
        [a.id, DEMO_PNG.length, a.author],
      );
      await db.query(
        `INSERT INTO attachment_versions (attachment_id, version, media_type, size, sha256, data, created_by)
         VALUES ($1, 1, 'image/png', $2, encode(sha256($3), 'hex'), $3, $4)`,
        [att.rows[0].id, DEMO_PNG.length, DEMO_PNG, a.author],
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
