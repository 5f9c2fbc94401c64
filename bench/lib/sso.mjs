// SAML SSO figures of issue 3: ACS throughput against raw node-saml, and SP-initiated redirects.
// The IdP is bench/lib/saml-idp.mjs (samlify); it is added to the running app through the JSON API
// exactly as an automated setup would, and its users are inserted with SQL.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ENTRA_CLAIMS } from './saml-idp.mjs';
import { request, summarise } from './http.mjs';

export const SAML_PATH = '/plugins/servlet/no.kantega.saml/sp';

export const ssoLoginPath = (uniqueId) => `${SAML_PATH}/${uniqueId}/login`;

/**
 * Adds the bench IdP through POST /rest/atrium/1.0/sso/idps (Basic auth as admin), Entra preset,
 * no auto-creation, and inserts `userCount` users its NameIDs match by email.
 * Resolves { uniqueId, acsUrl, ssoUrl, users: [{ nameId, fullName, objectId }] }.
 */
export async function addBenchIdp({ base, adminPassword, db, idp, uniqueId, userCount }) {
  const body = JSON.stringify({
    preset: 'entra',
    uniqueId,
    name: 'Bench Entra ID',
    metadataXml: idp.metadataXml(),
    settings: { createUsers: false },
  });
  const res = await request(base, '/rest/atrium/1.0/sso/idps', {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}`,
    },
  });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`POST /rest/atrium/1.0/sso/idps answered ${res.status}: ${res.body.slice(0, 300)}`);
  }
  const created = JSON.parse(res.body);
  if (created.uniqueId !== uniqueId) throw new Error(`the IdP was created as ${created.uniqueId}, not ${uniqueId}`);

  await db.query(
    `WITH u AS (
       INSERT INTO users (username, full_name, email, password_hash)
       SELECT 'bench-sso-' || i, 'Bench SSO ' || i, 'bench-sso-' || i || '@contoso.test', NULL
         FROM generate_series(1, $1::int) AS i
       RETURNING id)
     INSERT INTO user_groups (user_id, group_id)
     SELECT u.id, g.id FROM u, groups g WHERE g.name = 'confluence-users'`,
    [userCount],
  );
  const users = Array.from({ length: userCount }, (_, i) => ({
    nameId: `bench-sso-${i + 1}@contoso.test`,
    fullName: `Bench SSO ${i + 1}`,
    objectId: randomUUID(),
  }));
  return { uniqueId, acsUrl: created.appIdUri, ssoUrl: created.ssoUrl, users };
}

/**
 * `count` distinct signed responses (unique Response and Assertion IDs), NameIDs cycling over
 * the users, with the claims Entra sends. Built before any timing.
 */
export async function generateResponses(idp, acsUrl, users, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const user = users[i % users.length];
    out.push(
      await idp.loginResponse({
        acsUrl,
        nameId: user.nameId,
        attributes: {
          [ENTRA_CLAIMS.email]: user.nameId,
          [ENTRA_CLAIMS.name]: user.nameId,
          [ENTRA_CLAIMS.displayName]: user.fullName,
          [ENTRA_CLAIMS.objectId]: user.objectId,
        },
      }),
    );
  }
  return out;
}

/**
 * Runs `task(i)` `total` times with `concurrency` workers, like runFixed, but counts failures
 * instead of stopping: `task` resolves true (success) or a short failure description. Stops
 * issuing new requests after `maxMs`, so the run is bounded in time as well as in count.
 */
export async function runCounted(total, concurrency, task, { maxMs = 60_000 } = {}) {
  const latencies = [];
  const failures = new Map();
  let next = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  const worker = async () => {
    while (next < total && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      let outcome;
      try {
        outcome = await task(i);
      } catch (error) {
        outcome = error.message;
      }
      latencies.push(performance.now() - t0);
      if (outcome !== true) failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const stats = summarise(latencies, performance.now() - started);
  const errors = [...failures.values()].reduce((a, b) => a + b, 0);
  return { ...stats, errors, failures: Object.fromEntries(failures), timedOut: latencies.length < total };
}

/** POSTs a SAMLResponse to the ACS as the IdP's auto-submitting form does; true on 303. */
export async function postAcs(base, path, formBody, via) {
  const res = await request(base, path, {
    method: 'POST',
    agent: via,
    body: formBody,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return res.status === 303 ? true : `HTTP ${res.status}`;
}

/** GETs the Sign-on URL; true on a 302 to the IdP's SSO URL with a SAMLRequest. */
export async function getRedirect(base, path, ssoUrl, via) {
  const res = await request(base, path, { agent: via });
  if (res.status !== 302) return `HTTP ${res.status}`;
  const location = res.headers.location ?? '';
  if (!location.startsWith(`${ssoUrl}?`) || !location.includes('SAMLRequest=')) return 'HTTP 302 elsewhere';
  return true;
}

/** "2× HTTP 403, 1× HTTP 500" */
export function describeFailures(failures) {
  return Object.entries(failures ?? {})
    .map(([what, n]) => `${n}× ${what}`)
    .join(', ');
}
