import type { UserSummary } from '../src/users/user-summary.js';
import { createUser } from './helpers/login-fixtures.js';
import {
  DS,
  SAML,
  SAMLP,
  acsUrl,
  childElement,
  clearSessionsOf,
  createIdpViaApi,
  decodeResponse,
  elements,
  encodeResponse,
  expectLoggedIn,
  expectRefused,
  forgedAssertion,
  insertAfterHeader,
  postAcs,
  updateIdpSettings,
  type XmlEl,
} from './helpers/sso-attack-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { TestIdp, makeKeyPair, type KeyPair, type ResponseOptions } from './helpers/test-idp.js';

const IDP = 'attack-idp';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const SIGNING_MODES = ['either', 'assertion', 'response', 'both'] as const;

/**
 * Signature attacks on the ACS: unsigned and foreign-key responses, XML signature wrapping,
 * NameID comment injection, two assertions and SHA-1. The IdP entry uses the Generic preset
 * (either signature suffices), the setting most exposed to wrapping. Mallory has a real
 * account at the IdP; Britta is the victim whose session she wants.
 */
describe('SSO attacks: signatures and signature wrapping', () => {
  let t: TestApp;
  let idp: TestIdp;
  let strangerKeys: KeyPair;
  let victim: UserSummary;
  let mallory: UserSummary;
  let acs: string;

  const signed = (options: Omit<ResponseOptions, 'acsUrl'>) => idp.loginResponse({ acsUrl: acs, ...options });
  const asMallory = (sign: ResponseOptions['sign'] = 'assertion') => signed({ nameId: mallory.email, sign });
  const asVictim = (sign: ResponseOptions['sign'] = 'assertion') => signed({ nameId: victim.email, sign });
  const post = (SAMLResponse: string) => postAcs(t, IDP, { SAMLResponse });
  const refused = async (SAMLResponse: string, reason: RegExp) =>
    expectRefused(t, await post(SAMLResponse), [victim, mallory], { reason });

  beforeAll(async () => {
    t = await startTestApp();
    idp = await TestIdp.create('https://idp.attacks.test');
    strangerKeys = await makeKeyPair('https://idp.attacks.test');
    victim = await createUser(t, { username: 'brittasimon', email: 'brittasimon@contoso.com' });
    mallory = await createUser(t, { username: 'mallory', email: 'mallory@contoso.com' });
    await createIdpViaApi(t, idp, { uniqueId: IDP, preset: 'generic', name: 'Attack IdP' });
    acs = acsUrl(t, IDP);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await clearSessionsOf(t, victim.id);
    await clearSessionsOf(t, mallory.id);
  });

  it('positive control: responses signed by the IdP log in (assertion, response, or both signed)', async () => {
    for (const sign of ['assertion', 'response', 'both'] as const) {
      await expectLoggedIn(t, await post(await asVictim(sign)), victim);
      await clearSessionsOf(t, victim.id);
    }
  });

  describe.each(SIGNING_MODES)('with signing requirement "%s"', (signing) => {
    beforeAll(() => updateIdpSettings(t, IDP, { signing }));
    afterAll(() => updateIdpSettings(t, IDP, { signing: 'either' }));

    it('positive control: a response with both signatures logs in', async () => {
      await expectLoggedIn(t, await post(await asVictim('both')), victim);
    });

    it('refuses an unsigned response (every ds:Signature stripped)', async () => {
      const doc = decodeResponse(await asVictim('both'));
      for (const sig of elements(doc, DS, 'Signature')) sig.parentNode!.removeChild(sig);
      expect(elements(doc, DS, 'Signature')).toHaveLength(0);
      await refused(encodeResponse(doc), /unsigned|Response is not signed/);
    });

    it("refuses a response signed by another key that carries that key's certificate in KeyInfo", async () => {
      const SAMLResponse = await signed({ nameId: victim.email, sign: 'both', keys: strangerKeys });
      const certs = elements(decodeResponse(SAMLResponse), DS, 'X509Certificate').map((c) => c.textContent);
      expect(certs).toContain(strangerKeys.cert.replace(/-----[^-]+-----|\s+/g, ''));
      await refused(SAMLResponse, /(signature matches no certificate|not signed by a certificate) of Attack IdP/);
    });
  });

  describe('XML signature wrapping (XSW)', () => {
    /** Mallory's response signed by the IdP, as a DOM, with its Response and Assertion. */
    async function malloryDom(sign: ResponseOptions['sign']) {
      const doc = decodeResponse(await asMallory(sign));
      const response = doc.documentElement!;
      return { doc, response, assertion: childElement(response, SAML, 'Assertion') };
    }

    /** A forged Response for Britta, unsigned, with the same Destination, Issuer and Status. */
    function forgedResponse(original: XmlEl, signedAssertion: XmlEl): XmlEl {
      const evil = original.cloneNode(true) as XmlEl;
      evil.setAttribute('ID', '_evil-response');
      for (const sig of elements(evil, DS, 'Signature')) sig.parentNode!.removeChild(sig);
      const assertion = childElement(evil, SAML, 'Assertion');
      evil.replaceChild(forgedAssertion(signedAssertion, victim.email), assertion);
      return evil;
    }

    it('positive control: the untampered responses the attacks start from log in', async () => {
      for (const sign of ['response', 'assertion', 'both'] as const) {
        await expectLoggedIn(t, await post(encodeResponse((await malloryDom(sign)).doc)), mallory);
        await clearSessionsOf(t, mallory.id);
      }
    });

    it('refuses response wrapping: the signed Response moved inside a forged Response', async () => {
      const { doc, response, assertion } = await malloryDom('response');
      const evil = forgedResponse(response, assertion);
      doc.replaceChild(evil, response);
      evil.appendChild(response);
      await refused(encodeResponse(doc), /more than one Response/);
    });

    it("refuses response wrapping: the signed Response inside the forged Response's samlp:Extensions", async () => {
      const { doc, response, assertion } = await malloryDom('response');
      const evil = forgedResponse(response, assertion);
      doc.replaceChild(evil, response);
      const extensions = doc.createElementNS(SAMLP, 'samlp:Extensions');
      extensions.appendChild(response);
      insertAfterHeader(evil, extensions);
      await refused(encodeResponse(doc), /more than one Response/);
    });

    it("refuses response wrapping: the signed Response inside the forged Response's ds:Signature/ds:Object", async () => {
      const { doc, response, assertion } = await malloryDom('response');
      const evil = forgedResponse(response, assertion);
      const signature = childElement(response, DS, 'Signature').cloneNode(true) as XmlEl;
      const object = doc.createElementNS(DS, 'ds:Object');
      signature.appendChild(object);
      doc.replaceChild(evil, response);
      object.appendChild(response);
      evil.insertBefore(signature, childElement(evil, SAMLP, 'Status'));
      await refused(encodeResponse(doc), /more than one Response/);
    });

    it('refuses assertion wrapping: a forged assertion before the signed one', async () => {
      const { doc, response, assertion } = await malloryDom('assertion');
      response.insertBefore(forgedAssertion(assertion, victim.email), assertion);
      await refused(encodeResponse(doc), /contains 2 assertions/);
    });

    it('refuses assertion wrapping: a forged assertion after the signed one', async () => {
      const { doc, response, assertion } = await malloryDom('assertion');
      response.appendChild(forgedAssertion(assertion, victim.email));
      await refused(encodeResponse(doc), /contains 2 assertions/);
    });

    it('refuses the signed assertion moved into samlp:Extensions with a forged one in its place', async () => {
      const { doc, response, assertion } = await malloryDom('assertion');
      response.replaceChild(forgedAssertion(assertion, victim.email), assertion);
      const extensions = doc.createElementNS(SAMLP, 'samlp:Extensions');
      extensions.appendChild(assertion);
      insertAfterHeader(response, extensions);
      await refused(encodeResponse(doc), /contains 2 assertions/);
    });

    it('refuses a Response whose only assertion sits in samlp:Extensions', async () => {
      const { doc, response, assertion } = await malloryDom('assertion');
      response.removeChild(assertion);
      const extensions = doc.createElementNS(SAMLP, 'samlp:Extensions');
      extensions.appendChild(assertion);
      insertAfterHeader(response, extensions);
      await refused(encodeResponse(doc), /not a direct child of the Response/);
    });

    it("refuses the signed assertion inside the forged assertion's ds:Signature/ds:Object", async () => {
      const { doc, response, assertion } = await malloryDom('assertion');
      const evil = forgedAssertion(assertion, victim.email);
      const signature = childElement(assertion, DS, 'Signature').cloneNode(true) as XmlEl;
      const object = doc.createElementNS(DS, 'ds:Object');
      signature.appendChild(object);
      insertAfterHeader(evil, signature);
      response.replaceChild(evil, assertion);
      object.appendChild(assertion);
      await refused(encodeResponse(doc), /contains 2 assertions/);
    });

    it("refuses the signed assertion inside the Response's ds:Signature/ds:Object with a forged one in its place", async () => {
      const { doc, response, assertion } = await malloryDom('both');
      const object = doc.createElementNS(DS, 'ds:Object');
      childElement(response, DS, 'Signature').appendChild(object);
      response.replaceChild(forgedAssertion(assertion, victim.email), assertion);
      object.appendChild(assertion);
      await refused(encodeResponse(doc), /contains 2 assertions/);
    });

    it('refuses a forged assertion in a foreign namespace next to the signed one', async () => {
      const { doc, response, assertion } = await malloryDom('assertion');
      const forged = forgedAssertion(assertion, victim.email);
      const foreign = doc.createElementNS('urn:evil:assertion', 'x:Assertion');
      for (const name of ['ID', 'Version', 'IssueInstant']) foreign.setAttribute(name, forged.getAttribute(name)!);
      while (forged.firstChild) foreign.appendChild(forged.firstChild);
      response.appendChild(foreign);
      await refused(encodeResponse(doc), /more than one element named Assertion/);
    });
  });

  describe('NameID comment injection and two assertions', () => {
    it('positive control: a plain NameID signed by the IdP logs in', async () => {
      await expectLoggedIn(t, await post(await asVictim()), victim);
    });

    it.each([`brittasimon@contoso.com<!---->.evil.example`, `brittasimon<!---->@contoso.com`])(
      'refuses a signed NameID with a comment: %s',
      async (nameIdXml) => {
        const SAMLResponse = await signed({ nameId: 'unused', rawValues: { NameID: nameIdXml } });
        expect(Buffer.from(SAMLResponse, 'base64').toString('utf8')).toContain(`>${nameIdXml}</saml:NameID>`);
        await refused(SAMLResponse, /comments \(NameID comment injection\)/);
      },
    );

    it('refuses a Response with two assertions, each validly signed by the IdP', async () => {
      const doc = decodeResponse(await asMallory());
      const second = decodeResponse(await asVictim());
      doc.documentElement!.appendChild(childElement(second.documentElement!, SAML, 'Assertion'));
      await refused(encodeResponse(doc), /contains 2 assertions; exactly one is allowed/);
    });
  });

  describe('SHA-1', () => {
    it('positive control: the same response signed with rsa-sha256 logs in', async () => {
      await expectLoggedIn(t, await post(await signed({ nameId: victim.email, sign: 'both' })), victim);
    });

    it('refuses a response signed with rsa-sha1 while allowSha1 is off', async () => {
      const SAMLResponse = await signed({ nameId: victim.email, sign: 'both', signatureAlgorithm: SHA1 });
      await refused(SAMLResponse, /uses SHA-1 .*rsa-sha1.*requires SHA-256 or stronger/);
    });

    it('accepts a response signed with rsa-sha1 once an admin sets allowSha1', async () => {
      await updateIdpSettings(t, IDP, { allowSha1: true });
      try {
        const SAMLResponse = await signed({ nameId: victim.email, sign: 'both', signatureAlgorithm: SHA1 });
        await expectLoggedIn(t, await post(SAMLResponse), victim);
      } finally {
        await updateIdpSettings(t, IDP, { allowSha1: false });
      }
    });
  });
});
