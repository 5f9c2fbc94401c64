// The baseline for password-login throughput: raw bcrypt.compare in its own process (its own
// libuv thread pool), same cost, same concurrency, same count as the login burst.
// Usage: node bench/bcrypt-baseline.mjs <hash> <password> <count> <concurrency> <warmup>
// Prints one JSON line.
import bcrypt from 'bcrypt';
import { performance } from 'node:perf_hooks';

const [hash, password, count, concurrency, warmup] = process.argv.slice(2);
const total = Number(count);
const workers = Number(concurrency);

async function burst(n) {
  let next = 0;
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(workers, n) }, async () => {
      while (next < n) {
        next++;
        const t0 = performance.now();
        if (!(await bcrypt.compare(password, hash))) throw new Error('baseline: password does not match hash');
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

await burst(Number(warmup));
const { latencies, elapsedMs } = await burst(total);
console.log(JSON.stringify({ latencies, elapsedMs, threadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)' }));
