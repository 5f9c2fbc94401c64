// The baseline for ACS throughput: raw node-saml validatePostResponseAsync in its own process,
// configured like src/sso/saml/saml-client.factory.ts for an Entra-style IdP (assertion signed,
// response unsigned), on the same responses, count and concurrency as the ACS burst.
// Usage: node bench/saml-baseline.mjs <responses.json> <offset> <count> <concurrency> <warmup>
// responses.json: { acsUrl, idpIssuer, idpCert, responses: [base64 SAMLResponse, ...] }
// Prints one JSON line.
import { SAML } from '@node-saml/node-saml';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [file, offset, count, concurrency, warmup] = process.argv.slice(2);
const { acsUrl, idpIssuer, idpCert, responses } = JSON.parse(readFileSync(file, 'utf8'));
const from = Number(offset);
const total = Number(count);
const workers = Number(concurrency);
if (from + total > responses.length) throw new Error(`baseline: only ${responses.length} responses in ${file}`);

const saml = new SAML({
  callbackUrl: acsUrl,
  issuer: acsUrl,
  idpCert,
  idpIssuer,
  audience: false, // as in the app, which checks the audience itself
  wantAssertionsSigned: true,
  wantAuthnResponseSigned: false,
  validateInResponseTo: 'never',
  acceptedClockSkewMs: 180_000,
});

async function burst(list) {
  let next = 0;
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(workers, list.length) }, async () => {
      while (next < list.length) {
        const SAMLResponse = list[next++];
        const t0 = performance.now();
        const { profile } = await saml.validatePostResponseAsync({ SAMLResponse });
        if (!profile?.nameID) throw new Error('baseline: node-saml returned no profile');
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

const list = responses.slice(from, from + total);
// node-saml keeps no replay cache, so the warm-up may reuse the burst's own responses.
await burst(list.slice(0, Number(warmup)));
const { latencies, elapsedMs } = await burst(list);
console.log(JSON.stringify({ latencies, elapsedMs }));
