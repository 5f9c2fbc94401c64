// A SAML IdP for the bench, on samlify: a plain-JS port of what test/helpers/test-idp.ts does
// for Entra-shaped, IdP-initiated login responses (only the assertion signed). Atrium's own
// code never builds the responses it then accepts.
import { randomBytes } from 'node:crypto';
import samlify from 'samlify';
import { generate } from 'selfsigned';

// samlify validates XML against the SAML schema only when it parses messages; the bench
// only builds them.
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export const ENTRA_CLAIMS = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  displayName: 'http://schemas.microsoft.com/identity/claims/displayname',
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
};

function escapeXml(value) {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function attributeStatement(attributes) {
  const items = Object.entries(attributes)
    .map(([name, value]) => {
      const values = (Array.isArray(value) ? value : [value])
        .map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`)
        .join('');
      return `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values}</saml:Attribute>`;
    })
    .join('');
  return items ? `<saml:AttributeStatement>${items}</saml:AttributeStatement>` : '';
}

/** A samlify IdP with a fresh self-signed key pair. */
export async function createBenchIdp(entityId = 'https://sts.bench.test/tenant') {
  const pems = await generate([{ name: 'commonName', value: `IdP ${entityId}` }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  const ssoUrl = `${entityId}/sso`;
  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: pems.private,
    signingCert: pems.cert,
    singleSignOnService: [
      { Binding: REDIRECT, Location: ssoUrl },
      { Binding: POST, Location: ssoUrl },
    ],
    singleLogoutService: [{ Binding: REDIRECT, Location: `${entityId}/slo` }],
    nameIDFormat: [EMAIL_FORMAT],
  });
  const sps = new Map();
  const spFor = (acsUrl) => {
    if (!sps.has(acsUrl)) {
      sps.set(
        acsUrl,
        samlify.ServiceProvider({
          entityID: acsUrl,
          assertionConsumerService: [{ Binding: POST, Location: acsUrl }],
          wantAssertionsSigned: true,
          wantMessageSigned: false,
        }),
      );
    }
    return sps.get(acsUrl);
  };

  return {
    entityId,
    ssoUrl,
    /** PEM of the signing certificate. */
    cert: pems.cert,
    metadataXml: () => idp.getMetadata(),

    /**
     * A signed, IdP-initiated SAMLResponse (base64) shaped like Entra's: only the assertion
     * signed, Entra's claim URIs, unique Response and Assertion IDs.
     */
    async loginResponse({ acsUrl, nameId, attributes = {}, validForMs = 30 * 60 * 1000 }) {
      const now = new Date();
      const later = new Date(now.getTime() + validForMs).toISOString();
      const unique = randomBytes(12).toString('hex');
      const values = {
        ID: `_r${unique}`,
        AssertionID: `_a${unique}`,
        Destination: acsUrl,
        Audience: acsUrl,
        SubjectRecipient: acsUrl,
        Issuer: entityId,
        IssueInstant: now.toISOString(),
        StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        ConditionsNotBefore: now.toISOString(),
        ConditionsNotOnOrAfter: later,
        SubjectConfirmationDataNotOnOrAfter: later,
        NameIDFormat: EMAIL_FORMAT,
        NameID: nameId,
        InResponseTo: '',
        AuthnStatement: `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_s${unique}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
        AttributeStatement: attributeStatement(attributes),
      };
      const fragments = new Set(['AuthnStatement', 'AttributeStatement']);
      const { context } = await idp.createLoginResponse(spFor(acsUrl), {}, 'post', {}, (template) => {
        const xml = template
          .replace(/\{(\w+)\}/g, (whole, key) =>
            key in values ? (fragments.has(key) ? values[key] : escapeXml(values[key])) : whole,
          )
          // IdP-initiated responses carry no InResponseTo at all.
          .replace(/ InResponseTo=""/g, '');
        return { id: values.ID, context: xml };
      });
      return context;
    },
  };
}
