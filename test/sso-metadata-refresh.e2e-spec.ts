import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdpAdminService } from '../src/sso/idp-admin.service.js';
import { MetadataRefreshService } from '../src/sso/metadata/metadata-refresh.service.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { TestIdp } from './helpers/test-idp.js';

/**
 * Daily re-import from a stored metadata URL: certificate rollover without an admin.
 * The IdP's metadata is served from a loopback HTTP server the test controls.
 */
describe('metadata refresh from the stored URL', () => {
  let t: TestApp;
  let server: Server;
  let served: { status: number; body: string };
  let url: string;

  beforeAll(async () => {
    t = await startTestApp();
    server = createServer((_req, res) => {
      res.writeHead(served.status, { 'Content-Type': 'application/samlmetadata+xml' });
      res.end(served.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federationmetadata.xml`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  const certificates = async (uniqueId: string) =>
    (await t.db.query(`SELECT certificates FROM identity_providers WHERE unique_id = $1`, [uniqueId]))[0].certificates;
  const ageMetadata = (uniqueId: string) =>
    t.db.query(`UPDATE identity_providers SET metadata_refreshed_at = now() - interval '2 days' WHERE unique_id = $1`, [
      uniqueId,
    ]);

  it('imports from a URL, then picks up a rolled-over certificate once the copy is a day old', async () => {
    const before = await TestIdp.create('https://idp.rollover.test');
    served = { status: 200, body: before.metadataXml() };
    const idp = await t.app.get(IdpAdminService).createIdp({ preset: 'generic', uniqueId: 'rollover', metadataUrl: url });
    expect(idp.metadataUrl).toBe(url);
    expect(await certificates('rollover')).toEqual([before.certificateBase64]);

    const after = await TestIdp.create('https://idp.rollover.test');
    served = { status: 200, body: after.metadataXml() };
    const refresh = t.app.get(MetadataRefreshService);
    expect(await refresh.refreshStale()).toBe(0);
    expect(await certificates('rollover')).toEqual([before.certificateBase64]);

    await ageMetadata('rollover');
    expect(await refresh.refreshStale()).toBe(1);
    expect(await certificates('rollover')).toEqual([after.certificateBase64]);
    const trace = await t.db.query(`SELECT outcome, reason FROM sso_trace ORDER BY id DESC LIMIT 1`);
    expect(trace[0]).toEqual({ outcome: 'success', reason: `metadata refreshed from ${url}` });
  });

  it('keeps the old certificates and traces the failure when the URL answers an error', async () => {
    const kept = await certificates('rollover');
    served = { status: 500, body: 'oops' };
    await ageMetadata('rollover');
    expect(await t.app.get(MetadataRefreshService).refreshStale()).toBe(0);
    expect(await certificates('rollover')).toEqual(kept);
    const trace = await t.db.query(`SELECT outcome, reason FROM sso_trace ORDER BY id DESC LIMIT 1`);
    expect(trace[0].outcome).toBe('failure');
    expect(trace[0].reason).toMatch(/HTTP 500/);
  });
});
