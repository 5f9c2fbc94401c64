// `npm run bench`: measures the targets of issues 2 and 3 against baselines taken in the same run.
// Loopback only; every loop is bounded; every process and temp folder is removed at the end,
// also on error or Ctrl-C. Exit code 1 when a target is missed or the run fails.
import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { probeCall, startApp, stopApp } from './lib/app.mjs';
import { cpuMark, foreignCores, waitForQuiet } from './lib/cpu.mjs';
import { agent, cookieHeader, passwordLogin, request, runFixed, summarise } from './lib/http.mjs';
import { freePort, killAllNow, rssMb, runNode, stopAll } from './lib/processes.mjs';
import { consoleTable, fmt, markdownTable, writeBenchmarksDoc } from './lib/report.mjs';
import { reportRows } from './lib/run-report.mjs';
import { createBenchIdp } from './lib/saml-idp.mjs';
import {
  addBenchIdp,
  describeFailures,
  generateResponses,
  getRedirect,
  postAcs,
  runCounted,
  ssoLoginPath,
} from './lib/sso.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const PROBE = join(ROOT, 'bench', 'probe.mjs');
const BASELINE = join(ROOT, 'bench', 'bcrypt-baseline.mjs');
const SAML_BASELINE = join(ROOT, 'bench', 'saml-baseline.mjs');

// Sizes: chosen so the whole run takes a few minutes on a 2-core machine.
const BCRYPT_COST = 12; // the app's default
const LOGIN_USERS = 40;
const CONCURRENCY = 4; // = libuv's default thread pool, which runs bcrypt
const WARMUP_LOGINS = 8;
const ROUNDS = 3; // baseline and login bursts alternate, so drift hits both alike
const PER_ROUND = 32;
const MAX_ROUND_ATTEMPTS = ROUNDS + 3; // extra rounds when other processes disturbed one
const SCALE_USERS = 100_000;
const ADMIN_REQUESTS = 40;
const IDLE_SECONDS = 5;
const QUIET_CORES = 0.25; // other processes' CPU above this makes a figure suspect
const QUIET_WAIT_BUDGET_MS = 120_000; // waiting for a quiet machine, in all: keeps a busy-machine run to ~6 min
// SAML SSO (issue 3): one IdP added through the JSON API, Entra-shaped IdP-initiated responses.
const SSO_USERS = 50;
const ACS_CONCURRENCY = 4;
const ACS_WARMUP = 4 * SSO_USERS; // the first login of each user also links the account
const ACS_ROUNDS = 5; // ACS and node-saml bursts alternate, like the login rounds
const ACS_PER_ROUND = 150;
const MAX_ACS_ATTEMPTS = ACS_ROUNDS + 2;
const BASELINE_SAML_WARMUP = 100; // validations before the timed burst, so node-saml runs JIT-compiled
const REDIRECT_CONCURRENCY = 8;
const REDIRECT_WARMUP = 500;
const REDIRECTS = 5000;
const REDIRECT_ATTEMPTS = 3; // a burst other processes disturbed is repeated, at most this often in all
const REDIRECT_MAX_MS = 30_000; // a burst stops early (and says so) past this

// Targets from issue 2.
const TARGET_START_MS = 15_000;
const TARGET_RSS_MB = 250;
const TARGET_LOGIN_RATIO = 0.8;
const TARGET_STALL_MS = 50;
// Targets from issue 3.
const TARGET_ACS_RATIO = 0.6;
const TARGET_REDIRECTS_PER_S = 1000;

const log = (line) => console.log(`[bench] ${line}`);

const tmpRoot = mkdtempSync(join(tmpdir(), 'atrium-bench-'));
// As root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the folder.
chmodSync(tmpRoot, 0o755);
const home = join(tmpRoot, 'home');
mkdirSync(home, { mode: 0o755 });

// One clean-up, whoever asks first (the end of the run, an error, or Ctrl-C); everyone awaits it.
let cleaning = null;
let interrupted = false;
function cleanUp() {
  cleaning ??= stopAll(tmpRoot).finally(() => rmSync(tmpRoot, { recursive: true, force: true }));
  return cleaning;
}
// Should anything escape (a crash in the bench itself), nothing it started may outlive it.
process.on('exit', () => {
  killAllNow(tmpRoot);
  rmSync(tmpRoot, { recursive: true, force: true });
});
process.on('uncaughtException', (error) => {
  console.error(`[bench] crashed: ${error.stack ?? error}`);
  void cleanUp().finally(() => process.exit(1));
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping every process the bench started and removing ${tmpRoot}`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const port = await freePort();
const pgPort = await freePort();
const base = `http://127.0.0.1:${port}`;
const adminPassword = randomBytes(12).toString('base64url');
const appEnv = {
  ...process.env,
  ATRIUM_HOME: home,
  PORT: String(port),
  ATRIUM_HOST: '127.0.0.1',
  ATRIUM_BASE_URL: base,
  ATRIUM_EMBEDDED_PG_PORT: String(pgPort),
  ATRIUM_ADMIN_PASSWORD: adminPassword,
  ATRIUM_BCRYPT_COST: String(BCRYPT_COST),
  // Stated rather than left to the default (one per core beyond the first), so the ACS figure says what it measured.
  ATRIUM_SAML_WORKERS: '1',
};
delete appEnv.DATABASE_URL; // always the embedded server, in our temp folder
// The embedded server's credentials (src/database/embedded-postgres.launcher.ts); loopback only.
const databaseUrl = `postgres://atrium:atrium-embedded@127.0.0.1:${pgPort}/atrium`;
const appOptions = { main: MAIN, env: appEnv, cwd: ROOT, base };

/** waitForQuiet, at most `maxWaitMs` and within what is left of QUIET_WAIT_BUDGET_MS. */
let quietWaited = 0;
async function waitQuiet(maxWaitMs) {
  const t0 = performance.now();
  const allowed = Math.max(0, Math.min(maxWaitMs, QUIET_WAIT_BUDGET_MS - quietWaited));
  const reading = await waitForQuiet({ threshold: QUIET_CORES, maxWaitMs: allowed, log });
  quietWaited += performance.now() - t0;
  return reading;
}

/** Runs `work` and records how much CPU other processes used meanwhile. */
async function measured(name, work) {
  const mark = cpuMark();
  const result = await work();
  results.foreign[name] = foreignCores(mark);
  return result;
}

async function baselineBurst(hash, password) {
  const out = await runNode([BASELINE, hash, password, String(PER_ROUND), String(CONCURRENCY), String(CONCURRENCY)], {
    env: appEnv,
    cwd: ROOT,
    label: 'bcrypt baseline',
    timeoutMs: 120_000,
  });
  const { latencies, elapsedMs } = JSON.parse(out.trim().split('\n').at(-1));
  return summarise(latencies, elapsedMs);
}

async function samlBaselineBurst(file, offset) {
  const args = [
    SAML_BASELINE,
    file,
    String(offset),
    String(ACS_PER_ROUND),
    String(ACS_CONCURRENCY),
    String(BASELINE_SAML_WARMUP),
  ];
  const out = await runNode(args, { env: appEnv, cwd: ROOT, label: 'node-saml baseline', timeoutMs: 120_000 });
  const { latencies, elapsedMs } = JSON.parse(out.trim().split('\n').at(-1));
  return summarise(latencies, elapsedMs);
}

/** The newest failure reasons in the SSO trace, to say why the ACS refused something. */
async function traceFailures(db) {
  const rows = await db.query(
    `SELECT DISTINCT reason FROM (SELECT reason FROM sso_trace WHERE outcome = 'failure' ORDER BY id DESC LIMIT 20) f`,
  );
  return rows.map((r) => r.reason).join('; ');
}

async function adminLatency(jar, via, path, check) {
  const get = async () => {
    const res = await request(base, path, { agent: via, headers: { cookie: cookieHeader(jar) } });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    check(res.body);
  };
  for (let i = 0; i < 3; i++) await get();
  return runFixed(ADMIN_REQUESTS, 1, get);
}

const results = { foreign: {}, rounds: [], acsRounds: [], stops: [] };
const benchStarted = performance.now();
let failed = null;
let lastApp = null;

try {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run bench\` (it builds first)`);
  log(`temp folder ${tmpRoot}; app on ${base}, embedded PostgreSQL on 127.0.0.1:${pgPort}`);
  await waitQuiet(45_000);

  // 1. Start-up on a fresh ATRIUM_HOME, idle RSS, clean SIGTERM.
  log('start-up on a fresh ATRIUM_HOME ...');
  let run = await measured('startFresh', () => startApp(appOptions));
  results.startFresh = run.ms;
  log(`  /status 200 after ${fmt(run.ms / 1000, ' s', 2)}; idling ${IDLE_SECONDS} s`);
  await sleep(IDLE_SECONDS * 1000);
  results.rssIdle = rssMb(run.child.pid);
  log(`  idle RSS ${fmt(results.rssIdle, ' MB')}`);
  results.stops.push(await stopApp(run.child, home, log));

  // 2. Second start on the same, initialised ATRIUM_HOME.
  log('start-up on the initialised ATRIUM_HOME ...');
  run = await measured('startWarm', () => startApp(appOptions));
  results.startWarm = run.ms;
  log(`  /status 200 after ${fmt(run.ms / 1000, ' s', 2)}`);
  results.stops.push(await stopApp(run.child, home, log));

  // 3. The measured server: the same main.js with the event-loop probe preloaded.
  log('starting the app with the event-loop probe ...');
  run = await startApp({ ...appOptions, probe: PROBE });
  const app = run.child;
  lastApp = app;

  const db = new pg.Client({ connectionString: databaseUrl });
  // The server going away (the app stopping, Ctrl-C) must not crash the bench; the next query fails instead.
  db.on('error', (error) => log(`database connection lost: ${error.message}`));
  await db.connect();
  try {
    results.pgVersion = (await db.query('SHOW server_version')).rows[0].server_version;

    // Login users: one real bcrypt hash at the app's cost, reused (the cost, not the salt, sets the work).
    const password = `bench-${randomBytes(6).toString('hex')}`;
    const hash = await bcrypt.hash(password, BCRYPT_COST);
    await db.query(
      `WITH u AS (
         INSERT INTO users (username, full_name, email, password_hash)
         SELECT 'bench-login-' || i, 'Bench Login ' || i, 'bench-login-' || i || '@example.test', $1
           FROM generate_series(1, $2::int) AS i
         RETURNING id)
       INSERT INTO user_groups (user_id, group_id)
       SELECT u.id, g.id FROM u, groups g WHERE g.name = 'confluence-users'`,
      [hash, LOGIN_USERS],
    );

    // 4. Logins against raw bcrypt.compare, in alternating rounds; the event loop is watched meanwhile.
    const via = agent(CONCURRENCY);
    let nth = 0;
    const login = () => passwordLogin(base, `bench-login-${(nth++ % LOGIN_USERS) + 1}`, password, via);
    log(`warm-up: ${WARMUP_LOGINS} logins`);
    await runFixed(WARMUP_LOGINS, CONCURRENCY, login);
    await waitQuiet(30_000);
    const loginMark = cpuMark();
    // A round during which other processes took CPU is repeated (bounded), so that on a shared
    // machine the verdict rests on rounds that measured Atrium and not its neighbours.
    for (let attempt = 1; attempt <= MAX_ROUND_ATTEMPTS; attempt++) {
      if (results.rounds.filter((r) => r.clean).length >= ROUNDS) break;
      if (results.rounds.at(-1)?.clean === false) {
        await waitQuiet(15_000);
      }
      const burst = async () => {
        await probeCall(app, 'reset');
        const mark = cpuMark();
        const stats = await runFixed(PER_ROUND, CONCURRENCY, login);
        return { stats, loop: await probeCall(app, 'report'), foreign: foreignCores(mark) };
      };
      const raw = async () => {
        const mark = cpuMark();
        return { stats: await baselineBurst(hash, password), foreign: foreignCores(mark) };
      };
      // Alternate the order so that a slow start or end of the run does not favour either side.
      const first = attempt % 2 ? await raw() : await burst();
      const second = attempt % 2 ? await burst() : await raw();
      const [baseline, logins] = attempt % 2 ? [first, second] : [second, first];
      const ratio = logins.stats.perSecond / baseline.stats.perSecond;
      const foreign = Math.max(baseline.foreign, logins.foreign);
      results.rounds.push({ baseline, logins, ratio, foreign, clean: foreign < QUIET_CORES });
      log(
        `round ${attempt}: bcrypt.compare ${fmt(baseline.stats.perSecond, '/s', 2)}, logins ${fmt(logins.stats.perSecond, '/s', 2)}` +
          ` (${fmt(ratio * 100, ' %')}), max event-loop delay ${fmt(logins.loop.maxMs, ' ms')}` +
          `, max GC pause ${fmt(logins.loop.gcMaxMs, ' ms')}; other processes ${fmt(foreign, ' cores', 2)}` +
          (foreign < QUIET_CORES ? '' : ' (busy: not counted if enough quiet rounds)'),
      );
    }
    results.foreign.logins = foreignCores(loginMark);
    via.destroy();
    await sleep(2000);
    results.rssAfterLogins = rssMb(app.pid);
    log(`RSS after the logins ${fmt(results.rssAfterLogins, ' MB')}`);

    // 5. SAML SSO: the ACS against raw node-saml on the same responses, then SP-initiated redirects.
    log('SSO: adding a samlify IdP through the JSON API ...');
    const idp = await createBenchIdp();
    const sso = await addBenchIdp({ base, adminPassword, db, idp, uniqueId: 'bench', userCount: SSO_USERS });
    const ssoPath = ssoLoginPath(sso.uniqueId);
    const responseCount = ACS_WARMUP + MAX_ACS_ATTEMPTS * ACS_PER_ROUND;
    log(`  generating ${responseCount} signed responses (assertion signed, ${SSO_USERS} users) ...`);
    const t1 = performance.now();
    const responses = await generateResponses(idp, sso.acsUrl, sso.users, responseCount);
    results.ssoGenerateMs = performance.now() - t1;
    const responsesFile = join(tmpRoot, 'saml-responses.json');
    writeFileSync(
      responsesFile,
      JSON.stringify({ acsUrl: sso.acsUrl, idpIssuer: idp.entityId, idpCert: idp.cert, responses }),
    );
    const forms = responses.map((SAMLResponse) => new URLSearchParams({ SAMLResponse }).toString());
    log(
      `  ${responses.length} responses in ${fmt(results.ssoGenerateMs / 1000, ' s')}; warm-up: ${ACS_WARMUP} ACS posts`,
    );
    const acsVia = agent(ACS_CONCURRENCY);
    const acsBurst = (offset) =>
      runCounted(ACS_PER_ROUND, ACS_CONCURRENCY, (i) => postAcs(base, ssoPath, forms[offset + i], acsVia));
    const warm = await runCounted(ACS_WARMUP, ACS_CONCURRENCY, (i) => postAcs(base, ssoPath, forms[i], acsVia));
    if (warm.errors) {
      throw new Error(`ACS warm-up: ${describeFailures(warm.failures)} (trace: ${await traceFailures(db)})`);
    }
    await waitQuiet(30_000);
    const acsMark = cpuMark();
    for (let attempt = 1; attempt <= MAX_ACS_ATTEMPTS; attempt++) {
      if (results.acsRounds.filter((r) => r.clean).length >= ACS_ROUNDS) break;
      if (results.acsRounds.at(-1)?.clean === false) {
        await waitQuiet(15_000);
      }
      // Each round posts fresh responses (the replay cache accepts each only once); node-saml
      // checks those same responses.
      const offset = ACS_WARMUP + (attempt - 1) * ACS_PER_ROUND;
      const burst = async () => {
        await probeCall(app, 'reset');
        const mark = cpuMark();
        const stats = await acsBurst(offset);
        return { stats, loop: await probeCall(app, 'report'), foreign: foreignCores(mark) };
      };
      const raw = async () => {
        const mark = cpuMark();
        return { stats: await samlBaselineBurst(responsesFile, offset), foreign: foreignCores(mark) };
      };
      const first = attempt % 2 ? await raw() : await burst();
      const second = attempt % 2 ? await burst() : await raw();
      const [baseline, acs] = attempt % 2 ? [first, second] : [second, first];
      const ratio = acs.stats.perSecond / baseline.stats.perSecond;
      const foreign = Math.max(baseline.foreign, acs.foreign);
      results.acsRounds.push({ baseline, acs, ratio, foreign, clean: foreign < QUIET_CORES });
      log(
        `ACS round ${attempt}: node-saml ${fmt(baseline.stats.perSecond, '/s')}, ACS ${fmt(acs.stats.perSecond, '/s')}` +
          ` (${fmt(ratio * 100, ' %')}), ${acs.stats.errors} error(s), max event-loop delay ${fmt(acs.loop.maxMs, ' ms')}` +
          `; other processes ${fmt(foreign, ' cores', 2)}` +
          (foreign < QUIET_CORES ? '' : ' (busy: not counted if enough quiet rounds)'),
      );
    }
    results.foreign.acs = foreignCores(acsMark);
    const acsErrors = results.acsRounds.reduce((n, r) => n + r.acs.stats.errors, 0);
    if (acsErrors) results.acsFailureReasons = await traceFailures(db);
    acsVia.destroy();

    const redirectVia = agent(REDIRECT_CONCURRENCY);
    const redirect = () => getRedirect(base, `${ssoPath}?next=%2F`, sso.ssoUrl, redirectVia);
    log(`SSO: ${REDIRECT_WARMUP} warm-up redirects, then ${REDIRECTS} at concurrency ${REDIRECT_CONCURRENCY}`);
    await runCounted(REDIRECT_WARMUP, REDIRECT_CONCURRENCY, redirect, { maxMs: REDIRECT_MAX_MS });
    for (let attempt = 1; attempt <= REDIRECT_ATTEMPTS; attempt++) {
      await waitQuiet(20_000);
      await probeCall(app, 'reset');
      results.redirects = await measured('redirects', () =>
        runCounted(REDIRECTS, REDIRECT_CONCURRENCY, redirect, { maxMs: REDIRECT_MAX_MS }),
      );
      results.redirectsLoop = await probeCall(app, 'report');
      results.redirectAttempts = attempt;
      if (results.foreign.redirects < QUIET_CORES) break;
      log(
        `  redirect burst ${attempt}: ${fmt(results.redirects.perSecond, '/s')} while other processes used ${fmt(results.foreign.redirects, ' cores', 2)}`,
      );
    }
    redirectVia.destroy();
    log(
      `  ${results.redirects.count} redirects: ${fmt(results.redirects.perSecond, '/s')}, p50 ${fmt(results.redirects.p50, ' ms')}, ` +
        `p95 ${fmt(results.redirects.p95, ' ms')}, ${results.redirects.errors} error(s)`,
    );

    // 6. User management at 100k users.
    log(`inserting ${SCALE_USERS.toLocaleString('en')} users ...`);
    const t0 = performance.now();
    await db.query(
      `WITH u AS (
         INSERT INTO users (username, full_name, email, password_hash)
         SELECT 'user' || lpad(i::text, 6, '0'), 'Person ' || md5(i::text), 'user' || lpad(i::text, 6, '0') || '@example.test', $1
           FROM generate_series(1, $2::int) AS i
         RETURNING id)
       INSERT INTO user_groups (user_id, group_id)
       SELECT u.id, g.id FROM u, groups g WHERE g.name = 'confluence-users'`,
      [hash, SCALE_USERS],
    );
    await db.query('ANALYZE users');
    await db.query('ANALYZE user_groups');
    results.insertMs = performance.now() - t0;
    const count = async (where = '', params = []) =>
      (await db.query(`SELECT count(*)::int AS n FROM users ${where}`, params)).rows[0].n;
    results.totalUsers = await count();
    log(`  ${results.totalUsers} users in ${fmt(results.insertMs / 1000, ' s')}`);

    const adminVia = agent(1);
    const jar = await passwordLogin(base, 'admin', adminPassword, adminVia);
    const search = `WHERE lower(username) || ' ' || lower(full_name) || ' ' || lower(email) LIKE $1`;
    const narrow = '4242'; // a handful of usernames and md5 full names
    const broad = 'example'; // every bench user: the worst case for counting and sorting
    const narrowCount = await count(search, [`%${narrow}%`]);
    const broadCount = await count(search, [`%${broad}%`]);
    const shows = (total, page) => (body) => {
      if (!body.includes(`${total} user(s)`)) throw new Error(`expected "${total} user(s)" in the page`);
      if (page && !body.includes(`Page ${page} of`)) throw new Error(`expected "Page ${page} of" in the page`);
    };
    const cases = [
      ['GET /admin/users (first page)', '/admin/users', shows(results.totalUsers)],
      ['GET /admin/users?page=1000', '/admin/users?page=1000', shows(results.totalUsers, 1000)],
      [`GET /admin/users?q=${narrow} (${narrowCount} matches)`, `/admin/users?q=${narrow}`, shows(narrowCount)],
      [`GET /admin/users?q=${broad} (${broadCount} matches)`, `/admin/users?q=${broad}`, shows(broadCount)],
    ];
    await waitQuiet(20_000);
    await probeCall(app, 'reset');
    results.admin = await measured('admin', async () => {
      const out = [];
      for (const [label, path, check] of cases) {
        const stats = await adminLatency(jar, adminVia, path, check);
        out.push({ label, ...stats });
        log(`${label}: p50 ${fmt(stats.p50, ' ms')}, p95 ${fmt(stats.p95, ' ms')}`);
      }
      return out;
    });
    results.adminLoop = await probeCall(app, 'report');
    adminVia.destroy();
  } finally {
    await db.end();
  }

  results.stops.push(await stopApp(app, home, log));
} catch (error) {
  failed = error;
  if (!interrupted) {
    console.error(`[bench] FAILED: ${error.stack ?? error}`);
    // What the app said last, for a failure it caused (a crash, a refused request).
    if (lastApp?.output?.length) console.error(`[bench] the app's last output:\n${lastApp.output.slice(-30).join('\n')}`);
  }
} finally {
  await cleanUp();
}
if (interrupted) {
  // The signal handler exits once the clean-up has finished; write no report.
  await new Promise(() => undefined);
}

const rows = reportRows(results, failed, {
  QUIET_CORES,
  TARGET_START_MS,
  TARGET_RSS_MB,
  IDLE_SECONDS,
  BCRYPT_COST,
  CONCURRENCY,
  TARGET_LOGIN_RATIO,
  TARGET_STALL_MS,
  ACS_CONCURRENCY,
  TARGET_ACS_RATIO,
  REDIRECT_CONCURRENCY,
  REDIRECT_MAX_MS,
  TARGET_REDIRECTS_PER_S,
});

const elapsed = (performance.now() - benchStarted) / 1000;
const foreign = Object.entries(results.foreign)
  .map(([k, v]) => `${k} ${v.toFixed(2)}`)
  .join(', ');
const facts = [
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${cpus().length} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, Linux ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}`,
  `- Node.js ${process.version}, PostgreSQL ${results.pgVersion ?? 'n/a'} (embedded), libuv thread pool ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
  `- Logins: bcrypt cost ${BCRYPT_COST}, ${LOGIN_USERS} users, ${WARMUP_LOGINS} warm-up logins, then rounds of ${PER_ROUND} logins and ${PER_ROUND} raw compares each (order alternating), concurrency ${CONCURRENCY}; ${ROUNDS} quiet rounds wanted, ${results.rounds.length} run, other processes' cores per round: ${results.rounds.map((r) => r.foreign.toFixed(2)).join(', ') || 'n/a'}`,
  `- SSO: one Entra-preset IdP (samlify, RSA-2048, SHA-256) added through the JSON API, ${SSO_USERS} users linked by email on their first login; ${ACS_WARMUP} warm-up ACS posts, then rounds of ${ACS_PER_ROUND} fresh IdP-initiated responses (assertion signed) posted to the ACS and checked by raw node-saml in its own process (order alternating, ${BASELINE_SAML_WARMUP} warm-up validations), concurrency ${ACS_CONCURRENCY}; ${ACS_ROUNDS} quiet rounds wanted, ${results.acsRounds.length} run, other processes' cores per round: ${results.acsRounds.map((r) => r.foreign.toFixed(2)).join(', ') || 'n/a'}; ${results.redirects?.count ?? 0} SP-initiated redirects after ${REDIRECT_WARMUP} warm-up, keep-alive`,
  `- User management: ${(results.totalUsers ?? 0).toLocaleString('en')} users (inserted and analysed in ${fmt((results.insertMs ?? NaN) / 1000, ' s')}), ${ADMIN_REQUESTS} sequential requests per URL after 3 warm-up, admin session`,
  `- CPU used by other processes on the machine, in cores: ${foreign || 'n/a'} (figures taken above ${QUIET_CORES} are marked "busy machine")`,
  `- Bench wall time: ${fmt(elapsed, ' s', 0)}`,
];
console.log(`\n${consoleTable(rows)}\n`);
console.log(facts.join('\n'));
const anyFail = !!failed || rows.some((r) => r.result === 'FAIL');
if (!failed) {
  writeBenchmarksDoc(
    join(ROOT, 'docs', 'benchmarks.md'),
    `## Latest run\n\n${facts.join('\n')}\n\n${markdownTable(rows)}\n`,
  );
  log('wrote docs/benchmarks.md');
}
process.exit(anyFail ? 1 : 0);
