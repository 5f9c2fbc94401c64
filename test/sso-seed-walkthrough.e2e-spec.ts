import request from 'supertest';
import { UsersService } from '../src/users/users.service.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { ENTRA_CLAIMS, TestIdp } from './helpers/test-idp.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

const BASE = 'http://localhost:8090';

/**
 * The seed's walk-through against the test IdP: the admin adds the IdP from a metadata file
 * through the wizard, adds Known domains, provisions B.Simon by "Add Users", and B.Simon
 * logs in SP- and IdP-initiated with Entra-shaped responses (only the assertion signed).
 */
describe('seed walk-through: Microsoft Entra ID', () => {
  let t: TestApp;
  let idp: TestIdp;
  let admin: WebSession;
  let uniqueId: string;
  let acsUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    idp = await TestIdp.create('https://sts.windows.test/tenant-1');
    admin = new WebSession(t.http);
    expect((await admin.login('admin', ADMIN_PASSWORD)).status).toBe(303);
  });
  afterAll(() => t.close());

  it('reaches "SAML single sign-on" from the cog menu, Add-ons and Users & Security', async () => {
    const home = await admin.agent.get('/').expect(200);
    expect(home.text).toContain('href="/admin/addons"');
    const addons = await admin.agent.get('/admin/addons').expect(200);
    expect(addons.text).toContain('SAML single sign-on');
    expect(addons.text).toContain('href="/admin/sso"');
    const sso = await admin.agent.get('/admin/sso').expect(200);
    expect(sso.text).toContain('Users &amp; Security');
    expect(sso.text).toContain('Add identity provider');
    expect(sso.text).toContain('<option value="entra">Microsoft Entra ID</option>');
  });

  it('adds the IdP through the wizard with the metadata file', async () => {
    let res = await admin.agent.get('/admin/sso/wizard?preset=entra').expect(303);
    expect(res.headers.location).toBe('/admin/sso/wizard/basic');
    res = await admin.agent.get('/admin/sso/wizard/basic').expect(200);
    expect(res.text).toContain('>Basic</button>');
    res = await admin.agent.post('/admin/sso/wizard/basic').type('form').send({ _csrf: csrfTokenFrom(res.text) }).expect(303);
    expect(res.headers.location).toBe('/admin/sso/wizard/app-properties');

    res = await admin.agent.get('/admin/sso/wizard/app-properties').expect(200);
    const uri = /id="appIdUri" type="text" value="([^"]+)"/.exec(res.text)![1];
    expect(uri).toMatch(new RegExp(`^${BASE}/plugins/servlet/no\\.kantega\\.saml/sp/entra-[0-9a-f]+/login$`));
    expect(res.text).toContain('data-copy="#appIdUri"');
    expect(res.text).toContain('Identifier');
    expect(res.text).toContain('Reply URL');
    expect(res.text).toContain('Sign-on URL');
    acsUrl = uri;
    uniqueId = uri.split('/sp/')[1].split('/')[0];
    await admin.agent.post('/admin/sso/wizard/app-properties').type('form').send({ _csrf: csrfTokenFrom(res.text) }).expect(303);

    res = await admin.agent.get('/admin/sso/wizard/metadata').expect(200);
    expect(res.text).toContain('Metadata file on my computer');
    res = await admin.agent
      .post(`/admin/sso/wizard/metadata?_csrf=${encodeURIComponent(csrfTokenFrom(res.text))}`)
      .field('source', 'file')
      .attach('metadataFile', Buffer.from(idp.metadataXml()), 'federationmetadata.xml')
      .expect(303);
    expect(res.headers.location).toBe('/admin/sso/wizard/name');

    res = await admin.agent.get('/admin/sso/wizard/name').expect(200);
    expect(res.text).toContain('Identity provider name');
    expect(res.text).toContain(`value="${idp.ssoUrl}"`);
    res = await admin.agent
      .post('/admin/sso/wizard/name')
      .type('form')
      .send({ _csrf: csrfTokenFrom(res.text), name: 'Microsoft Entra ID', ssoUrl: idp.ssoUrl })
      .expect(303);

    res = await admin.agent.get('/admin/sso/wizard/certificates').expect(200);
    expect(res.text).toContain('Signature verification');
    expect(res.text).toContain('IdP https://sts.windows.test/tenant-1');
    expect(res.text).toMatch(/[0-9A-F]{2}(:[0-9A-F]{2}){31}/);
    await admin.agent.post('/admin/sso/wizard/certificates').type('form').send({ _csrf: csrfTokenFrom(res.text) }).expect(303);

    res = await admin.agent.get('/admin/sso/wizard/accounts').expect(200);
    expect(res.text).toContain('Create users in the internal directory if needed');
    await admin.agent
      .post('/admin/sso/wizard/accounts')
      .type('form')
      .send({ _csrf: csrfTokenFrom(res.text), createUsers: 'true', createUserGroups: 'confluence-users', updateProfileOnLogin: 'true' })
      .expect(303);

    res = await admin.agent.get('/admin/sso/wizard/finish').expect(200);
    res = await admin.agent.post('/admin/sso/wizard/finish').type('form').send({ _csrf: csrfTokenFrom(res.text) }).expect(303);
    expect(res.headers.location).toBe(`/admin/sso/idps/${uniqueId}/domains`);

    const rows = await t.db.query(`SELECT name, entity_id, sso_url, settings FROM identity_providers WHERE unique_id = $1`, [uniqueId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].entity_id).toBe(idp.entityId);
    expect(rows[0].settings.signing).toBe('assertion');
    expect(rows[0].settings.createUsers).toBe(true);
  });

  it('saves Known domains', async () => {
    const page = await admin.agent.get(`/admin/sso/idps/${uniqueId}/domains`).expect(200);
    expect(page.text).toContain('Known domains');
    await admin.agent
      .post(`/admin/sso/idps/${uniqueId}/domains`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), domains: 'contoso.com' })
      .expect(303);
    const rows = await t.db.query(`SELECT domain FROM idp_known_domains`);
    expect(rows.map((r: { domain: string }) => r.domain)).toEqual(['contoso.com']);
  });

  it('provisions B.Simon by Add Users', async () => {
    const res = await admin.submit(
      '/admin/users/add',
      {
        username: 'Brittasimon@contoso.com',
        fullName: 'Britta Simon',
        email: 'Brittasimon@contoso.com',
        password: 'b-simon-password',
        confirmPassword: 'b-simon-password',
      },
      '/admin/users/add',
    );
    expect(res.status).toBe(303);
  });

  it('logs B.Simon in SP-initiated and lands on the page asked for', async () => {
    const browser = new WebSession(t.http);
    const start = await browser.agent.get(`/plugins/servlet/no.kantega.saml/sp/${uniqueId}/login?next=%2Fadmin%2Fnothing`).expect(302);
    expect(start.headers.location.startsWith(`${idp.ssoUrl}?`)).toBe(true);
    const authn = await idp.parseAuthnRequest(start.headers.location, acsUrl);
    expect(authn.id).toMatch(/^[^0-9]/);
    expect(authn.relayState).toBe('/admin/nothing');
    expect(authn.xml).toContain(`AssertionConsumerServiceURL="${acsUrl}"`);

    const SAMLResponse = await idp.loginResponse({
      acsUrl,
      nameId: 'Brittasimon@contoso.com',
      inResponseTo: authn.id,
      sign: 'assertion',
      attributes: {
        [ENTRA_CLAIMS.email]: 'Brittasimon@contoso.com',
        [ENTRA_CLAIMS.displayName]: 'Britta Simon',
        [ENTRA_CLAIMS.objectId]: '11111111-2222-3333-4444-555555555555',
      },
    });
    const acs = await browser.agent
      .post(`/plugins/servlet/no.kantega.saml/sp/${uniqueId}/login`)
      .type('form')
      .send({ SAMLResponse, RelayState: authn.relayState });
    expect(acs.status).toBe(303);
    expect(acs.headers.location).toBe('/admin/nothing');
    const me = await browser.agent.get('/rest/api/user/current').expect(200);
    expect(me.body.username).toBe('Brittasimon@contoso.com');
    const links = await t.db.query(`SELECT subject FROM sso_links`);
    expect(links).toEqual([{ subject: '11111111-2222-3333-4444-555555555555' }]);
  });

  it('logs B.Simon in IdP-initiated and lands on the dashboard', async () => {
    const browser = new WebSession(t.http);
    const SAMLResponse = await idp.loginResponse({
      acsUrl,
      nameId: 'Brittasimon@contoso.com',
      attributes: { [ENTRA_CLAIMS.objectId]: '11111111-2222-3333-4444-555555555555' },
    });
    const acs = await browser.agent.post(`/plugins/servlet/no.kantega.saml/sp/${uniqueId}/login`).type('form').send({ SAMLResponse });
    expect(acs.status).toBe(303);
    expect(acs.headers.location).toBe('/');
    const home = await browser.agent.get('/').expect(200);
    expect(home.text).toContain('Britta Simon');
    const users = await t.app.get(UsersService).searchUsers({ q: 'brittasimon' });
    expect(users.total).toBe(1);
  });

  it('records both logins in the SSO trace', async () => {
    const trace = await request(t.http)
      .get(`/rest/atrium/1.0/sso/idps/${uniqueId}/trace`)
      .auth('admin', ADMIN_PASSWORD)
      .expect(200);
    const outcomes = trace.body.map((e: { flow: string; outcome: string }) => `${e.flow}:${e.outcome}`);
    expect(outcomes).toEqual(['idp-initiated:success', 'sp-initiated:success']);
  });
});
