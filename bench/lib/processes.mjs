// Child processes the bench starts, and the clean-up that stops them (also on error).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set();

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a child, keeps the last lines of its output for error messages, and registers it
 * for clean-up. `ipc` adds an IPC channel (for node children).
 */
export function start(command, args, { env, cwd, ipc = false, label = command } = {}) {
  const child = spawn(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])],
  });
  child.label = label;
  child.output = [];
  const keep = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      child.output.push(line);
      if (child.output.length > 200) child.output.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  child.once('error', (error) => child.output.push(`spawn error: ${error.message}`));
  children.add(child);
  return child;
}

export function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

/** Waits for the child to exit, at most `ms`; returns its exit or null on time-out. */
export async function waitExit(child, ms) {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a node script to completion and returns its stdout; rejects on a non-zero exit or time-out. */
export async function runNode(args, { env, cwd, timeoutMs = 120_000, label } = {}) {
  const child = start(process.execPath, args, { env, cwd, label });
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c));
  const exit = await waitExit(child, timeoutMs);
  if (!exit) {
    child.kill('SIGKILL');
    throw new Error(`${label ?? args.join(' ')} did not finish in ${timeoutMs} ms`);
  }
  if (exit.code !== 0) {
    throw new Error(`${label ?? args.join(' ')} exited with ${exit.code ?? exit.signal}:\n${child.output.join('\n')}`);
  }
  return stdout;
}

/** PIDs of live processes whose command line mentions `marker` (e.g. our temp folder). */
export function processesMentioning(marker) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(marker) && state !== 'Z') found.push({ pid: Number(entry), cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Resident set size in MB of a live process, from /proc/<pid>/status (VmRSS). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb / 1024;
}

/** Last resort when the bench exits abruptly: SIGKILL what is left, synchronously. */
export function killAllNow(marker) {
  for (const child of children) if (isRunning(child)) child.kill('SIGKILL');
  if (!marker) return;
  for (const { pid } of processesMentioning(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Stops every child we started (SIGTERM, then SIGKILL), then any stray process under `marker`. */
export async function stopAll(marker) {
  const live = [...children].filter(isRunning);
  for (const child of live) child.kill('SIGTERM');
  await Promise.all(live.map((child) => waitExit(child, 15_000)));
  for (const child of [...children].filter(isRunning)) child.kill('SIGKILL');
  if (!marker) return;
  // An app killed hard leaves its embedded PostgreSQL running; it lives in our temp folder.
  for (let i = 0; i < 20; i++) {
    const stray = processesMentioning(marker);
    if (!stray.length) return;
    for (const { pid } of stray) {
      try {
        process.kill(pid, i < 10 ? 'SIGINT' : 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(500);
  }
}
