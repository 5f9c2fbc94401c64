// A small HTTP load helper on node:http with keep-alive agents. Loopback only.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function agent(maxSockets) {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/** One request; resolves { status, headers, body, ms }. Never follows redirects. */
export function request(base, path, { method = 'GET', headers = {}, body, agent: via, timeoutMs = 30_000 } = {}) {
  const url = new URL(path, base);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`bench refuses non-loopback host ${url.hostname}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      url,
      {
        method,
        agent: via,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** name=value pairs from Set-Cookie headers, merged into `jar` (a Map). */
export function keepCookies(jar, res) {
  for (const line of res.headers['set-cookie'] ?? []) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return jar;
}

export function cookieHeader(jar) {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

export function csrfTokenFrom(html) {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1];
}

/**
 * A full browser-style password login: GET /login for the CSRF cookie and token, then
 * POST /login. Resolves the cookie jar holding the session; throws unless the answer is 303.
 */
export async function passwordLogin(base, username, password, via) {
  const jar = new Map();
  const form = await request(base, '/login', { agent: via });
  if (form.status !== 200) throw new Error(`GET /login answered ${form.status}`);
  keepCookies(jar, form);
  const body = new URLSearchParams({ _csrf: csrfTokenFrom(form.body), username, password, next: '/' }).toString();
  const res = await request(base, '/login', {
    method: 'POST',
    agent: via,
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
  });
  if (res.status !== 303) throw new Error(`POST /login for ${username} answered ${res.status}, expected 303`);
  keepCookies(jar, res);
  if (![...jar.keys()].some((k) => k.endsWith('atrium.sid'))) throw new Error('login set no session cookie');
  return jar;
}

/** Percentile (nearest rank) of an ascending array. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarise(latencies, elapsedMs) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
    perSecond: (sorted.length * 1000) / elapsedMs,
    elapsedMs,
    latencies: sorted,
  };
}

/**
 * Runs `task(i)` exactly `total` times with `concurrency` workers. Each task resolves (or
 * is timed as) one operation; any failure aborts the run. Bounded by construction.
 */
export async function runFixed(total, concurrency, task) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await task(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return summarise(latencies, performance.now() - started);
}
