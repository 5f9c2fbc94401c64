// The results table, on the console and in docs/benchmarks.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const MARKER = '<!-- Everything below this line is written by `npm run bench`. Do not edit it by hand. -->';

const DEFAULT_INTRO = `# Benchmarks

How Atrium checks the performance targets of issue 2 (start-up time, idle memory, password-login
throughput against raw bcrypt, event-loop stalls) and issue 3 (SAML ACS throughput against raw node-saml,
SP-initiated redirects per second), and how User management behaves at 100,000 users.

Run it with:

\`\`\`sh
npm run bench
\`\`\`

What it does:

- It builds the app, then starts \`node dist/src/main.js\` three times on a fresh temporary \`ATRIUM_HOME\`
  (embedded PostgreSQL, free ports, \`127.0.0.1\` only): a first start, a second start on the initialised
  folder, and a measured run. Each run is stopped with SIGTERM and checked: exit code 0, no error logged, no
  PostgreSQL process left.
- Start-up time runs from spawn until \`GET /status\` answers 200. RSS is \`VmRSS\` of the app process.
- Password logins are full browser logins: \`GET /login\` for the CSRF cookie and token, then \`POST /login\`,
  expecting 303. The baseline is raw \`bcrypt.compare\` at the same cost, count and concurrency, in its own
  process. Login bursts and baseline bursts alternate in rounds, so drift affects both alike.
- The event loop is measured inside the server process: the bench preloads \`bench/probe.mjs\` with
  \`node --import\` (\`monitorEventLoopDelay\`, 10 ms resolution, plus GC pauses) and reads it over IPC.
- SSO: a SAML IdP built with samlify in the bench (\`bench/lib/saml-idp.mjs\`, RSA-2048, SHA-256) is added
  through \`POST /rest/atrium/1.0/sso/idps\` (Entra preset, no auto-creation), and its users are inserted with
  SQL. Before any timing, the bench signs one Entra-shaped, IdP-initiated response per request (only the
  assertion signed, unique Response and Assertion IDs, NameIDs cycling over the users), since the replay
  cache accepts each assertion once. Rounds alternate ACS bursts (\`POST …/sp/bench/login\`, expecting 303;
  any other answer counts as an error) with raw node-saml \`validatePostResponseAsync\`, configured like the
  app, on the same responses, count and concurrency in its own process (\`bench/saml-baseline.mjs\`); the
  verdict is the median ratio. SP-initiated redirects are 5,000 \`GET …/sp/bench/login?next=%2F\` at
  concurrency 8 over keep-alive, each expecting a 302 to the IdP's SSO URL.
- User management: 100,000 users are inserted with SQL, then the admin list, a deep page and two searches
  are timed through an admin session.
- It removes every process and folder it started, also on error or Ctrl-C, and takes 1 to 5 minutes on
  2 cores. Exit code 1 means a target was missed or the run failed.

On a shared machine, other processes' CPU use skews every figure. The bench measures that load
(\`/proc/stat\` minus its own process tree). It waits a little for a quiet machine, repeats login, ACS and
redirect rounds that other processes disturbed, and marks affected figures "busy machine". Commit new
figures together with the change that moved them.
`;

export function fmt(value, unit, digits = 1) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  return `${value.toFixed(digits)}${unit}`;
}

/** rows: { figure, measured, target, result } with result 'PASS' | 'FAIL' | 'info' */
export function markdownTable(rows) {
  const head = ['Figure', 'Measured', 'Target', 'Result'];
  const lines = [head, ['---', '---', '---', '---'], ...rows.map((r) => [r.figure, r.measured, r.target, r.result])];
  return lines.map((cells) => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`).join('\n');
}

/** The same table with padded columns for the terminal. */
export function consoleTable(rows) {
  const all = [['Figure', 'Measured', 'Target', 'Result'], ...rows.map((r) => [r.figure, r.measured, r.target, r.result])];
  const widths = all[0].map((_, i) => Math.max(...all.map((row) => String(row[i]).length)));
  const line = (row) => row.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n');
}

/** Keeps the hand-written intro above MARKER and replaces everything below it. */
export function writeBenchmarksDoc(path, generated) {
  let intro = DEFAULT_INTRO;
  if (existsSync(path)) {
    const current = readFileSync(path, 'utf8');
    const at = current.indexOf(MARKER);
    if (at >= 0) intro = current.slice(0, at).trimEnd() + '\n';
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${intro}\n${MARKER}\n\n${generated.trim()}\n`);
}
