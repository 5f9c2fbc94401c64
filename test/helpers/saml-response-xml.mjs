// The parts of a SAML login response that the test IdP (test/helpers/test-idp.ts) and the bench
// IdP (bench/lib/saml-idp.mjs) fill into samlify's template alike. Plain JavaScript, so the bench
// runs it without a TypeScript loader; types in saml-response-xml.d.mts.
import { randomBytes } from 'node:crypto';

export const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
export const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** The claim URIs Microsoft Entra ID sends. */
export const ENTRA_CLAIMS = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  displayName: 'http://schemas.microsoft.com/identity/claims/displayname',
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  groups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
};

export function escapeXml(value) {
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

/** Values for samlify's login-response template: unique IDs, a time window, the statements. */
export function loginResponseValues({ acsUrl, issuer, nameId, nameIdFormat = EMAIL_FORMAT, attributes = {}, inResponseTo = '', sessionIndex, validForMs }) {
  const now = new Date();
  const later = new Date(now.getTime() + validForMs).toISOString();
  const unique = randomBytes(12).toString('hex');
  return {
    ID: `_r${unique}`,
    AssertionID: `_a${unique}`,
    Destination: acsUrl,
    Audience: acsUrl,
    SubjectRecipient: acsUrl,
    Issuer: issuer,
    IssueInstant: now.toISOString(),
    StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
    ConditionsNotBefore: now.toISOString(),
    ConditionsNotOnOrAfter: later,
    SubjectConfirmationDataNotOnOrAfter: later,
    NameIDFormat: nameIdFormat,
    NameID: nameId,
    InResponseTo: inResponseTo,
    AuthnStatement: `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${sessionIndex ?? `_s${unique}`}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
    AttributeStatement: attributeStatement(attributes),
  };
}

/**
 * samlify's template filled with `values`: escaped, except the statements and any `raw` keys,
 * which are XML fragments. A response with no InResponseTo (IdP-initiated) carries none at all.
 */
export function fillLoginTemplate(template, values, raw = []) {
  const fragments = new Set(['AuthnStatement', 'AttributeStatement', ...raw]);
  const xml = template.replace(/\{(\w+)\}/g, (whole, key) =>
    key in values ? (fragments.has(key) ? values[key] : escapeXml(values[key])) : whole,
  );
  return { id: values.ID, context: values.InResponseTo ? xml : xml.replace(/ InResponseTo=""/g, '') };
}
