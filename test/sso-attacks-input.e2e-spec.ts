import request from 'supertest';
import type { UserSummary } from '../src/users/user-summary.js';
import { SAML_BODY_LIMIT } from '../src/sso/saml-body.middleware.js';
import { MAX_SAML_RESPONSE_BYTES } from '../src/sso/saml/saml-response.inspector.js';
import { createUser } from './helpers/login-fixtures.js';
import {
  acsPath,
  acsUrl,
  clearSessionsOf,
  countSessionsOf,
  createIdpViaApi,
  encodeResponse,
  expectLoggedIn,
  expectRefused,
  postAcs,
} from './helpers/sso-attack-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { TestIdp } from './helpers/test-idp.js';

const IDP = 'attack-idp';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol4;</samlp:Response>`;

/**
 * Malformed and hostile input at the ACS: broken base64 or XML, DOCTYPE and entities, and
 * bodies over the caps. Each gets a clear 4xx and a trace entry, never a 500. Form bodies
 * the parser itself rejects get a clear 4xx page too.
 */
describe('SSO attacks: malformed and oversized input', () => {
  let t: TestApp;
  let idp: TestIdp;
  let victim: UserSummary;

  const validResponse = () => idp.loginResponse({ acsUrl: acsUrl(t, IDP), nameId: victim.email });
  const refused = async (fields: Record<string, string> | string, reason: RegExp, status = 403) =>
    expectRefused(t, await postAcs(t, IDP, fields), victim, { reason, status });

  beforeAll(async () => {
    t = await startTestApp();
    idp = await TestIdp.create('https://idp.input.test');
    victim = await createUser(t, { username: 'brittasimon', email: 'brittasimon@contoso.com' });
    await createIdpViaApi(t, idp, { uniqueId: IDP, preset: 'entra', name: 'Attack IdP' });
  });
  afterAll(() => t.close());
  beforeEach(() => clearSessionsOf(t, victim.id));

  it('positive control: a valid response logs in', async () => {
    await expectLoggedIn(t, await postAcs(t, IDP, { SAMLResponse: await validResponse() }), victim);
  });

  it('refuses a post without a SAMLResponse', async () => {
    await refused({ RelayState: '/' }, /the request has no SAMLResponse/);
  });

  it('refuses two SAMLResponse fields', async () => {
    const SAMLResponse = await validResponse();
    await refused(`SAMLResponse=${encodeURIComponent(SAMLResponse)}&SAMLResponse=${encodeURIComponent(SAMLResponse)}`, /more than one SAMLResponse/);
  });

  it.each([
    ['characters outside base64', '%%%not-base64%%%'],
    ['a truncated base64 string', 'PHNhbWxwOlJlc3BvbnNl='],
  ])('refuses malformed base64: %s', async (_what, SAMLResponse) => {
    await refused({ SAMLResponse }, /the SAMLResponse is not valid base64/);
  });

  it.each([
    ['truncated XML', '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Issuer'],
    ['text that is not XML', 'hello, this is not a SAML response'],
    ['mismatched tags', '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"></samlp:Status>'],
  ])('refuses malformed XML: %s', async (_what, xml) => {
    await refused({ SAMLResponse: encodeResponse(xml) }, /the SAMLResponse is not well-formed XML/);
  });

  it('refuses a signed response made malformed by a mismatched end tag, which a lenient parser would repair', async () => {
    const xml = Buffer.from(await validResponse(), 'base64').toString('utf8');
    const broken = xml.replace(/<\/saml:NameID>/, '</saml:Whatever>');
    expect(broken).not.toBe(xml);
    await refused({ SAMLResponse: encodeResponse(broken) }, /the SAMLResponse is not well-formed XML/);
  });

  it('refuses well-formed XML that is not a SAML Response', async () => {
    await refused({ SAMLResponse: encodeResponse('<html><body>hi</body></html>') }, /not a SAML 2\.0 Response/);
  });

  it('refuses a DOCTYPE with nested entities (billion laughs)', async () => {
    await refused({ SAMLResponse: encodeResponse(BILLION_LAUGHS) }, /contains a DOCTYPE or entities/);
  });

  it('refuses an external entity (XXE) in an otherwise signed response', async () => {
    const xml = Buffer.from(await validResponse(), 'base64').toString('utf8');
    const xxe = `<?xml version="1.0"?><!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${xml.replace(
      '</saml:Issuer>',
      '&xxe;</saml:Issuer>',
    )}`;
    await refused({ SAMLResponse: encodeResponse(xxe) }, /contains a DOCTYPE or entities/);
  });

  it(`refuses a SAMLResponse over ${MAX_SAML_RESPONSE_BYTES / 1024} KB in a body under the cap`, async () => {
    const SAMLResponse = 'A'.repeat(MAX_SAML_RESPONSE_BYTES + 4);
    await refused({ SAMLResponse }, new RegExp(`the SAMLResponse is larger than ${MAX_SAML_RESPONSE_BYTES / 1024} KB`));
  });

  it(`answers 413 to a body over the ${SAML_BODY_LIMIT / 1024} KB cap, with a trace entry`, async () => {
    const SAMLResponse = 'A'.repeat(SAML_BODY_LIMIT + 1024);
    await refused({ SAMLResponse }, new RegExp(`the request body is larger than ${SAML_BODY_LIMIT / 1024} KB`), 413);
  });

  it.each([
    ['a form with too many fields', 'application/x-www-form-urlencoded', Array.from({ length: 50 }, (_, i) => `f${i}=x`).join('&')],
    ['an unsupported charset', 'application/x-www-form-urlencoded; charset=x-evil', 'SAMLResponse=abc'],
  ])('answers a clear 4xx page, never a 500, to %s', async (_what, contentType, body) => {
    const res = await request(t.http).post(acsPath(IDP)).set('Content-Type', contentType).send(body);
    expect([413, 415]).toContain(res.status);
    expect(res.text).toContain('<title>');
    expect(res.text).not.toMatch(/ at .+\.(js|ts):\d+/);
    expect(await countSessionsOf(t, victim.id)).toBe(0);
  });
});
