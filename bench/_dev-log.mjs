import pinoHttp from 'pino-http';
import pino from 'pino';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { EventEmitter } from 'node:events';
const dest = pino.destination({ dest: '/dev/null', sync: false });
const variants = {
  default: pinoHttp({ level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'] }, dest),
  lean: pinoHttp({ level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'], serializers: { res: (res) => ({ statusCode: res.statusCode }) } }, dest),
};
const headers = {"content-security-policy":"default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'self'","cross-origin-opener-policy":"same-origin","cross-origin-resource-policy":"same-origin","origin-agent-cluster":"?1","referrer-policy":"no-referrer","x-content-type-options":"nosniff","x-dns-prefetch-control":"off","x-download-options":"noopen","x-frame-options":"SAMEORIGIN","x-permitted-cross-domain-policies":"none","x-xss-protection":"0","location":"https://sts.bench.test/tenant/sso?SAMLRequest=" + 'x'.repeat(560) + "&RelayState=%2F","vary":"Accept","content-type":"text/plain; charset=utf-8","content-length":"591"};
function once(mw) {
  const req = new EventEmitter(); Object.assign(req, { method: 'GET', url: '/plugins/servlet/no.kantega.saml/sp/bench/login?next=%2F', headers: { host: '127.0.0.1:1', connection: 'keep-alive' }, socket: { remoteAddress: '127.0.0.1', remotePort: 5 }, query: { next: '/' }, params: {} });
  const res = new EventEmitter(); Object.assign(res, { statusCode: 302, headersSent: true, getHeaders: () => ({ ...headers }) });
  mw(req, res, () => {});
  res.emit('finish');
}
for (const round of [1, 2, 3]) for (const [name, mw] of Object.entries(variants)) {
  const n = 30000; for (let i = 0; i < 2000; i++) once(mw);
  const t = performance.now(); for (let i = 0; i < n; i++) once(mw);
  console.log(round, name, ((performance.now() - t) * 1000 / n).toFixed(1), 'µs/req');
  await new Promise((r) => setTimeout(r, 200));
}
