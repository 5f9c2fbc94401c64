import type { UserSummary } from '../src/users/user-summary.js';
import { createUser } from './helpers/login-fixtures.js';
import {
  acsPath,
  acsUrl,
  clearSessionsOf,
  createIdpViaApi,
  expectLoggedIn,
  expectRefused,
  postAcs,
  startSpLogin,
  traceOf,
} from './helpers/sso-attack-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { TestIdp, type ResponseOptions } from './helpers/test-idp.js';

const IDP = 'attack-idp';
const OTHER = 'other-idp';
const MINUTE = 60 * 1000;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Condition windows moved by `offsetMs`: the assertion is valid for 5 minutes from now + offset. */
function windowAt(offsetMs: number, which: 'all' | 'subject' = 'all'): Record<string, string> {
  const subject = { SubjectConfirmationDataNotOnOrAfter: at(offsetMs + 5 * MINUTE) };
  if (which === 'subject') return subject;
  return { ...subject, ConditionsNotBefore: at(offsetMs), ConditionsNotOnOrAfter: at(offsetMs + 5 * MINUTE) };
}

/**
 * Attacks with responses the IdP signed properly but that are meant for someone else,
 * somewhere else or some other time: Audience, Destination, Recipient, Issuer, validity
 * window, replay, InResponseTo, the IdP bound to the URL, and RelayState. Both IdP entries
 * use the Entra preset (assertion signed, the response not) and the same test IdP.
 */
describe('SSO attacks: conditions, replay and binding', () => {
  let t: TestApp;
  let idp: TestIdp;
  let victim: UserSummary;
  let acs: string;
  let otherAcs: string;

  const response = (options: Partial<ResponseOptions> = {}) =>
    idp.loginResponse({ acsUrl: acs, nameId: victim.email, ...options });
  const post = (SAMLResponse: string, RelayState?: string) =>
    postAcs(t, IDP, { SAMLResponse, ...(RelayState !== undefined ? { RelayState } : {}) });
  const refused = async (SAMLResponse: string, reason: RegExp) =>
    expectRefused(t, await post(SAMLResponse), victim, { reason });

  beforeAll(async () => {
    t = await startTestApp();
    idp = await TestIdp.create('https://idp.conditions.test');
    victim = await createUser(t, { username: 'brittasimon', email: 'brittasimon@contoso.com' });
    await createIdpViaApi(t, idp, { uniqueId: IDP, preset: 'entra', name: 'Attack IdP' });
    await createIdpViaApi(t, idp, { uniqueId: OTHER, preset: 'entra', name: 'Other IdP' });
    acs = acsUrl(t, IDP);
    otherAcs = acsUrl(t, OTHER);
  });
  afterAll(() => t.close());
  beforeEach(() => clearSessionsOf(t, victim.id));

  describe('Audience, Destination, Recipient and Issuer', () => {
    it('positive control: a response with the right values logs in', async () => {
      await expectLoggedIn(t, await post(await response()), victim);
    });

    it('refuses a wrong Audience', async () => {
      const SAMLResponse = await response({ values: { Audience: 'https://other-sp.example/saml' } });
      await refused(SAMLResponse, new RegExp(`Audience is https://other-sp\\.example/saml, expected ${escape(acs)}`));
    });

    it('refuses an assertion whose second AudienceRestriction excludes Atrium', async () => {
      // Each AudienceRestriction must be met (SAML core 2.5.1.4): here Atrium meets only the first.
      const Audience = `${acs}</saml:Audience></saml:AudienceRestriction><saml:AudienceRestriction><saml:Audience>https://other-sp.example/saml`;
      await refused(await response({ rawValues: { Audience } }), /Audience is https:\/\/other-sp\.example\/saml, expected/);
    });

    it('refuses a wrong Destination', async () => {
      const SAMLResponse = await response({ values: { Destination: 'https://evil.example/acs' } });
      await refused(SAMLResponse, new RegExp(`Destination is https://evil\\.example/acs, expected ${escape(acs)}`));
    });

    it('refuses a wrong SubjectConfirmationData Recipient', async () => {
      const SAMLResponse = await response({ values: { SubjectRecipient: 'https://evil.example/acs' } });
      await refused(SAMLResponse, new RegExp(`Recipient is https://evil\\.example/acs, expected ${escape(acs)}`));
    });

    it('refuses a wrong Issuer', async () => {
      const SAMLResponse = await response({ values: { Issuer: 'https://evil-idp.example' } });
      await refused(SAMLResponse, new RegExp(`Issuer is https://evil-idp\\.example, expected ${escape(idp.entityId)}`));
    });
  });

  describe('validity window (default skew 3 minutes)', () => {
    it('positive control: a response valid from now logs in', async () => {
      await expectLoggedIn(t, await post(await response({ values: windowAt(0) })), victim);
    });

    it('refuses an expired assertion', async () => {
      const values = windowAt(-15 * MINUTE);
      await refused(
        await response({ values }),
        new RegExp(`assertion expired at ${escape(values.ConditionsNotOnOrAfter)} \\(allowed skew 3 min\\)`),
      );
    });

    it('refuses an assertion that is not yet valid', async () => {
      const values = windowAt(10 * MINUTE);
      await refused(
        await response({ values }),
        new RegExp(`assertion is not valid before ${escape(values.ConditionsNotBefore)} \\(allowed skew 3 min\\)`),
      );
    });

    it('refuses an expired SubjectConfirmationData even when the Conditions are current (IdP-initiated)', async () => {
      const values = windowAt(-15 * MINUTE, 'subject');
      await refused(
        await response({ values }),
        new RegExp(`SubjectConfirmationData expired at ${escape(values.SubjectConfirmationDataNotOnOrAfter)}`),
      );
    });

    it('refuses an expired SubjectConfirmationData even when the Conditions are current (SP-initiated)', async () => {
      const values = windowAt(-15 * MINUTE, 'subject');
      const inResponseTo = await startSpLogin(t, idp, IDP);
      await refused(
        await response({ values, inResponseTo }),
        new RegExp(`SubjectConfirmationData expired at ${escape(values.SubjectConfirmationDataNotOnOrAfter)}`),
      );
    });

    it('accepts responses 2 minutes outside the window: within the skew', async () => {
      await expectLoggedIn(t, await post(await response({ values: windowAt(-7 * MINUTE) })), victim);
      await clearSessionsOf(t, victim.id);
      await expectLoggedIn(t, await post(await response({ values: windowAt(2 * MINUTE) })), victim);
    });
  });

  describe('replay', () => {
    it('refuses the same SP-initiated response posted twice', async () => {
      const inResponseTo = await startSpLogin(t, idp, IDP);
      const SAMLResponse = await response({ inResponseTo });
      await expectLoggedIn(t, await post(SAMLResponse), victim);
      await clearSessionsOf(t, victim.id);
      await refused(SAMLResponse, /was already used \(replay\)/);
    });

    it('refuses the same IdP-initiated response posted twice', async () => {
      const SAMLResponse = await response();
      await expectLoggedIn(t, await post(SAMLResponse), victim);
      await clearSessionsOf(t, victim.id);
      await refused(SAMLResponse, /assertion _a\w+ was already used \(replay\)/);
    });
  });

  describe('InResponseTo', () => {
    it('positive control: a response to a login started here logs in', async () => {
      const inResponseTo = await startSpLogin(t, idp, IDP);
      await expectLoggedIn(t, await post(await response({ inResponseTo })), victim);
    });

    it('refuses an unknown InResponseTo', async () => {
      await refused(
        await response({ inResponseTo: '_never-requested-1234' }),
        /InResponseTo _never-requested-1234 matches no login started at Attack IdP/,
      );
    });

    it("refuses an InResponseTo of another IdP's request, which stays usable there", async () => {
      const otherRequest = await startSpLogin(t, idp, OTHER);
      await refused(
        await response({ inResponseTo: otherRequest }),
        new RegExp(`InResponseTo ${escape(otherRequest)} matches no login started at Attack IdP`),
      );
      const atOther = await idp.loginResponse({ acsUrl: otherAcs, nameId: victim.email, inResponseTo: otherRequest });
      await expectLoggedIn(t, await postAcs(t, OTHER, { SAMLResponse: atOther }), victim);
    });
  });

  describe("the IdP is bound to the URL's uniqueId, never to RelayState", () => {
    it('positive control: a response made for other-idp logs in at other-idp', async () => {
      const SAMLResponse = await idp.loginResponse({ acsUrl: otherAcs, nameId: victim.email });
      await expectLoggedIn(t, await postAcs(t, OTHER, { SAMLResponse }), victim);
    });

    it("refuses a response for attack-idp posted to other-idp's ACS, whatever RelayState says", async () => {
      const SAMLResponse = await response();
      const before = await traceOf(t, IDP);
      const attempt = await postAcs(t, OTHER, { SAMLResponse, RelayState: acsPath(IDP) });
      await expectRefused(t, attempt, victim, {
        reason: new RegExp(`Destination is ${escape(acs)}, expected ${escape(otherAcs)}`),
      });
      expect(await traceOf(t, IDP)).toEqual(before);
    });

    it('refuses it with the unsigned Destination rewritten for other-idp: the signed Recipient still names attack-idp', async () => {
      const SAMLResponse = await response({ values: { Destination: otherAcs } });
      const attempt = await postAcs(t, OTHER, { SAMLResponse, RelayState: acsPath(IDP) });
      await expectRefused(t, attempt, victim, {
        reason: new RegExp(`Recipient is ${escape(acs)}, expected ${escape(otherAcs)}`),
      });
    });

    it('refuses it with Destination and Recipient rewritten: the Audience still names attack-idp', async () => {
      const SAMLResponse = await response({ values: { Destination: otherAcs, SubjectRecipient: otherAcs } });
      const attempt = await postAcs(t, OTHER, { SAMLResponse });
      await expectRefused(t, attempt, victim, {
        reason: new RegExp(`Audience is ${escape(acs)}, expected ${escape(otherAcs)}`),
      });
    });
  });

  describe('RelayState', () => {
    it('positive control: a same-site RelayState, relative or on the base URL, is where the user lands', async () => {
      await expectLoggedIn(t, await post(await response(), '/display/DOC/Welcome'), victim, '/display/DOC/Welcome');
      await clearSessionsOf(t, victim.id);
      await expectLoggedIn(t, await post(await response(), `${t.config.baseUrl}/spaces`), victim, '/spaces');
    });

    it.each(['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)'])(
      'refuses an otherwise valid response with RelayState %s',
      async (RelayState) => {
        const attempt = await post(await response(), RelayState);
        expect(attempt.res.headers.location).toBeUndefined();
        await expectRefused(t, attempt, victim, { reason: /RelayState points to another site/ });
      },
    );
  });
});
