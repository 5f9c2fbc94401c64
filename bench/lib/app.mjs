// Starting, probing and stopping `node dist/src/main.js` the way an operator would.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from './http.mjs';
import { isRunning, processesMentioning, start, waitExit } from './processes.mjs';

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Spawns the app and times it from spawn until GET /status answers 200 with state RUNNING.
 * With `probe`, bench/probe.mjs is preloaded and an IPC channel opened to it.
 */
export async function startApp({ main, probe, env, cwd, base }) {
  const args = probe ? ['--import', probe, main] : [main];
  const t0 = performance.now();
  const child = start(process.execPath, args, { env, cwd, ipc: !!probe, label: 'atrium' });
  const deadline = t0 + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (!isRunning(child)) throw new Error(`the app exited during start-up:\n${child.output.join('\n')}`);
    try {
      const res = await request(base, '/status', { timeoutMs: 2000 });
      if (res.status === 200 && JSON.parse(res.body).state === 'RUNNING') {
        return { child, ms: performance.now() - t0 };
      }
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`/status did not answer 200 within ${START_TIMEOUT_MS} ms:\n${child.output.join('\n')}`);
}

/**
 * SIGTERM, then checks that the app exited 0, printed no error on the way out, and left no
 * process (its embedded PostgreSQL) and no postmaster.pid in `home`.
 */
export async function stopApp(child, home, log) {
  const said = [];
  const collect = (chunk) => said.push(...chunk.toString('utf8').split('\n'));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const t0 = performance.now();
  child.kill('SIGTERM');
  const exit = await waitExit(child, STOP_TIMEOUT_MS);
  const ms = performance.now() - t0;
  let leftovers = processesMentioning(home);
  for (let i = 0; i < 20 && leftovers.length; i++) {
    await sleep(250);
    leftovers = processesMentioning(home);
  }
  const pidFile = existsSync(join(home, 'postgres', 'postmaster.pid'));
  // Lines printed while stopping: pino's info lines are normal, errors and warnings are not.
  const noise = said.filter((line) => /error|terminating connection|"level":[456]0/i.test(line));
  const clean = exit?.code === 0 && leftovers.length === 0 && !pidFile && noise.length === 0;
  if (!clean) {
    log(`unclean stop: exit=${JSON.stringify(exit)} leftovers=${JSON.stringify(leftovers)} postmaster.pid=${pidFile}`);
    log(child.output.slice(-30).join('\n'));
  }
  return { ms, exit, leftovers: leftovers.length, pidFile, noise: noise.length, clean };
}

/** Talks to bench/probe.mjs inside the app process. */
export function probeCall(child, command) {
  return new Promise((resolve, reject) => {
    const id = Math.random();
    const onMessage = (message) => {
      if (message?.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`the probe did not answer "${command}"`));
    }, 5000);
    child.on('message', onMessage);
    child.send({ bench: command, id });
  });
}
