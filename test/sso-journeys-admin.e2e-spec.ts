import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as samlify from 'samlify';
import { generate } from 'selfsigned';
import request from 'supertest';
import { escapeHtml, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { USER_PASSWORD, createUser, jarCookie, sidFromCookie } from './helpers/login-fixtures.js';
import {
  addIdp,
  appIdUri,
  idpInitiatedLogin,
  loginPath,
  metadataPath,
  rowContaining,
  traceOf,
  whoAmI,
  wizard,
} from './helpers/sso-journey-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { ENTRA_CLAIMS, TestIdp } from './helpers/test-idp.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

const ENTRA_XML = readFileSync(join(import.meta.dirname, '../../shared/fixtures/entra-common-federationmetadata.xml'));
const API = '/rest/atrium/1.0/sso';
const DAY = 24 * 60 * 60 * 1000;

/** Every distinct certificate in Entra's metadata (the IDPSSODescriptor lists the same four). */
const ENTRA_CERTS = [...new Set([...ENTRA_XML.toString().matchAll(/<X509Certificate>([^<]+)<\/X509Certificate>/g)].map((m) => m[1]))].map(
  (b64) => new X509Certificate(Buffer.from(b64, 'base64')),
);

async function certPem(validFrom: Date, validTo: Date, cn: string): Promise<string> {
  return (await generate([{ name: 'commonName', value: cn }], { keySize: 2048, notBeforeDate: validFrom, notAfterDate: validTo })).cert;
}

/** IdP metadata with the given signing certificates, written by samlify as an IdP would publish it. */
function metadataWith(entityId: string, certs: string[]): string {
  return samlify
    .IdentityProvider({
      entityID: entityId,
      signingCert: certs,
      singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${entityId}/sso` }],
    } as never)
    .getMetadata();
}

describe('SSO journeys: administration', () => {
  let t: TestApp;
  let idp: TestIdp;
  let admin: WebSession;

  const api = () => ({
    get: (path: string) => request(t.http).get(`${API}${path}`).auth('admin', ADMIN_PASSWORD),
    put: (path: string, body: object) => request(t.http).put(`${API}${path}`).auth('admin', ADMIN_PASSWORD).send(body),
    post: (path: string, body: object) => request(t.http).post(`${API}${path}`).auth('admin', ADMIN_PASSWORD).send(body),
    delete: (path: string) => request(t.http).delete(`${API}${path}`).auth('admin', ADMIN_PASSWORD),
  });
  const idpRow = async (uniqueId: string) =>
    (await t.db.query(`SELECT name, enabled, entity_id, sso_url, certificates, settings, updated_at FROM identity_providers WHERE unique_id = $1`, [uniqueId]))[0];
  const idpCount = async () => (await t.db.query(`SELECT count(*)::int AS n FROM identity_providers`))[0].n as number;
  const domainsOf = async (uniqueId: string) =>
    (await t.db.query(`SELECT d.domain FROM idp_known_domains d JOIN identity_providers p ON p.id = d.idp_id WHERE p.unique_id = $1 ORDER BY 1`, [uniqueId])).map((r: { domain: string }) => r.domain);
  /** Posts a form from the page at `path` (for its CSRF token) to the same path. */
  const submit = async (path: string, fields: Record<string, string>) => {
    const page = await admin.agent.get(path).expect(200);
    return admin.agent.post(path).type('form').send({ _csrf: csrfTokenFrom(page.text), ...fields });
  };

  beforeAll(async () => {
    t = await startTestApp();
    idp = await TestIdp.create('https://idp.journeys-admin.test');
    admin = await loginAsAdmin(t);
    await createUser(t, { username: 'reader@contoso.com', email: 'reader@contoso.com' });
  });
  afterAll(() => t.close());

  describe('wizard', () => {
    it("imports Entra's federation metadata file: every signing certificate with subject, issuer, validity and SHA-256 fingerprint", async () => {
      const s = await loginAsAdmin(t);
      const uniqueId = await wizard.start(s);
      const res = await wizard.sendMetadata(s, { source: 'file' }, ENTRA_XML);
      expect(res.headers.location).toBe('/admin/sso/wizard/name');
      const name = await s.agent.get('/admin/sso/wizard/name').expect(200);
      expect(name.text).toContain('value="https://login.microsoftonline.com/common/saml2"');
      expect((await wizard.step(s, 'name', { name: 'Microsoft Entra ID', ssoUrl: 'https://login.microsoftonline.com/common/saml2' })).status).toBe(303);

      const page = await s.agent.get('/admin/sso/wizard/certificates').expect(200);
      const rows = /<table class="grid certificates">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page.text)![1].match(/<tr[\s>]/g)!;
      expect(ENTRA_CERTS).toHaveLength(4);
      expect(rows).toHaveLength(4);
      for (const cert of ENTRA_CERTS) {
        const row = rowContaining(page.text, `<code class="fingerprint">${cert.fingerprint256}</code>`);
        expect(row).toContain(`<td>${escapeHtml(cert.subject)}</td>`);
        expect(row).toContain(`<td>${escapeHtml(cert.issuer)}</td>`);
        expect(row).toContain(`${new Date(cert.validFrom).toISOString().slice(0, 10)} to ${new Date(cert.validTo).toISOString().slice(0, 10)}`);
        const due = new Date(cert.validTo).getTime() - Date.now() < 30 * DAY || new Date(cert.validFrom).getTime() > Date.now();
        expect(row.includes('class="warning"')).toBe(due);
      }

      expect((await wizard.step(s, 'certificates')).status).toBe(303);
      expect((await wizard.step(s, 'accounts')).status).toBe(303);
      expect((await wizard.step(s, 'finish')).headers.location).toBe(`/admin/sso/idps/${uniqueId}/domains`);
      const row = await idpRow(uniqueId);
      expect(row).toMatchObject({ name: 'Microsoft Entra ID', entity_id: 'https://sts.windows.net/{tenantid}/' });
      expect(new Set(row.certificates).size).toBe(4);
    });

    it('warns about an expired certificate and one that expires within 30 days', async () => {
      const s = await loginAsAdmin(t);
      await wizard.start(s, 'generic');
      const expired = await certPem(new Date(Date.now() - 400 * DAY), new Date(Date.now() - 5 * DAY), 'Expired signer');
      const soon = await certPem(new Date(Date.now() - 300 * DAY), new Date(Date.now() + 10 * DAY), 'Soon signer');
      const fine = await certPem(new Date(Date.now() - DAY), new Date(Date.now() + 300 * DAY), 'Fine signer');
      const xml = metadataWith('https://idp.rollover.test', [expired, soon, fine]);
      expect((await wizard.sendMetadata(s, { source: 'xml', metadataXml: xml })).headers.location).toBe('/admin/sso/wizard/name');
      expect((await wizard.step(s, 'name', { name: 'Rollover IdP', ssoUrl: 'https://idp.rollover.test/sso' })).status).toBe(303);
      const page = (await s.agent.get('/admin/sso/wizard/certificates').expect(200)).text;
      const rowOf = (cn: string) => rowContaining(page, `<td>${escapeHtml(`CN=${cn}`)}</td>`);
      expect(rowOf('Expired signer')).toContain('class="warning"');
      expect(rowOf('Expired signer')).toMatch(/This certificate expired on \d{4}-\d{2}-\d{2}\./);
      expect(rowOf('Soon signer')).toMatch(/This certificate expires in (9|10) day\(s\)\./);
      expect(rowOf('Fine signer')).not.toContain('class="warning"');
    });

    it.each([
      ['malformed XML', Buffer.from('<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><unclosed>'), /not well-formed XML/],
      ['non-SAML XML', Buffer.from('<html><body>Sign in</body></html>'), /This is XML, but not SAML 2\.0 metadata/],
      ['a DOCTYPE', Buffer.from(`<!DOCTYPE x [<!ENTITY a "b">]>${ENTRA_XML.toString()}`), /contains a DOCTYPE or entity declarations/],
      ['an oversized file', Buffer.alloc(1024 * 1024 + 1, ' '), /larger than 1024 KB/],
      ['a far too large file', Buffer.concat([ENTRA_XML, Buffer.alloc(3 * 1024 * 1024, ' ')]), /larger than 1024 KB/],
    ])('refuses %s: the metadata step again with a clear error, nothing stored', async (_what, file, message) => {
      const s = await loginAsAdmin(t);
      await wizard.start(s);
      const before = await idpCount();
      const res = await wizard.sendMetadata(s, { source: 'file' }, file);
      expect(res.status).toBe(400);
      expect(res.text).toContain('Metadata file on my computer');
      expect(res.text).toMatch(message);
      expect(await idpCount()).toBe(before);
      expect((await s.agent.get('/admin/sso/wizard/name')).headers.location).toBe('/admin/sso/wizard/metadata');
    });

    it("can't skip steps: opening or posting 'finish' early goes back to the step reached, and nothing is stored", async () => {
      const s = await loginAsAdmin(t);
      expect((await s.agent.get('/admin/sso/wizard/finish')).headers.location).toBe('/admin/sso');
      await s.agent.get('/admin/sso/wizard?preset=okta').expect(303);
      for (const path of ['finish', 'certificates', 'no-such-step']) {
        expect((await s.agent.get(`/admin/sso/wizard/${path}`)).headers.location).toBe('/admin/sso/wizard/basic');
      }
      const before = await idpCount();
      const page = await s.agent.get('/admin/sso/wizard/basic').expect(200);
      const finish = await s.agent.post('/admin/sso/wizard/finish').type('form').send({ _csrf: csrfTokenFrom(page.text) });
      expect(finish.headers.location).toBe('/admin/sso/wizard/basic');
      expect(await idpCount()).toBe(before);
    });

    it('manual entry: bad values are shown again with field errors; good ones make an IdP people can log in through', async () => {
      const s = await loginAsAdmin(t);
      const uniqueId = await wizard.start(s, 'generic');
      const bad = await wizard.sendMetadata(s, { source: 'manual', entityId: idp.entityId, ssoUrl: 'ftp://idp.example/sso', certificate: 'not a certificate' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Enter the SSO URL (http or https).');
      expect(bad.text).toContain('This is not a valid X.509 certificate');
      expect(bad.text).toContain(`value="${idp.entityId}"`);

      const ok = await wizard.sendMetadata(s, { source: 'manual', entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificate: idp.keys.cert });
      expect(ok.headers.location).toBe('/admin/sso/wizard/name');
      expect((await wizard.finish(s, 'Manual IdP', idp.ssoUrl)).headers.location).toBe(`/admin/sso/idps/${uniqueId}/domains`);
      expect((await idpRow(uniqueId)).certificates).toEqual([idp.certificateBase64]);

      await createUser(t, { username: 'manual@contoso.com', email: 'manual@contoso.com' });
      const browser = new WebSession(t.http);
      expect((await idpInitiatedLogin(browser.agent, idp, uniqueId, { nameId: 'manual@contoso.com' })).status).toBe(303);
      expect(await whoAmI(browser.agent)).toBe('manual@contoso.com');
    });

    it("paste-XML: the test IdP's metadata pasted in makes an IdP with its SSO and SLO URLs", async () => {
      const s = await loginAsAdmin(t);
      const uniqueId = await wizard.start(s, 'generic');
      expect((await wizard.sendMetadata(s, { source: 'xml', metadataXml: idp.metadataXml() })).headers.location).toBe('/admin/sso/wizard/name');
      await wizard.finish(s, 'Pasted IdP', idp.ssoUrl);
      const stored = (await api().get(`/idps/${uniqueId}`).expect(200)).body;
      expect(stored).toMatchObject({ name: 'Pasted IdP', entityId: idp.entityId, ssoUrl: idp.ssoUrl, sloUrl: idp.sloUrl, appIdUri: appIdUri(uniqueId) });
    });
  });

  describe('IdP pages', () => {
    beforeAll(async () => {
      await addIdp(t, idp, { uniqueId: 'pages', name: 'Pages IdP' });
      await addIdp(t, idp, { uniqueId: 'other', name: 'Other IdP', knownDomains: ['fabrikam.example'] });
      await createUser(t, { username: 'pages@contoso.com', email: 'pages@contoso.com' });
    });

    it('settings: bad values give 400 with the messages and change nothing; good ones are saved', async () => {
      const before = await idpRow('pages');
      let res = await submit('/admin/sso/idps/pages/settings', { name: 'Pages IdP', enabled: 'true', signing: 'sometimes', clockSkewSeconds: '99999' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Choose which signature is required: assertion, response, either or both.');
      expect(res.text).toContain('Clock skew must be 0 to 3600 seconds.');
      expect(res.text).toContain('value="99999"');
      res = await submit('/admin/sso/idps/pages/settings', { name: '', enabled: 'true', signing: 'both' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Enter the Identity provider name.');
      res = await submit('/admin/sso/idps/pages/settings', { name: 'Pages IdP', enabled: 'true', createUsers: 'true', createUserGroups: 'no-such-group' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('No such group: no-such-group.');
      expect(await idpRow('pages')).toEqual(before);

      res = await submit('/admin/sso/idps/pages/settings', { name: 'Pages IdP renamed', enabled: 'true', signing: 'both', clockSkewSeconds: '60' });
      expect(res.headers.location).toBe('/admin/sso/idps/pages/settings');
      const after = await idpRow('pages');
      expect(after.name).toBe('Pages IdP renamed');
      expect(after.settings).toMatchObject({ signing: 'both', clockSkewSeconds: 60 });
    });

    it('disabling an IdP closes its login URL (404) and its ACS, and removes its button; enabling opens them again', async () => {
      const fields = { name: 'Pages IdP renamed', signing: 'assertion' };
      expect((await submit('/admin/sso/idps/pages/settings', fields)).status).toBe(303);
      expect((await idpRow('pages')).enabled).toBe(false);
      await request(t.http).get(loginPath('pages')).expect(404);
      expect((await request(t.http).get('/login').expect(200)).text).not.toContain('Pages IdP renamed');
      const browser = new WebSession(t.http);
      expect((await idpInitiatedLogin(browser.agent, idp, 'pages', { nameId: 'pages@contoso.com' })).status).toBe(403);
      expect(await whoAmI(browser.agent)).toBeNull();
      expect((await traceOf(t, 'pages'))[0]).toMatchObject({ outcome: 'failure', reason: 'Pages IdP renamed is disabled' });

      expect((await submit('/admin/sso/idps/pages/settings', { ...fields, enabled: 'true' })).status).toBe(303);
      await request(t.http).get(loginPath('pages')).expect(302);
      expect((await idpInitiatedLogin(browser.agent, idp, 'pages', { nameId: 'pages@contoso.com' })).status).toBe(303);
    });

    it('Known domains: an invalid domain or one owned by another IdP gives 400 naming it, nothing saved', async () => {
      let res = await submit('/admin/sso/idps/pages/domains', { domains: 'contoso.com\nnot a domain' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Not a domain name: not a domain.');
      res = await submit('/admin/sso/idps/pages/domains', { domains: 'contoso.com, fabrikam.example' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('fabrikam.example already belongs to Other IdP.');
      expect(await domainsOf('pages')).toEqual([]);
      expect(await domainsOf('other')).toEqual(['fabrikam.example']);

      res = await submit('/admin/sso/idps/pages/domains', { domains: 'Contoso.com\n@contoso.org' });
      expect(res.headers.location).toBe('/admin/sso/idps/pages/domains');
      expect(await domainsOf('pages')).toEqual(['contoso.com', 'contoso.org']);
    });

    it('metadata re-import from a file replaces the entity ID and certificates: the new key works, the old one no longer does', async () => {
      await addIdp(t, idp, { uniqueId: 'rotate', name: 'Rotating IdP' });
      const rotated = await TestIdp.create('https://idp.rotated.test');
      const upload = async (file: Buffer) => {
        const page = await admin.agent.get('/admin/sso/idps/rotate/metadata').expect(200);
        return admin.agent
          .post(`/admin/sso/idps/rotate/metadata?_csrf=${encodeURIComponent(csrfTokenFrom(page.text))}`)
          .attach('metadataFile', file, 'metadata.xml');
      };
      const before = await idpRow('rotate');
      const bad = await upload(Buffer.from('<html/>'));
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('This is XML, but not SAML 2.0 metadata');
      expect(await idpRow('rotate')).toEqual(before);

      expect((await upload(Buffer.from(rotated.metadataXml()))).headers.location).toBe('/admin/sso/idps/rotate/metadata');
      expect(await idpRow('rotate')).toMatchObject({ entity_id: rotated.entityId, certificates: [rotated.certificateBase64] });
      const page = await admin.agent.get('/admin/sso/idps/rotate/metadata').expect(200);
      expect(page.text).toContain(new X509Certificate(rotated.keys.cert).fingerprint256);
      expect((await idpInitiatedLogin(new WebSession(t.http).agent, idp, 'rotate', { nameId: 'pages@contoso.com' })).status).toBe(403);
      expect((await idpInitiatedLogin(new WebSession(t.http).agent, rotated, 'rotate', { nameId: 'pages@contoso.com' })).status).toBe(303);
    });

    it('deletes an IdP only after its ID is typed to confirm', async () => {
      await addIdp(t, idp, { uniqueId: 'doomed', name: 'Doomed IdP' });
      expect((await idpInitiatedLogin(new WebSession(t.http).agent, idp, 'doomed', { nameId: 'pages@contoso.com' })).status).toBe(303);
      const wrong = await submit('/admin/sso/idps/doomed/delete', { confirm: 'Doomed IdP' });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('Type doomed to confirm.');
      expect(await idpRow('doomed')).toBeDefined();

      const res = await submit('/admin/sso/idps/doomed/delete', { confirm: 'doomed' });
      expect(res.headers.location).toBe('/admin/sso');
      expect(await idpRow('doomed')).toBeUndefined();
      await request(t.http).get(loginPath('doomed')).expect(404);
      await request(t.http).get(metadataPath('doomed')).expect(404);
      await admin.agent.get('/admin/sso/idps/doomed/settings').expect(404);
    });
  });

  describe('JSON API', () => {
    it('answers anonymous callers 401 and non-admins 403', async () => {
      for (const path of ['/presets', '/settings', '/idps']) {
        const anonymous = await request(t.http).get(`${API}${path}`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.body.statusCode).toBe(401);
        await request(t.http).get(`${API}${path}`).auth('reader@contoso.com', USER_PASSWORD).expect(403);
      }
      const reader = await loginAs(t, 'reader@contoso.com', USER_PASSWORD);
      await reader.agent.get(`${API}/idps`).expect(403);
      await request(t.http).post(`${API}/idps`).auth('reader@contoso.com', USER_PASSWORD).send({ preset: 'entra' }).expect(403);
    });

    it('lists the presets with their attribute mappings and signing expectations', async () => {
      const res = await api().get('/presets').expect(200);
      expect(res.body.map((p: { key: string }) => p.key)).toEqual(['entra', 'adfs', 'okta', 'google', 'generic']);
      expect(res.body[0].settings).toMatchObject({
        signing: 'assertion',
        loginAttribute: 'NameID',
        subjectAttribute: ENTRA_CLAIMS.objectId,
        emailAttribute: ENTRA_CLAIMS.email,
        displayNameAttribute: ENTRA_CLAIMS.displayName,
        givenNameAttribute: ENTRA_CLAIMS.givenName,
        surnameAttribute: ENTRA_CLAIMS.surname,
        groupsAttribute: ENTRA_CLAIMS.groups,
      });
    });

    it('settings: bad input is 400 with errors per field and stores nothing', async () => {
      const before = (await api().get('/settings').expect(200)).body;
      let res = await api().put('/settings', { redirectMode: true });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual({ defaultIdp: 'Redirect mode needs a default identity provider.' });
      res = await api().put('/settings', { defaultIdp: 'no-such-idp' });
      expect(res.body.errors).toEqual({ defaultIdp: 'Choose one of the identity providers.' });
      expect((await api().get('/settings')).body).toEqual(before);
    });

    it('creates, reads, updates and deletes an IdP, with 400 and nothing stored for bad input', async () => {
      const good = { preset: 'entra', uniqueId: 'api-idp', name: 'API IdP', metadataXml: idp.metadataXml() };
      const count = await idpCount();
      for (const [body, field] of [
        [{ ...good, preset: 'nope' }, 'preset'],
        [{ ...good, metadataXml: '<!DOCTYPE x><x/>' }, 'metadata'],
        [{ ...good, settings: { signing: 'sometimes' } }, 'signing'],
        [{ ...good, settings: { clockSkewSeconds: -1 } }, 'clockSkewSeconds'],
        [{ ...good, uniqueId: 'Bad ID!' }, 'uniqueId'],
        [{ ...good, settings: { createUserGroups: ['no-such-group'] } }, 'createUserGroups'],
      ] as const) {
        const res = await api().post('/idps', body);
        expect(res.status, field).toBe(400);
        expect(Object.keys(res.body.errors), field).toContain(field);
      }
      expect(await idpCount()).toBe(count);

      const created = await api().post('/idps', good).expect(201);
      expect(created.body).toMatchObject({ uniqueId: 'api-idp', name: 'API IdP', enabled: true, appIdUri: appIdUri('api-idp'), entityId: idp.entityId });
      expect(created.body.certificates[0].sha256Fingerprint).toBe(new X509Certificate(idp.keys.cert).fingerprint256);
      expect(created.text).not.toContain('PRIVATE KEY');
      expect((await api().get('/idps').expect(200)).body.map((i: { uniqueId: string }) => i.uniqueId)).toContain('api-idp');

      const updated = await api().put('/idps/api-idp', { name: 'API IdP 2', settings: { createUsers: true } }).expect(200);
      expect(updated.body).toMatchObject({ name: 'API IdP 2', settings: { createUsers: true, signing: 'assertion' } });
      const row = await idpRow('api-idp');
      const bad = await api().put('/idps/api-idp', { name: 'Not saved', settings: { clockSkewSeconds: 'abc' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual({ clockSkewSeconds: 'Clock skew must be 0 to 3600 seconds.' });
      expect(await idpRow('api-idp')).toEqual(row);

      expect((await api().put('/idps/api-idp/domains', { knownDomains: ['api.example'] }).expect(200)).body).toEqual({ knownDomains: ['api.example'] });
      const badDomains = await api().put('/idps/api-idp/domains', { knownDomains: ['api.example', 'fabrikam.example'] });
      expect(badDomains.status).toBe(400);
      expect(badDomains.body.errors.domains).toBe('fabrikam.example already belongs to Other IdP.');
      expect(await domainsOf('api-idp')).toEqual(['api.example']);

      await api().get('/idps/api-idp/trace').expect(200, []);
      await api().delete('/idps/api-idp').expect(204);
      await api().get('/idps/api-idp').expect(404);
      await api().delete('/idps/api-idp').expect(404);
    });

    it('previews metadata without storing it, and re-imports metadata into an IdP', async () => {
      const count = await idpCount();
      const preview = await api().post('/metadata/preview', { metadataXml: ENTRA_XML.toString() }).expect(200);
      expect(preview.body).toMatchObject({ entityId: 'https://sts.windows.net/{tenantid}/', ssoUrl: 'https://login.microsoftonline.com/common/saml2' });
      expect(preview.body.certificates.map((c: { sha256Fingerprint: string }) => c.sha256Fingerprint).sort()).toEqual(
        ENTRA_CERTS.map((c) => c.fingerprint256).sort(),
      );
      expect((await api().post('/metadata/preview', { metadataXml: '<x/>' })).body.errors.metadata).toMatch(/not SAML 2\.0 metadata/);
      expect((await api().post('/metadata/preview', {})).status).toBe(400);
      expect(await idpCount()).toBe(count);

      await addIdp(t, idp, { uniqueId: 'api-reimport' });
      const before = await idpRow('api-reimport');
      const bad = await api().post('/idps/api-reimport/metadata', { metadataXml: 'hello' });
      expect(bad.status).toBe(400);
      expect(await idpRow('api-reimport')).toEqual(before);
      const res = await api().post('/idps/api-reimport/metadata', { metadataXml: ENTRA_XML.toString() }).expect(200);
      expect(res.body.entityId).toBe('https://sts.windows.net/{tenantid}/');
      expect(res.body.certificates).toHaveLength(4);
    });
  });

  it('the Add-ons page lists "SAML single sign-on" with Manage and Configure links; not for non-admins', async () => {
    const page = await admin.agent.get('/admin/addons').expect(200);
    const row = /<tr>\s*<td><strong>SAML single sign-on<\/strong>[\s\S]*?<\/tr>/.exec(page.text)![0];
    expect(row).toContain('Enabled');
    expect(row).toContain('<a href="/admin/sso">Manage</a>');
    expect(row).toContain('<a href="/admin/sso">Configure</a>');
    expect((await admin.agent.get('/admin/sso').expect(200)).text).toContain('Add identity provider');
    const reader = await loginAs(t, 'reader@contoso.com', USER_PASSWORD);
    await reader.agent.get('/admin/addons').expect(403);
  });

  it('the SSO trace page shows the NameID and attributes, never signatures or session IDs', async () => {
    await addIdp(t, idp, { uniqueId: 'traced', name: 'Traced IdP' });
    await createUser(t, { username: 'traced@contoso.com', email: 'traced@contoso.com' });
    const SAMLResponse = await idp.loginResponse({
      acsUrl: appIdUri('traced'),
      nameId: 'traced@contoso.com',
      sessionIndex: '_idp-session-index-5f3a9c',
      attributes: { [ENTRA_CLAIMS.displayName]: 'Traced Person', [ENTRA_CLAIMS.groups]: ['team-one', 'team-two'] },
    });
    const signatureValue = /SignatureValue>([^<]+)</.exec(Buffer.from(SAMLResponse, 'base64').toString())![1].replace(/\s+/g, '');
    const browser = new WebSession(t.http);
    await browser.agent.post(loginPath('traced')).type('form').send({ SAMLResponse }).expect(303);
    const sid = sidFromCookie(jarCookie(browser, 'atrium.sid')!);
    await idpInitiatedLogin(new WebSession(t.http).agent, idp, 'traced', { nameId: 'nobody@contoso.com' });

    const page = (await admin.agent.get('/admin/sso/idps/traced/trace').expect(200)).text;
    expect(page).toContain('<td>traced@contoso.com</td>');
    expect(page).toContain(`<dt>${ENTRA_CLAIMS.displayName}</dt><dd>Traced Person</dd>`);
    expect(page).toContain(`<dt>${ENTRA_CLAIMS.groups}</dt><dd>team-one, team-two</dd>`);
    expect(page).toContain('no account for nobody@contoso.com and auto-create is off');
    const stored = JSON.stringify(await t.db.query(`SELECT * FROM sso_trace`));
    for (const secret of ['_idp-session-index-5f3a9c', signatureValue.slice(0, 40), sid, 'SignatureValue']) {
      expect(page).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });
});
