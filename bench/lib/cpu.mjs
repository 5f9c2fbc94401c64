// How busy the machine is with work that is not ours: total CPU time (/proc/stat) minus the CPU
// time of this bench and every process under it (the app, its PostgreSQL, the baseline).
// On a shared 2-core machine a figure taken while something else runs is not worth much.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const HZ = 100; // USER_HZ: the unit of /proc/stat and /proc/<pid>/stat on Linux

function busyTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return user + nice + system + irq + softirq + (steal ?? 0);
}

function readStat(pid) {
  const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17
  return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]) };
}

/** CPU ticks of this process (with its reaped children) plus every live descendant. */
function ourTicks() {
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), readStat(entry));
    } catch {
      // gone
    }
  }
  const children = new Map();
  for (const [pid, s] of stats) {
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(pid);
  }
  let total = 0;
  const queue = [process.pid];
  while (queue.length) {
    const pid = queue.pop();
    total += stats.get(pid)?.ticks ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

export function cpuMark() {
  return { at: performance.now(), busy: busyTicks(), ours: ourTicks() };
}

/** Cores' worth of CPU used by other processes since `mark`. */
export function foreignCores(mark) {
  const now = cpuMark();
  const seconds = (now.at - mark.at) / 1000;
  if (seconds <= 0) return 0;
  const foreign = now.busy - mark.busy - (now.ours - mark.ours);
  return Math.max(0, foreign / HZ / seconds);
}

/**
 * Waits (bounded) until other processes use less than `threshold` cores over a 2 s window.
 * Resolves the last reading; never throws.
 */
export async function waitForQuiet({ threshold = 0.25, maxWaitMs = 60_000, log = () => undefined } = {}) {
  const deadline = performance.now() + maxWaitMs;
  let reading = 0;
  let told = false;
  while (true) {
    const mark = cpuMark();
    await sleep(2000);
    reading = foreignCores(mark);
    if (reading < threshold || performance.now() >= deadline) return reading;
    if (!told) {
      log(`other processes use ${reading.toFixed(2)} of ${cpus().length} cores; waiting up to ${maxWaitMs / 1000} s for a quieter machine`);
      told = true;
    }
  }
}
