// The results table, on the console and in docs/benchmarks.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const MARKER = '<!-- Everything below this line is written by `npm run bench`. Do not edit it by hand. -->';

const DEFAULT_INTRO = `# Benchmarks

How Atrium measures the performance targets of issue 2 (start-up time, idle memory, password-login
throughput against raw bcrypt, event-loop stalls) and how User management behaves at 100,000 users.

Run it with:

\`\`\`sh
npm run bench
\`\`\`

It builds the app, then starts \`node dist/src/main.js\` on a fresh temporary \`ATRIUM_HOME\` (embedded
PostgreSQL, free loopback ports), and removes every process and folder it started when it ends, also on
error. It takes a few minutes on a 2-core machine and rewrites the section below; commit the new figures
together with the change that moved them. Every ratio is taken against a baseline measured in the same run
on the same machine. The event loop is measured inside the server process by \`bench/probe.mjs\`, which the
bench preloads with \`node --import\`. Exit code 1 means a target was missed or the bench failed.
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
