import { DOMParser } from '@xmldom/xmldom';
import { createVerify, X509Certificate } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import request from 'supertest';
import { USER_PASSWORD, createUser, jarCookie, sessionRowExists, sidFromCookie } from './helpers/login-fixtures.js';
import {
  BASE,
  addIdp,
  appIdUri,
  idpInitiatedLogin,
  loginPath,
  logoutPath,
  metadataPath,
  postToAcs,
  spInitiatedLogin,
  traceOf,
  whoAmI,
} from './helpers/sso-journey-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { TestIdp } from './helpers/test-idp.js';
import { WebSession } from './helpers/web-session.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const PPT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';

type El = {
  getAttribute(name: string): string | null;
  textContent: string | null;
  getElementsByTagNameNS(ns: string, name: string): ArrayLike<El>;
};

function parseMetadata(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as { documentElement: El };
  const root = doc.documentElement;
  const all = (name: string, ns = MD) => Array.from(root.getElementsByTagNameNS(ns, name));
  const keys = all('KeyDescriptor').map((k) => ({
    use: k.getAttribute('use'),
    cert: (Array.from(k.getElementsByTagNameNS(DSIG, 'X509Certificate'))[0]?.textContent ?? '').replace(/\s+/g, ''),
  }));
  return { root, all, keys };
}

const pemBody = (pem: string) => pem.replace(/-----[^-]+-----|\s+/g, '');

/** Reads the SAML message out of an HTTP-Redirect URL (deflated, base64). */
function redirectMessage(url: string, param: 'SAMLRequest' | 'SAMLResponse'): string {
  return inflateRawSync(Buffer.from(new URL(url).searchParams.get(param)!, 'base64')).toString('utf8');
}

/** Local logout, SAML Single Logout both ways, SP metadata, encrypted assertions and AuthnRequest details. */
describe('SSO journeys: logout, SP metadata and requests', () => {
  let t: TestApp;
  let idp: TestIdp;

  const logOut = async (s: WebSession) => {
    const token = await s.csrfToken('/');
    return s.agent.post('/logout').type('form').send({ _csrf: token });
  };
  const sessionId = (s: WebSession) => sidFromCookie(jarCookie(s, 'atrium.sid')!);
  const metadataOf = async (uniqueId: string) => (await request(t.http).get(metadataPath(uniqueId)).expect(200)).text;

  beforeAll(async () => {
    t = await startTestApp();
    idp = await TestIdp.create('https://idp.journeys-logout.test');
    await addIdp(t, idp, { uniqueId: 'slo', name: 'SLO IdP' });
    await addIdp(t, idp, { uniqueId: 'no-slo', name: 'IdP without SLO' });
    await request(t.http).put('/rest/atrium/1.0/sso/idps/no-slo').auth('admin', ADMIN_PASSWORD).send({ sloUrl: '' }).expect(200);
    for (const name of ['megan', 'lee', 'local']) await createUser(t, { username: `${name}@contoso.com`, email: `${name}@contoso.com` });
  });
  afterAll(() => t.close());

  describe('logout', () => {
    it('local logout always works: the session row is gone and the person is logged out', async () => {
      const s = new WebSession(t.http);
      expect((await s.login('local@contoso.com', USER_PASSWORD)).status).toBe(303);
      const sid = sessionId(s);
      // Without the CSRF token nothing happens.
      expect((await s.agent.post('/logout').type('form').send({})).status).toBe(403);
      expect(await whoAmI(s.agent)).toBe('local@contoso.com');

      const res = await logOut(s);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?loggedout');
      expect(await sessionRowExists(t, sid)).toBe(false);
      expect(await whoAmI(s.agent)).toBeNull();
      expect((await s.agent.get('/login?loggedout').expect(200)).text).toContain('You have logged out.');
    });

    it('after SSO through an IdP without an SLO URL, logout is local only', async () => {
      const s = new WebSession(t.http);
      expect((await idpInitiatedLogin(s.agent, idp, 'no-slo', { nameId: 'lee@contoso.com' })).status).toBe(303);
      const sid = sessionId(s);
      const res = await logOut(s);
      expect(res.headers.location).toBe('/login?loggedout');
      expect(await sessionRowExists(t, sid)).toBe(false);
    });

    it('SAML Single Logout: ends the local session, sends a LogoutRequest to the IdP, and its LogoutResponse lands on /login', async () => {
      const s = new WebSession(t.http);
      const login = await spInitiatedLogin(s.agent, idp, 'slo', { nameId: 'megan@contoso.com', sessionIndex: '_idp-session-42' });
      expect(login.status).toBe(303);
      const sid = sessionId(s);

      const res = await logOut(s);
      expect(res.status).toBe(303);
      expect(res.headers.location.startsWith(`${idp.sloUrl}?SAMLRequest=`)).toBe(true);
      expect(await sessionRowExists(t, sid)).toBe(false);
      expect(await whoAmI(s.agent)).toBeNull();

      const logoutRequest = await idp.parseLogoutRequest(appIdUri('slo'), res.headers.location);
      expect(logoutRequest.nameId).toBe('megan@contoso.com');
      expect(logoutRequest.sessionIndex).toBe('_idp-session-42');
      expect(logoutRequest.id).toMatch(/^[A-Za-z_]/);
      expect(logoutRequest.xml).toContain(`Destination="${idp.sloUrl}"`);
      expect(logoutRequest.xml).toContain(`>${appIdUri('slo')}</saml:Issuer>`);

      const answer = new URL(await idp.logoutResponseUrl(appIdUri('slo'), res.headers.location));
      expect(`${answer.origin}${answer.pathname}`).toBe(`${BASE}${logoutPath('slo')}`);
      const back = await s.agent.get(`${answer.pathname}${answer.search}`);
      expect(back.status).toBe(302);
      expect(back.headers.location).toBe('/login?loggedout');
      expect((await traceOf(t, 'slo'))[0]).toMatchObject({ flow: 'logout', outcome: 'success', reason: 'LogoutResponse received' });
    });

    it("an IdP-initiated LogoutRequest ends that user's SSO sessions and is answered with a LogoutResponse", async () => {
      const megan1 = new WebSession(t.http);
      const megan2 = new WebSession(t.http);
      const lee = new WebSession(t.http);
      for (const [s, nameId] of [[megan1, 'megan@contoso.com'], [megan2, 'megan@contoso.com'], [lee, 'lee@contoso.com']] as const) {
        expect((await idpInitiatedLogin(s.agent, idp, 'slo', { nameId })).status).toBe(303);
      }
      const meganSessions = [sessionId(megan1), sessionId(megan2)];

      // An unsigned LogoutRequest could come from anyone: it ends nothing.
      const unsigned = new URL(await idp.logoutRequestUrl(appIdUri('slo'), 'megan@contoso.com'));
      expect(unsigned.searchParams.has('Signature')).toBe(false);
      expect((await request(t.http).get(`${unsigned.pathname}${unsigned.search}`)).status).toBe(400);
      for (const sid of meganSessions) expect(await sessionRowExists(t, sid)).toBe(true);

      const signed = new URL(await idp.logoutRequestUrl(appIdUri('slo'), 'megan@contoso.com', { signed: true }));
      expect(`${signed.origin}${signed.pathname}`).toBe(`${BASE}${logoutPath('slo')}`);
      const requestId = /ID="([^"]+)"/.exec(redirectMessage(signed.href, 'SAMLRequest'))![1];
      const res = await request(t.http).get(`${signed.pathname}${signed.search}`);
      expect(res.status).toBe(302);
      expect(res.headers.location.startsWith(`${idp.sloUrl}?SAMLResponse=`)).toBe(true);
      const logoutResponse = redirectMessage(res.headers.location, 'SAMLResponse');
      expect(logoutResponse).toMatch(/<samlp:LogoutResponse /);
      expect(logoutResponse).toContain(`InResponseTo="${requestId}"`);
      expect(logoutResponse).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');

      for (const sid of meganSessions) expect(await sessionRowExists(t, sid)).toBe(false);
      expect(await whoAmI(megan1.agent)).toBeNull();
      expect(await whoAmI(megan2.agent)).toBeNull();
      expect(await whoAmI(lee.agent)).toBe('lee@contoso.com');
      expect((await traceOf(t, 'slo'))[0]).toMatchObject({
        flow: 'logout',
        outcome: 'success',
        nameId: 'megan@contoso.com',
        reason: 'LogoutRequest from SLO IdP: ended 2 session(s)',
      });
    });
  });

  describe('SP metadata', () => {
    it('publishes the entity ID (App ID URI), the ACS with the HTTP-POST binding, NameIDFormat and SLO, and no keys by default', async () => {
      const res = await request(t.http).get(metadataPath('slo')).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/samlmetadata\+xml/);
      const md = parseMetadata(res.text);
      expect(md.root.getAttribute('entityID')).toBe(appIdUri('slo'));
      const acs = md.all('AssertionConsumerService');
      expect(acs).toHaveLength(1);
      expect(acs[0].getAttribute('Binding')).toBe(POST_BINDING);
      expect(acs[0].getAttribute('Location')).toBe(appIdUri('slo'));
      expect(md.all('NameIDFormat').map((e) => e.textContent?.trim())).toEqual([
        'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      ]);
      // SLO is advertised with the binding the logout endpoint actually speaks.
      const slo = md.all('SingleLogoutService');
      expect(slo.map((e) => [e.getAttribute('Binding'), e.getAttribute('Location')])).toEqual([
        [REDIRECT_BINDING, `${BASE}${logoutPath('slo')}`],
      ]);
      expect(md.keys).toEqual([]);
      expect(res.text).not.toContain('PRIVATE KEY');
      await request(t.http).get(metadataPath('no-such-idp')).expect(404);
    });

    it('publishes the configured NameID format', async () => {
      const email = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
      await addIdp(t, idp, { uniqueId: 'md-format', settings: { nameIdFormat: email } });
      expect(parseMetadata(await metadataOf('md-format')).all('NameIDFormat').map((e) => e.textContent?.trim())).toEqual([email]);
    });

    it('publishes the signing certificate only with signRequests and the encryption certificate only with encryptAssertions', async () => {
      await addIdp(t, idp, { uniqueId: 'md-sign', settings: { signRequests: true } });
      await addIdp(t, idp, { uniqueId: 'md-encrypt', settings: { encryptAssertions: true } });
      await addIdp(t, idp, { uniqueId: 'md-both', settings: { signRequests: true, encryptAssertions: true } });
      const spCert = async (uniqueId: string) =>
        pemBody((await t.db.query(`SELECT sp_certificate FROM identity_providers WHERE unique_id = $1`, [uniqueId]))[0].sp_certificate);

      const sign = parseMetadata(await metadataOf('md-sign'));
      expect(sign.keys).toEqual([{ use: 'signing', cert: await spCert('md-sign') }]);
      expect(sign.all('SPSSODescriptor')[0].getAttribute('AuthnRequestsSigned')).toBe('true');
      const encrypt = parseMetadata(await metadataOf('md-encrypt'));
      expect(encrypt.keys).toEqual([{ use: 'encryption', cert: await spCert('md-encrypt') }]);
      const both = parseMetadata(await metadataOf('md-both'));
      expect(both.keys.map((k) => k.use).sort()).toEqual(['encryption', 'signing']);
      // Each IdP entry has its own SP key pair, and the certificate is a real one.
      expect(await spCert('md-sign')).not.toBe(await spCert('md-encrypt'));
      expect(new X509Certificate(Buffer.from(await spCert('md-encrypt'), 'base64')).subject).toContain('md-encrypt');
    });
  });

  describe('encrypted assertions', () => {
    it.each([
      ['AES-256-CBC', 'http://www.w3.org/2001/04/xmlenc#aes256-cbc'],
      ['AES-128-GCM', 'http://www.w3.org/2009/xmlenc11#aes128-gcm'],
    ])('logs in with an assertion the IdP encrypted (%s) for the certificate in our metadata', async (_name, algorithm) => {
      const uniqueId = `enc-${algorithm.endsWith('gcm') ? 'gcm' : 'cbc'}`;
      await addIdp(t, idp, { uniqueId, settings: { encryptAssertions: true } });
      const SAMLResponse = await idp.loginResponse({
        acsUrl: appIdUri(uniqueId),
        nameId: 'megan@contoso.com',
        encryptWith: { spMetadataXml: await metadataOf(uniqueId), dataEncryptionAlgorithm: algorithm },
      });
      const xml = Buffer.from(SAMLResponse, 'base64').toString('utf8');
      expect(xml).toContain('EncryptedAssertion');
      expect(xml).toContain(algorithm);
      expect(xml).not.toContain('megan@contoso.com');
      const s = new WebSession(t.http);
      const res = await postToAcs(s.agent, uniqueId, SAMLResponse);
      expect(res.status).toBe(303);
      expect(await whoAmI(s.agent)).toBe('megan@contoso.com');
      expect((await traceOf(t, uniqueId))[0]).toMatchObject({ outcome: 'success', nameId: 'megan@contoso.com' });
    });
  });

  describe('SP-initiated AuthnRequest', () => {
    const start = async (uniqueId: string) => (await request(t.http).get(loginPath(uniqueId)).expect(302)).headers.location as string;

    it('is addressed to the IdP from the App ID URI, and its ID never starts with a digit', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const authn = await idp.parseAuthnRequest(await start('slo'), appIdUri('slo'));
        expect(authn.id).toMatch(/^[A-Za-z_][\w.-]*$/);
        ids.add(authn.id);
        if (i === 0) {
          expect(authn.xml).toContain(`Destination="${idp.ssoUrl}"`);
          expect(authn.xml).toContain(`AssertionConsumerServiceURL="${appIdUri('slo')}"`);
          expect(authn.xml).toContain(`>${appIdUri('slo')}</saml:Issuer>`);
        }
      }
      expect(ids.size).toBe(20);
    });

    it('carries RequestedAuthnContext when configured and none when requestedAuthnContext is null', async () => {
      await addIdp(t, idp, { uniqueId: 'authn-ctx', settings: { requestedAuthnContext: PPT } });
      const withContext = await idp.parseAuthnRequest(await start('authn-ctx'), appIdUri('authn-ctx'));
      expect(withContext.xml).toMatch(/<samlp:RequestedAuthnContext[^>]*>\s*<saml:AuthnContextClassRef[^>]*>urn:oasis:names:tc:SAML:2\.0:ac:classes:PasswordProtectedTransport</);

      const none = await idp.parseAuthnRequest(await start('slo'), appIdUri('slo'));
      expect(none.xml).not.toContain('RequestedAuthnContext');
    });

    it('with signRequests on, the redirect carries SigAlg and a Signature made with the key of the certificate in our metadata', async () => {
      await addIdp(t, idp, { uniqueId: 'signed-req', settings: { signRequests: true } });
      const location = await start('signed-req');
      const url = new URL(location);
      expect(url.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      const signature = url.searchParams.get('Signature')!;
      expect(signature).toBeTruthy();
      // saml-bindings §3.4.4.1: the signature covers SAMLRequest, RelayState and SigAlg as sent.
      const signedPart = url.search.slice(1).split('&').filter((p) => !p.startsWith('Signature=')).join('&');
      const [cert] = parseMetadata(await metadataOf('signed-req')).keys.filter((k) => k.use === 'signing');
      const verifier = createVerify('RSA-SHA256').update(signedPart);
      expect(verifier.verify(new X509Certificate(Buffer.from(cert.cert, 'base64')).publicKey, signature, 'base64')).toBe(true);

      const unsigned = new URL(await start('slo'));
      expect(unsigned.searchParams.has('SigAlg')).toBe(false);
      expect(unsigned.searchParams.has('Signature')).toBe(false);
    });
  });
});
