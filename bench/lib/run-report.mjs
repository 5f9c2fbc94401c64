// The result rows of `npm run bench` (bench/run.mjs): each figure against its target.
import { summarise } from './http.mjs';
import { fmt } from './report.mjs';
import { describeFailures } from './sso.mjs';

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * The rounds a verdict rests on: the quiet ones, or all of them when none was quiet (said in
 * `note`); their median ratio; and each side's throughput pooled over them.
 */
function countedRounds(all) {
  const quiet = all.filter((r) => r.clean);
  const rounds = quiet.length ? quiet : all;
  const note = quiet.length
    ? all.length > quiet.length
      ? `; ${all.length - quiet.length} busy round(s) left out`
      : ''
    : ' [busy machine in every round: figures unreliable]';
  const pooled = (side) => {
    const count = rounds.reduce((n, r) => n + r[side].stats.count, 0);
    const elapsed = rounds.reduce((n, r) => n + r[side].stats.elapsedMs, 0);
    return (count * 1000) / elapsed;
  };
  return { rounds, note, ratio: median(rounds.map((r) => r.ratio)), list: (f) => rounds.map(f).join(', '), pooled };
}

/**
 * Rows { figure, measured, target, result } for the console and docs/benchmarks.md. `results` is
 * what run.mjs measured, `failed` the error that ended the run early (or null), `s` its settings
 * and targets.
 */
export function reportRows(results, failed, s) {
  const rows = [];
  const pass = (ok) => (ok ? 'PASS' : 'FAIL');
  const ms = (v) => fmt(v, ' ms');
  const busy = (name) => {
    const cores = results.foreign[name];
    return cores !== undefined && cores >= s.QUIET_CORES ? ` [busy machine: +${cores.toFixed(2)} cores]` : '';
  };
  if (results.startFresh !== undefined) {
    rows.push({
      figure: 'Start-up, fresh ATRIUM_HOME (spawn to /status 200)',
      measured: fmt(results.startFresh / 1000, ' s', 2) + busy('startFresh'),
      target: '< 15 s',
      result: pass(results.startFresh < s.TARGET_START_MS),
    });
  }
  if (results.startWarm !== undefined) {
    rows.push({
      figure: 'Start-up, initialised ATRIUM_HOME',
      measured: fmt(results.startWarm / 1000, ' s', 2) + busy('startWarm'),
      target: '< 15 s',
      result: pass(results.startWarm < s.TARGET_START_MS),
    });
  }
  if (results.stops.length) {
    const clean = results.stops.filter((s) => s.clean).length;
    rows.push({
      figure: 'SIGTERM: exit 0, no error logged, no postgres left',
      measured: `${clean}/${results.stops.length} clean, slowest ${fmt(Math.max(...results.stops.map((s) => s.ms)) / 1000, ' s', 2)}`,
      target: 'all clean',
      result: pass(clean === results.stops.length),
    });
  }
  if (results.rssIdle !== undefined) {
    rows.push({
      figure: `Idle RSS of the app process (${s.IDLE_SECONDS} s after start-up)`,
      measured: fmt(results.rssIdle, ' MB'),
      target: '< 250 MB',
      result: pass(results.rssIdle < s.TARGET_RSS_MB),
    });
  }
  if (results.rssAfterLogins !== undefined) {
    rows.push({
      figure: 'RSS after the login rounds (2 s idle)',
      measured: fmt(results.rssAfterLogins, ' MB'),
      target: '< 250 MB',
      result: pass(results.rssAfterLogins < s.TARGET_RSS_MB),
    });
  }
  if (results.rounds.length) {
    // The verdict uses the quiet rounds; only when there is none does it fall back to all of them.
    const { rounds, note, ratio, list, pooled } = countedRounds(results.rounds);
    results.ratio = ratio;
    rows.push({
      figure: `Raw bcrypt.compare, cost ${s.BCRYPT_COST}, concurrency ${s.CONCURRENCY}, own process (baseline)`,
      measured: `${fmt(pooled('baseline'), '/s', 2)} (rounds: ${list((r) => r.baseline.stats.perSecond.toFixed(2))})`,
      target: 'baseline',
      result: 'info',
    });
    rows.push({
      figure: `Password logins, GET+POST /login, concurrency ${s.CONCURRENCY}`,
      measured:
        `${fmt(pooled('logins'), '/s', 2)} = ${fmt(ratio * 100, ' %')} of baseline (median; rounds: ` +
        `${list((r) => `${(r.ratio * 100).toFixed(0)} %`)})${note}`,
      target: '>= 80 % of baseline',
      result: pass(ratio >= s.TARGET_LOGIN_RATIO),
    });
    const all = summarise(rounds.flatMap((r) => r.logins.stats.latencies), 1);
    rows.push({
      figure: 'Login latency p50 / p95 / p99 (GET+POST)',
      measured: `${ms(all.p50)} / ${ms(all.p95)} / ${ms(all.p99)}`,
      target: '-',
      result: 'info',
    });
    const worst = Math.max(...rounds.map((r) => r.logins.loop.maxMs));
    rows.push({
      figure: 'Max event-loop stall during the login rounds (in the app process)',
      measured:
        `${ms(worst)} (rounds: ${list((r) => r.logins.loop.maxMs.toFixed(0))} ms; ` +
        `max GC pause ${ms(Math.max(...rounds.map((r) => r.logins.loop.gcMaxMs)))})${note}`,
      target: '< 50 ms',
      result: pass(worst < s.TARGET_STALL_MS),
    });
  }
  if (results.acsRounds.length) {
    const { rounds, note, ratio, list, pooled } = countedRounds(results.acsRounds);
    const errors = results.acsRounds.reduce((n, r) => n + r.acs.stats.errors, 0);
    const failures = {};
    for (const r of results.acsRounds) {
      for (const [what, n] of Object.entries(r.acs.stats.failures)) failures[what] = (failures[what] ?? 0) + n;
    }
    results.acsRatio = ratio;
    rows.push({
      figure: `Raw node-saml validatePostResponseAsync, concurrency ${s.ACS_CONCURRENCY}, own process (baseline)`,
      measured: `${fmt(pooled('baseline'), '/s')} (rounds: ${list((r) => r.baseline.stats.perSecond.toFixed(1))})`,
      target: 'baseline',
      result: 'info',
    });
    rows.push({
      figure: `SAML ACS, IdP-initiated POST .../sp/bench/login -> 303, concurrency ${s.ACS_CONCURRENCY}, node-saml on 1 worker thread`,
      measured:
        `${fmt(pooled('acs'), '/s')} = ${fmt(ratio * 100, ' %')} of baseline (median; rounds: ` +
        `${list((r) => `${(r.ratio * 100).toFixed(0)} %`)}); ${errors} error(s)` +
        (errors ? ` (${describeFailures(failures)}: ${results.acsFailureReasons || 'no trace entry'})` : '') +
        note,
      target: '>= 60 % of baseline, no errors',
      result: pass(ratio >= s.TARGET_ACS_RATIO && errors === 0),
    });
    const all = summarise(
      rounds.flatMap((r) => r.acs.stats.latencies),
      1,
    );
    const worst = Math.max(...rounds.map((r) => r.acs.loop.maxMs));
    rows.push({
      figure: 'ACS latency p50 / p95 / p99; max event-loop stall during the ACS rounds',
      measured: `${ms(all.p50)} / ${ms(all.p95)} / ${ms(all.p99)}; ${ms(worst)}`,
      target: '-',
      result: 'info',
    });
  }
  if (results.redirects) {
    const r = results.redirects;
    rows.push({
      figure: `SP-initiated redirects, GET .../sp/bench/login?next=%2F -> 302, concurrency ${s.REDIRECT_CONCURRENCY}`,
      measured:
        `${fmt(r.perSecond, '/s', 0)} over ${r.count} requests, p50 ${ms(r.p50)} / p95 ${ms(r.p95)}, ${r.errors} error(s)` +
        (r.errors ? ` (${describeFailures(r.failures)})` : '') +
        (r.timedOut ? ` [stopped after ${s.REDIRECT_MAX_MS / 1000} s]` : '') +
        `; max event-loop stall ${ms(results.redirectsLoop?.maxMs)}` +
        (results.redirectAttempts > 1 ? `; burst ${results.redirectAttempts} of ${results.redirectAttempts}` : '') +
        busy('redirects'),
      target: '>= 1,000/s, no errors',
      result: pass(r.perSecond >= s.TARGET_REDIRECTS_PER_S && r.errors === 0),
    });
  }
  for (const a of results.admin ?? []) {
    rows.push({
      figure: `${a.label}, ${(results.totalUsers ?? 0).toLocaleString('en')} users`,
      measured: `p50 ${ms(a.p50)} / p95 ${ms(a.p95)} / p99 ${ms(a.p99)}, ${fmt(a.perSecond, '/s')}` + busy('admin'),
      target: 'fast (no figure)',
      result: 'info',
    });
  }
  if (results.adminLoop) {
    rows.push({
      figure: 'Max event-loop stall during the User management requests',
      measured: ms(results.adminLoop.maxMs),
      target: '-',
      result: 'info',
    });
  }
  if (failed) rows.push({ figure: 'Bench run', measured: String(failed.message).split('\n')[0], target: 'completes', result: 'FAIL' });
  return rows;
}
