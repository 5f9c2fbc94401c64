// `npm run bench:wiki`: the wiki targets of issue 4 on 100,000 pages in 100 spaces, against an
// Express + pg + Handlebars baseline in the same run. Loopback only; every loop is bounded; every
// process and temp folder is removed at the end, also on error or Ctrl-C. Exit code 1 when a
// target is missed or the run fails.
//   node bench/wiki.mjs [--rounds N] [--profile DIR]
// --profile writes a V8 CPU profile of the 100k-page app to DIR (for finding what to fix).
// run.mjs may call runWikiBench(ctx) instead (then wikiBenchMarkdown and lib/wiki-report.mjs for the
// docs); the caller then owns ctx.tmpRoot and its clean-up.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { waitForQuiet } from './lib/cpu.mjs';
import { agent, summarise } from './lib/http.mjs';
import { freePort, killAllNow, stopAll } from './lib/processes.mjs';
import { consoleTable, fmt, markdownTable } from './lib/report.mjs';
import { countMatches, createWikiDatabase, pickSamples, seedWiki, startDatabaseServer } from './lib/wiki-data.mjs';
import { getBurst, pagePaths, saveBurst, startBaseline, startWikiApp, stopBaseline, stopWikiApp } from './lib/wiki-load.mjs';
import { writeWikiSection } from './lib/wiki-report.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

// Datasets: the target's 100k pages in 100 spaces, and a 1k-page wiki for the scaling figure.
const BIG = { name: 'wiki100k', spaces: 100, pages: 100_000 };
const SMALL = { name: 'wiki1k', spaces: 10, pages: 1_000 };
const CONCURRENCY = 4; // two requests in flight per core: the CPUs stay busy, queues stay short
// Each round views pages no earlier round (or the warm-up) viewed recently, from a pool several
// times what the app's render cache holds (8M characters, about 2,000 of these pages), so every
// measured view renders its body: the pessimistic case.
const VIEW_REQUESTS = 1000;
// The scaling figure: the same number of pages in both wikis, rendered once before timing, so
// what differs between the two is the size of the tables.
const SCALE_POOL = 300;
const SCALE_REQUESTS = 600;
const TREE_PARENTS = 200;
const JSON_TYPE = 'application/json'; // what public/js/page-tree.js asks for
const TREE_REQUESTS = 600;
const SEARCH_REQUESTS = 120;
const SEARCH_ONE_AT_A_TIME = 40; // the same queries without load, for the latency of one search
const SAVES_PER_ROUND = 30;
const WARMUP_REQUESTS = 300;
const DEFAULT_ROUNDS = 3;
const EXTRA_ROUNDS = 2; // when other processes disturbed a round
// The warm-up and round n view pool pages from n * VIEW_REQUESTS on; the scaling pages come last.
const VIEW_POOL = (DEFAULT_ROUNDS + EXTRA_ROUNDS + 1) * VIEW_REQUESTS + SCALE_POOL;
const QUIET_CORES = 0.25;
// Two words each, all from the demo vocabulary (src/wiki/demo/demo-content.ts): common words.
const SEARCHES = [
  'release deployment',
  'database migration',
  'security audit',
  'incident review',
  'performance testing',
  'customer onboarding',
  'backup restore',
  'network gateway',
];

// Targets from issue 4.
const TARGET_VIEW_P95 = 30;
const TARGET_VIEW_RATIO = 0.5;
const TARGET_SCALE_RATIO = 1.3;
const TARGET_SEARCH_P95 = 50;
const TARGET_TREE_P95 = 20;
const TARGET_SAVE_P95 = 60;

const median = (values) => {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Seeds both wikis, starts Atrium on each and the baseline on the big one, and measures in
 * rounds. ctx: { root, tmpRoot (exists, mode 755, the caller removes it), log, rounds?, profileDir? }.
 * Resolves { rows, notes, failed }.
 */
export async function runWikiBench(ctx) {
  const { root = ROOT, tmpRoot, log, rounds: wantedRounds = DEFAULT_ROUNDS, profileDir } = ctx;
  const started = performance.now();
  const notes = {};
  let server = null;
  let big = null;
  let small = null;
  let baseline = null;
  const via = agent(CONCURRENCY);
  try {
    await waitForQuiet({ threshold: QUIET_CORES, maxWaitMs: 30_000, log });
    log('starting the embedded PostgreSQL ...');
    server = await startDatabaseServer(root, join(tmpRoot, 'postgres'), await freePort());
    const urls = {};
    for (const set of [SMALL, BIG]) {
      urls[set.name] = await createWikiDatabase(root, server, set.name);
      log(`seeding ${set.pages.toLocaleString('en')} pages in ${set.spaces} spaces (${set.name}) ...`);
      const seeded = await seedWiki(root, urls[set.name], { spaces: set.spaces, pages: set.pages, log: () => undefined });
      notes[`seed_${set.name}`] = seeded;
      log(`  ${seeded.pages} pages in ${fmt(seeded.ms / 1000, ' s')}`);
    }
    const maxRounds = wantedRounds + EXTRA_ROUNDS;
    const bigSample = await pickSamples(urls[BIG.name], { viewPages: VIEW_POOL, treeParents: TREE_PARENTS, savePages: SAVES_PER_ROUND * (maxRounds + 1) });
    const smallSample = await pickSamples(urls[SMALL.name], { viewPages: SCALE_POOL, treeParents: 1, savePages: 0 });
    if (bigSample.views.length < VIEW_POOL || smallSample.views.length < SCALE_POOL) {
      throw new Error(`too few typical pages: ${bigSample.views.length} (100k) and ${smallSample.views.length} (1k)`);
    }
    notes.pageCounts = { big: bigSample.pageCount, small: smallSample.pageCount };
    notes.avgBody = { big: bigSample.avgViewBody, small: smallSample.avgViewBody };
    notes.searchMatches = median(await Promise.all(SEARCHES.map((q) => countMatches(urls[BIG.name], q))));

    const pool = await pagePaths(root, bigSample.views);
    const viewPaths = pool.slice(0, -SCALE_POOL);
    const scaleBigPaths = pool.slice(-SCALE_POOL);
    const scaleSmallPaths = await pagePaths(root, smallSample.views);
    const treePaths = bigSample.parents.map((p) => `/spaces/${p.key}/tree?parent=${p.id}`);
    const searchPaths = SEARCHES.map((q) => `/search?q=${encodeURIComponent(q)}`);
    const isPage = (body, path) => {
      if (!body.includes('class="page-body"')) throw new Error(`GET ${path}: no page body in the answer`);
    };
    const hasChildren = (body, path) => {
      if (!JSON.parse(body).children?.length) throw new Error(`GET ${path}: no children`);
    };
    const hasHits = (body, path) => {
      if (!body.includes('<mark>')) throw new Error(`GET ${path}: no highlighted hit`);
    };

    log('starting Atrium on both wikis and the baseline on the 100k one ...');
    const profileFile = profileDir ? join(resolve(profileDir), `wiki100k-${Date.now()}.cpuprofile`) : undefined;
    small = await startWikiApp({ root, tmpRoot, name: SMALL.name, databaseUrl: urls[SMALL.name], log });
    big = await startWikiApp({ root, tmpRoot, name: BIG.name, databaseUrl: urls[BIG.name], profileFile, log });
    baseline = await startBaseline({ root, databaseUrl: urls[BIG.name] });
    const pgPid = Number(readFileSync(join(tmpRoot, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

    log(`warm-up: ${WARMUP_REQUESTS} requests of each kind`);
    const warm = { total: WARMUP_REQUESTS, concurrency: CONCURRENCY, via };
    await getBurst({ ...warm, base: big.base, jar: big.jar, paths: viewPaths, check: isPage });
    await getBurst({ ...warm, base: small.base, jar: small.jar, paths: scaleSmallPaths, check: isPage });
    await getBurst({ ...warm, base: baseline.base, paths: viewPaths });
    await getBurst({ ...warm, base: big.base, jar: big.jar, paths: treePaths, accept: JSON_TYPE, check: hasChildren });
    await getBurst({ ...warm, total: 40, base: big.base, jar: big.jar, paths: searchPaths, check: hasHits });
    const saves = bigSample.saves;
    await saveBurst({ app: big, via, pages: saves.slice(0, SAVES_PER_ROUND), round: 0 });

    const results = [];
    for (let attempt = 1; attempt <= maxRounds; attempt++) {
      if (results.filter((r) => r.clean).length >= wantedRounds) break;
      if (attempt > 1 && !results.at(-1).clean) await waitForQuiet({ threshold: QUIET_CORES, maxWaitMs: 15_000, log });
      const round = {};
      const bursts = {
        view: () =>
          getBurst({ base: big.base, jar: big.jar, via, paths: viewPaths, total: VIEW_REQUESTS, concurrency: CONCURRENCY, offset: attempt * VIEW_REQUESTS, check: isPage, cpuOf: { pid: big.child.pid, pgPid } }),
        baseline: () =>
          getBurst({ base: baseline.base, via, paths: viewPaths, total: VIEW_REQUESTS, concurrency: CONCURRENCY, offset: attempt * VIEW_REQUESTS, cpuOf: { pid: baseline.child.pid, pgPid } }),
        // Each scaling burst first renders its pages once (untimed), then measures.
        scaleSmall: async () => {
          await getBurst({ base: small.base, jar: small.jar, via, paths: scaleSmallPaths, total: SCALE_POOL, concurrency: CONCURRENCY });
          return getBurst({ base: small.base, jar: small.jar, via, paths: scaleSmallPaths, total: SCALE_REQUESTS, concurrency: CONCURRENCY, check: isPage });
        },
        scaleBig: async () => {
          await getBurst({ base: big.base, jar: big.jar, via, paths: scaleBigPaths, total: SCALE_POOL, concurrency: CONCURRENCY });
          return getBurst({ base: big.base, jar: big.jar, via, paths: scaleBigPaths, total: SCALE_REQUESTS, concurrency: CONCURRENCY, check: isPage });
        },
        tree: () => getBurst({ base: big.base, jar: big.jar, via, paths: treePaths, total: TREE_REQUESTS, concurrency: CONCURRENCY, offset: attempt * 37, accept: JSON_TYPE, check: hasChildren }),
        search: () => getBurst({ base: big.base, jar: big.jar, via, paths: searchPaths, total: SEARCH_REQUESTS, concurrency: CONCURRENCY, offset: attempt, check: hasHits }),
        searchOne: () => getBurst({ base: big.base, jar: big.jar, via, paths: searchPaths, total: SEARCH_ONE_AT_A_TIME, concurrency: 1, offset: attempt, check: hasHits }),
        save: async () => {
          const s = await saveBurst({ app: big, via, pages: saves.slice(attempt * SAVES_PER_ROUND, (attempt + 1) * SAVES_PER_ROUND), round: attempt });
          return { stats: summarise(s.latencies, s.elapsedMs), foreign: s.foreign };
        },
      };
      // Pairs swap order every round, so a drifting machine favours neither side.
      const order = attempt % 2
        ? ['baseline', 'view', 'scaleSmall', 'scaleBig', 'tree', 'search', 'searchOne', 'save']
        : ['view', 'baseline', 'scaleBig', 'scaleSmall', 'save', 'searchOne', 'search', 'tree'];
      for (const kind of order) round[kind] = await bursts[kind]();
      const foreign = Math.max(...Object.values(round).map((b) => b.foreign));
      results.push({ ...round, foreign, clean: foreign < QUIET_CORES });
      log(
        `round ${attempt}: view p95 ${fmt(round.view.stats.p95, ' ms')} ${fmt(round.view.stats.perSecond, '/s', 0)}` +
          ` vs baseline ${fmt(round.baseline.stats.perSecond, '/s', 0)} (${fmt((100 * round.view.stats.perSecond) / round.baseline.stats.perSecond, ' %', 0)});` +
          ` scaling p95 ${fmt(round.scaleSmall.stats.p95, ' ms')} (1k) / ${fmt(round.scaleBig.stats.p95, ' ms')} (100k);` +
          ` tree p95 ${fmt(round.tree.stats.p95, ' ms')}; search p95 ${fmt(round.search.stats.p95, ' ms')}; save p95 ${fmt(round.save.stats.p95, ' ms')};` +
          ` other processes ${fmt(foreign, ' cores', 2)}${foreign < QUIET_CORES ? '' : ' (busy)'}`,
      );
    }
    const clean = results.filter((r) => r.clean);
    const counted = clean.length >= wantedRounds ? clean : results;
    notes.busy = clean.length < wantedRounds;
    notes.rounds = { run: results.length, counted: counted.length, foreign: results.map((r) => r.foreign) };
    notes.wallSeconds = (performance.now() - started) / 1000;
    return buildRows(counted, notes);
  } finally {
    via.destroy();
    await stopBaseline(baseline);
    for (const app of [big, small]) {
      const stop = await stopWikiApp(app, log).catch((error) => ({ clean: false, error }));
      if (stop && !stop.clean) log(`${app.name} did not stop cleanly`);
    }
    await server?.stop();
  }
}

/** Median over rounds of one figure of one burst kind. */
function med(rounds, kind, figure) {
  return median(rounds.map((r) => r[kind].stats[figure]));
}

function cpuText(rounds, kind) {
  const node = median(rounds.map((r) => r[kind].cpu.nodeMs));
  const pg = median(rounds.map((r) => r[kind].cpu.pgMs));
  return `CPU per request: Node ${fmt(node, ' ms', 2)}, PostgreSQL ${fmt(pg, ' ms', 2)}`;
}

function latencyText(rounds, kind) {
  return `p50 ${fmt(med(rounds, kind, 'p50'), ' ms')} / p95 ${fmt(med(rounds, kind, 'p95'), ' ms')} / p99 ${fmt(med(rounds, kind, 'p99'), ' ms')}`;
}

function buildRows(rounds, notes) {
  const pass = (ok) => (ok ? 'PASS' : 'FAIL');
  const busy = notes.busy ? ' (busy machine)' : '';
  const viewP95 = med(rounds, 'view', 'p95');
  const ratios = rounds.map((r) => r.view.stats.perSecond / r.baseline.stats.perSecond);
  const ratio = median(ratios);
  const scaleP50 = med(rounds, 'scaleBig', 'p50') / med(rounds, 'scaleSmall', 'p50');
  const scaleP95 = med(rounds, 'scaleBig', 'p95') / med(rounds, 'scaleSmall', 'p95');
  const searchP95 = med(rounds, 'search', 'p95');
  const treeP95 = med(rounds, 'tree', 'p95');
  const saveP95 = med(rounds, 'save', 'p95');
  const c = `concurrency ${CONCURRENCY}`;
  const rows = [
    {
      figure: `View page, 100k pages, ${VIEW_REQUESTS} distinct pages per round, ${c}`,
      measured: `${latencyText(rounds, 'view')}, ${fmt(med(rounds, 'view', 'perSecond'), '/s', 0)}; ${cpuText(rounds, 'view')}${busy}`,
      target: `p95 < ${TARGET_VIEW_P95} ms`,
      result: pass(viewP95 < TARGET_VIEW_P95),
    },
    {
      figure: `Baseline: Express + pg + Handlebars, same pages, ${c}`,
      measured: `${latencyText(rounds, 'baseline')}, ${fmt(med(rounds, 'baseline', 'perSecond'), '/s', 0)}; ${cpuText(rounds, 'baseline')}`,
      target: 'baseline',
      result: 'info',
    },
    {
      figure: 'View throughput against the baseline',
      measured: `${fmt(ratio * 100, ' %', 0)} (median; rounds: ${ratios.map((x) => fmt(x * 100, ' %', 0)).join(', ')})${busy}`,
      target: `>= ${TARGET_VIEW_RATIO * 100} % of baseline`,
      result: pass(ratio >= TARGET_VIEW_RATIO),
    },
    {
      figure: `View latency, ${SCALE_POOL} pages already rendered, 1k-page wiki, ${c}`,
      measured: latencyText(rounds, 'scaleSmall'),
      target: '-',
      result: 'info',
    },
    {
      figure: `View latency, ${SCALE_POOL} pages already rendered, 100k-page wiki, ${c}`,
      measured: latencyText(rounds, 'scaleBig'),
      target: '-',
      result: 'info',
    },
    {
      figure: 'View latency at 100k pages against 1k pages',
      measured: `p50 ${fmt(scaleP50, '×', 2)}, p95 ${fmt(scaleP95, '×', 2)}${busy}`,
      target: `p50 and p95 within ${TARGET_SCALE_RATIO}×`,
      result: pass(scaleP50 <= TARGET_SCALE_RATIO && scaleP95 <= TARGET_SCALE_RATIO),
    },
    {
      figure: `Search, common two-word queries (median ${Math.round(notes.searchMatches).toLocaleString('en')} matching pages), ${c}`,
      measured: `${latencyText(rounds, 'search')}, ${fmt(med(rounds, 'search', 'perSecond'), '/s', 0)}${busy}`,
      target: `p95 < ${TARGET_SEARCH_P95} ms`,
      result: pass(searchP95 < TARGET_SEARCH_P95),
    },
    {
      figure: 'Search, the same queries one at a time',
      measured: `${latencyText(rounds, 'searchOne')}${busy}`,
      target: '-',
      result: 'info',
    },
    {
      figure: `Page-tree children (GET /spaces/KEY/tree?parent=ID), ${TREE_PARENTS} parents, ${c}`,
      measured: `${latencyText(rounds, 'tree')}, ${fmt(med(rounds, 'tree', 'perSecond'), '/s', 0)}${busy}`,
      target: `p95 < ${TARGET_TREE_P95} ms`,
      result: pass(treeP95 < TARGET_TREE_P95),
    },
    {
      figure: `Save page (POST of the edit form), ${SAVES_PER_ROUND} distinct pages per round, one at a time`,
      measured: `${latencyText(rounds, 'save')}${busy}`,
      target: `p95 < ${TARGET_SAVE_P95} ms`,
      result: pass(saveP95 < TARGET_SAVE_P95),
    },
  ];
  return { rows, notes, failed: rows.some((r) => r.result === 'FAIL') };
}

// Why a figure falls short, from profiling the app (--profile) and the queries (pg_stat_statements).
const SHORTFALLS = {
  'View throughput against the baseline':
    'A view does far more than the baseline route: two queries against one (the session with its user and the ' +
    "header's unread count; the page with the viewer's permissions, authors, breadcrumbs, the root of the page tree " +
    "and every section's data: comments, labels, attachments, watch state), a body parsed from storage and sanitised " +
    'on its way out (every measured view misses the render cache on purpose), the layout with its partials, a CSRF ' +
    'token, a request log line, and the Nest guards and interceptors. On this virtual machine each query round trip ' +
    'also costs each process about 0.1-0.2 ms of kernel time (socket writes and wake-ups), as each response does. ' +
    'The CPU per request in the two rows above shows where the difference goes; with both processes sharing two ' +
    'cores, throughput follows it. "Where the page-view figure stands" above breaks it down.',
  search:
    'A two-word query of common words matches most pages. Search ranks a bounded set of candidates (the 200 most ' +
    'recently updated matches and up to 100 title matches, src/wiki/search/search.service.ts) and highlights 20 ' +
    'snippets: most of a search is PostgreSQL work, and with four searches in flight on two cores each waits for the ' +
    'others. Compare the same queries one at a time (info row).',
};

function shortfalls(rows, notes) {
  const failed = rows.filter((r) => r.result === 'FAIL');
  if (!failed.length) return 'Every target is met in this run.';
  const foreign = notes.rounds.foreign;
  const other = notes.busy
    ? `Other processes used ${Math.min(...foreign).toFixed(2)} to ${Math.max(...foreign).toFixed(2)} of the ${cpus().length} cores ` +
      'during the rounds, so requests also queued behind them; rerun on a quiet machine before reading much into it.'
    : 'Not expected from the CPU per request: profile with `node bench/wiki.mjs --profile DIR`.';
  return failed
    .map((r) => {
      const why = SHORTFALLS[r.figure] ?? (r.figure.startsWith('Search') ? SHORTFALLS.search : other);
      return `- **${r.figure.replace(/,.*/, '')}** falls short. ${why}`;
    })
    .join('\n');
}

/** The docs/benchmarks.md section for an outcome of runWikiBench (write it with writeWikiSection). */
export function wikiBenchMarkdown({ rows, notes }) {
  const when = new Date().toISOString();
  const cpu = cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const seedBig = notes.seed_wiki100k;
  const seedSmall = notes.seed_wiki1k;
  return `## Wiki (issue 4)

Run it with \`npm run bench:wiki\` (about ${Math.ceil(notes.wallSeconds / 60)} minutes on 2 cores). It starts one embedded PostgreSQL in a temporary
folder with two databases filled by the demo seeder (\`src/wiki/demo\`): ${notes.pageCounts.big.toLocaleString('en')} pages in 100 spaces
(seeded in ${fmt(seedBig.ms / 1000, ' s')}) and ${notes.pageCounts.small.toLocaleString('en')} pages in 10 spaces (${fmt(seedSmall.ms / 1000, ' s')}). Atrium runs on each
(\`node dist/src/main.js\`, \`DATABASE_URL\`, loopback only), logged in with a session cookie as \`demo2\`, a member of
\`confluence-users\` (not an admin, so every permission check runs in full). The baseline,
\`bench/wiki-baseline-server.mjs\`, is an Express + pg + Handlebars route in its own process that selects the same page
row and renders it in a small layout, with no session, permission check, sanitiser or page tree.

- Views: typical pages (body 1 to 12 kB, 1 to 6 levels deep; ${notes.avgBody.big} bytes on average), ${VIEW_REQUESTS} distinct pages
  per round from a pool of ${VIEW_POOL}, none viewed recently, more than the app's render cache holds, so every view renders its body. Atrium and the baseline serve the
  same pages at the same concurrency, in alternating order.
- Scaling: ${SCALE_POOL} pages of each wiki chosen the same way, each viewed once before timing, so the two runs differ only
  in the size of the tables.
- Tree: lazy children of ${TREE_PARENTS} parents. Search: ${SEARCHES.length} two-word queries of common words
  (${SEARCHES.map((s) => `"${s}"`).join(', ')}). Saves: the edit form is fetched, then its title, body
  (one paragraph added), \`baseVersion\` and CSRF token are posted; only the POST is timed; each save is of a different page.
- Rounds: ${notes.rounds.run} run, ${notes.rounds.counted} counted; figures are medians over the counted rounds. Other processes'
  CPU per round, in cores: ${notes.rounds.foreign.map((f) => f.toFixed(2)).join(', ')} (rounds above ${QUIET_CORES} are "busy" and repeated, up to ${EXTRA_ROUNDS} times).
- Date: ${when}; ${cpus().length} CPUs, ${cpu}; Node.js ${process.version}; bench wall time ${fmt(notes.wallSeconds, ' s', 0)}.

${markdownTable(rows)}

${shortfalls(rows, notes)}
`;
}

/** Standalone run: own temp folder, clean-up on every exit path, table on the console and in docs. */
async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, profile: { type: 'string' } } });
  const rounds = values.rounds ? Number(values.rounds) : DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error('--rounds must be 1 to 10');
  const log = (line) => console.log(`[bench:wiki] ${line}`);
  const tmpRoot = mkdtempSync(join(tmpdir(), 'atrium-wiki-bench-'));
  // As root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the folder.
  chmodSync(tmpRoot, 0o755);
  let cleaning = null;
  let interrupted = false;
  const cleanUp = () => (cleaning ??= stopAll(tmpRoot).finally(() => rmSync(tmpRoot, { recursive: true, force: true })));
  process.on('exit', () => {
    killAllNow(tmpRoot);
    rmSync(tmpRoot, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping every process the bench started and removing ${tmpRoot}`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  if (values.profile) mkdirSync(values.profile, { recursive: true });
  let outcome;
  try {
    const mainJs = join(ROOT, 'dist', 'src', 'main.js');
    readFileSync(mainJs); // a clear error when the build is missing
    outcome = await runWikiBench({ root: ROOT, tmpRoot, log, rounds, profileDir: values.profile });
  } catch (error) {
    // After Ctrl-C the requests in flight fail; the signal handler reports and exits.
    if (interrupted) return;
    console.error(`[bench:wiki] failed: ${error.stack ?? error}`);
    await cleanUp();
    process.exit(1);
  }
  await cleanUp();
  console.log(`\n${consoleTable(outcome.rows)}\n`);
  writeWikiSection(join(ROOT, 'docs', 'benchmarks.md'), wikiBenchMarkdown(outcome));
  log('docs/benchmarks.md: wiki section updated');
  process.exit(outcome.failed ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
