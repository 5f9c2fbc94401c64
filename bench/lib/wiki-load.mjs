// The wiki bench's servers and request loads: Atrium on a seeded database, the Express
// baseline, and the four request kinds the targets name (view, tree level, search, save).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApp, stopApp } from './app.mjs';
import { cpuMark, foreignCores } from './cpu.mjs';
import { cookieHeader, csrfTokenFrom, keepCookies, passwordLogin, request, runFixed } from './http.mjs';
import { freePort, isRunning, start, waitExit } from './processes.mjs';
import { BENCH_PASSWORD, BENCH_USER } from './wiki-data.mjs';

/**
 * `node dist/src/main.js` on `databaseUrl`, with its own ATRIUM_HOME under `tmpRoot`, logged in
 * as the bench user. With `profileFile`, bench/lib/wiki-profile.mjs writes a CPU profile there at exit.
 */
export async function startWikiApp({ root, tmpRoot, name, databaseUrl, profileFile, log }) {
  const port = await freePort();
  const home = join(tmpRoot, `home-${name}`);
  mkdirSync(home, { mode: 0o755 });
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    ATRIUM_HOME: home,
    PORT: String(port),
    ATRIUM_HOST: '127.0.0.1',
    ATRIUM_BASE_URL: base,
    ATRIUM_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
  };
  if (profileFile) env.ATRIUM_BENCH_PROFILE = profileFile;
  const probe = profileFile ? join(root, 'bench', 'lib', 'wiki-profile.mjs') : undefined;
  const { child, ms } = await startApp({ main: join(root, 'dist', 'src', 'main.js'), probe, env, cwd: root, base });
  log(`  ${name}: Atrium on ${base} (started in ${(ms / 1000).toFixed(1)} s)`);
  const app = { name, base, child, home, jar: null };
  app.jar = await passwordLogin(base, BENCH_USER, BENCH_PASSWORD);
  // Login redirects to the dashboard, and a browser following it gets the CSRF cookie of the
  // signed-in session there (the one from the login form was bound to no session) and sends it
  // with every later page, which then has no new token to make.
  const landing = await request(base, '/', { headers: { cookie: cookieHeader(app.jar) } });
  if (landing.status !== 200) throw new Error(`GET / after login answered ${landing.status}`);
  keepCookies(app.jar, landing);
  return app;
}

export async function stopWikiApp(app, log) {
  if (!app || !isRunning(app.child)) return null;
  return stopApp(app.child, app.home, log);
}

/** bench/wiki-baseline-server.mjs on `databaseUrl`; resolves { base, child }. */
export async function startBaseline({ root, databaseUrl }) {
  const port = await freePort();
  const child = start(process.execPath, [join(root, 'bench', 'wiki-baseline-server.mjs'), String(port), databaseUrl], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production' },
    label: 'wiki baseline',
  });
  const deadline = performance.now() + 20_000;
  while (!child.output.includes('listening')) {
    if (!isRunning(child)) throw new Error(`the baseline server exited:\n${child.output.join('\n')}`);
    if (performance.now() > deadline) throw new Error(`the baseline server did not start:\n${child.output.join('\n')}`);
    await sleep(25);
  }
  return { base: `http://127.0.0.1:${port}`, child };
}

export async function stopBaseline(baseline) {
  if (!baseline || !isRunning(baseline.child)) return;
  baseline.child.kill('SIGTERM');
  if (!(await waitExit(baseline.child, 5000))) baseline.child.kill('SIGKILL');
}

const HZ = 100; // USER_HZ, the unit of /proc/<pid>/stat

/** user + system CPU ticks of `pid` (when given) and of every live child of `parentPid` (when given). */
function ticks({ pid, parentPid }) {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) === pid || Number(rest[1]) === parentPid) total += Number(rest[11]) + Number(rest[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/**
 * Measures the CPU a server spends per request: its Node process (`pid`) and the PostgreSQL
 * backends (children of the postmaster `pgPid`). Start before a burst; `perRequest(n)` after it.
 */
export function serverCpu(pid, pgPid) {
  const node0 = ticks({ pid });
  const pg0 = ticks({ parentPid: pgPid });
  return {
    perRequest: (n) => ({ nodeMs: ((ticks({ pid }) - node0) * 1000) / HZ / n, pgMs: ((ticks({ parentPid: pgPid }) - pg0) * 1000) / HZ / n }),
  };
}

/** The canonical page URL, as the app builds it (so no request is a redirect). */
export async function pagePaths(root, pages) {
  const { pageUrl } = await import(pathToFileURL(join(root, 'dist', 'src', 'wiki', 'wiki-urls.js')).href);
  return pages.map((p) => pageUrl(p.key, p.id, p.title));
}

function expect200(res, what) {
  if (res.status !== 200) throw new Error(`${what} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return res;
}

/**
 * `total` GETs of `paths` (round-robin from `offset`) with `concurrency` workers; resolves the
 * runFixed summary plus the CPU other processes used meanwhile. `accept` is the Accept header (the
 * browser's tree script asks for JSON); `check` looks at each body; with `cpuOf` ({ pid, pgPid }) the
 * result also has the server's CPU per request (serverCpu).
 */
export async function getBurst({ base, jar, via, paths, total, concurrency, offset = 0, accept, check, cpuOf }) {
  const headers = { ...(jar ? { cookie: cookieHeader(jar) } : {}), ...(accept ? { accept } : {}) };
  const mark = cpuMark();
  const cpu = cpuOf ? serverCpu(cpuOf.pid, cpuOf.pgPid) : null;
  const stats = await runFixed(total, concurrency, async (i) => {
    const path = paths[(offset + i) % paths.length];
    const res = expect200(await request(base, path, { agent: via, headers }), `GET ${path}`);
    check?.(res.body, path);
  });
  return { stats, foreign: foreignCores(mark), cpu: cpu?.perRequest(total) };
}

/** The edit form's fields, as a browser would send them back. */
function editForm(html) {
  const field = (name) => {
    const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html);
    if (!m) throw new Error(`no ${name} field in the edit form`);
    return decodeHtml(m[1]);
  };
  const body = /<textarea id="body" name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html);
  if (!body) throw new Error('no body field in the edit form');
  return { _csrf: csrfTokenFrom(html), baseVersion: field('baseVersion'), title: field('title'), body: decodeHtml(body[1]) };
}

function decodeHtml(text) {
  return text.replace(/&(lt|gt|quot|#x27|#39|#x3D|#x60|amp);/g, (_, e) => ({ lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", '#x3D': '=', '#x60': '`', amp: '&' })[e]);
}

/**
 * Sequential saves of distinct pages, the browser's way: GET the edit form (not timed), then
 * POST title, body (one paragraph added), baseVersion and CSRF token (timed), expecting 303.
 */
export async function saveBurst({ app, via, pages, round }) {
  const latencies = [];
  const mark = cpuMark();
  const started = performance.now();
  for (const page of pages) {
    const editPath = `/spaces/${page.key}/pages/${page.id}/edit`;
    const jar = new Map(app.jar);
    const formRes = expect200(await request(app.base, editPath, { agent: via, headers: { cookie: cookieHeader(jar) } }), `GET ${editPath}`);
    keepCookies(jar, formRes);
    const form = editForm(formRes.body);
    const body = new URLSearchParams({
      ...form,
      body: `${form.body}<p>Bench edit ${round}: release notes reviewed.</p>`,
      comment: `bench round ${round}`,
    }).toString();
    const t0 = performance.now();
    const res = await request(app.base, `/spaces/${page.key}/pages/${page.id}`, {
      method: 'POST',
      agent: via,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
    });
    latencies.push(performance.now() - t0);
    if (res.status !== 303) throw new Error(`POST save of page ${page.id} answered ${res.status}: ${res.body.slice(0, 300)}`);
  }
  const elapsed = performance.now() - started;
  return { latencies, elapsedMs: elapsed, foreign: foreignCores(mark) };
}
