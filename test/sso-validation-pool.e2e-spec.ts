import { Worker } from 'node:worker_threads';
import { IdpRegistryService } from '../src/sso/idp-registry.service.js';
import { samlOptions } from '../src/sso/saml/saml-client.factory.js';
import { SamlValidationPool, SamlValidationUnavailable } from '../src/sso/saml/saml-validation.pool.js';
import { createUser } from './helpers/login-fixtures.js';
import { BASE, addIdp, appIdUri, countSessions, idpInitiatedLogin, spInitiatedLogin, traceOf, whoAmI } from './helpers/sso-journey-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { TestIdp } from './helpers/test-idp.js';
import { WebSession } from './helpers/web-session.js';

/**
 * The ACS validates responses with node-saml on worker threads (SamlValidationPool). Logins work
 * through them, SP-initiated ones included (their request-ID cache is answered by the main thread
 * from PostgreSQL), and a worker that dies is replaced without losing more than its own logins.
 */
describe('SSO: response validation on worker threads', () => {
  let t: TestApp;
  let idp: TestIdp;

  beforeAll(async () => {
    t = await startTestApp({ ATRIUM_SAML_WORKERS: '2' });
    idp = await TestIdp.create('https://sts.windows.test/validation-pool');
    await addIdp(t, idp, { uniqueId: 'pool', name: 'Pool IdP' });
    for (const name of ['one', 'two', 'three', 'four']) await createUser(t, { username: `${name}@contoso.com`, email: `${name}@contoso.com` });
  });
  afterAll(() => t.close());

  type Internals = { workers: { worker: Worker; inFlight: number }[]; pending: Map<number, unknown> };
  const workersOf = (pool: SamlValidationPool) => (pool as unknown as Internals).workers;
  const pendingOf = (pool: SamlValidationPool) => (pool as unknown as Internals).pending;

  it('logs in several people at once, IdP- and SP-initiated, through at most the configured workers', async () => {
    const browsers = ['one', 'two', 'three', 'four'].map(() => new WebSession(t.http));
    const results = await Promise.all(
      browsers.map((b, i) =>
        i % 2
          ? idpInitiatedLogin(b.agent, idp, 'pool', { nameId: `${['one', 'two', 'three', 'four'][i]}@contoso.com` })
          : spInitiatedLogin(b.agent, idp, 'pool', { nameId: `${['one', 'two', 'three', 'four'][i]}@contoso.com` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([303, 303, 303, 303]);
    expect(await Promise.all(browsers.map((b) => whoAmI(b.agent)))).toEqual([
      'one@contoso.com',
      'two@contoso.com',
      'three@contoso.com',
      'four@contoso.com',
    ]);
    const workers = workersOf(t.app.get(SamlValidationPool));
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(workers.length).toBeLessThanOrEqual(2);
  });

  it('replaces a worker that died: the next login works and nothing else changes', async () => {
    const pool = t.app.get(SamlValidationPool);
    await Promise.all(workersOf(pool).map((w) => w.worker.terminate()));
    expect(workersOf(pool)).toEqual([]);

    const sessionsBefore = await countSessions(t);
    const browser = new WebSession(t.http);
    const res = await idpInitiatedLogin(browser.agent, idp, 'pool', { nameId: 'one@contoso.com' });
    expect(res.status).toBe(303);
    expect(await whoAmI(browser.agent)).toBe('one@contoso.com');
    expect(await countSessions(t)).toBe(sessionsBefore + 1);
    expect(workersOf(pool).length).toBe(1);
    const [latest] = await traceOf(t, 'pool');
    expect(latest).toMatchObject({ outcome: 'success', nameId: 'one@contoso.com' });
  });
  it('fails the logins of a worker that dies while validating them, as unavailable, and keeps its books straight', async () => {
    const pool = t.app.get(SamlValidationPool);
    const row = (await t.app.get(IdpRegistryService).findByUniqueId('pool'))!;
    const response = await idp.loginResponse({ acsUrl: appIdUri('pool'), nameId: 'two@contoso.com' });
    const stamp = `${row.id}:${new Date(row.updatedAt).getTime()}`;
    const inFlight = pool.validate(row.id, stamp, samlOptions(row, BASE), response);
    await Promise.all(workersOf(pool).map((w) => w.worker.terminate()));
    await expect(inFlight).rejects.toBeInstanceOf(SamlValidationUnavailable);
    expect(pendingOf(pool).size).toBe(0);
    expect(workersOf(pool)).toEqual([]);
  });

  it('refuses what cannot be handed to a worker, leaving no call behind', async () => {
    const pool = t.app.get(SamlValidationPool);
    const row = (await t.app.get(IdpRegistryService).findByUniqueId('pool'))!;
    const options = { ...samlOptions(row, BASE), cacheProvider: { getAsync: () => null } };
    await expect(pool.validate(row.id, 'x', options as never, 'PHg+')).rejects.toBeInstanceOf(SamlValidationUnavailable);
    expect(pendingOf(pool).size).toBe(0);
    expect(workersOf(pool).every((w) => w.inFlight === 0)).toBe(true);
  });
});
