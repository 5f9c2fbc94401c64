import {
  COMMENT_NODE,
  childElements,
  descendantElements as all,
  parseXmlDocument,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
} from '../xml-dom.js';
import { SamlRefusal } from './saml-refusal.js';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** A base64 SAMLResponse larger than this is refused before it is decoded. */
export const MAX_SAML_RESPONSE_BYTES = 256 * 1024;

// SHA-1 signature and digest algorithms (XML-DSig 1.0).
const SHA1_ALGORITHMS = new Set([
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#dsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  'http://www.w3.org/2000/09/xmldsig#sha1',
]);

export interface InspectedResponse {
  xml: string;
  responseId: string | null;
  inResponseTo: string | null;
  /** The (not yet verified) assertion ID; null for an encrypted assertion. */
  assertionId: string | null;
}

export interface VerifiedAssertion {
  id: string;
  issuer: string;
  /** When the assertion stops being usable: the replay cache keeps its ID until then. */
  notOnOrAfter: Date | null;
}

/** The allowed clock skew in words: "3 min" or "90 s". */
export function describeSkew(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

function parse(xml: string, what: string): XmlDocument {
  const { doc, problem } = parseXmlDocument(xml, { strict: true });
  if (problem || !doc) throw new SamlRefusal(`${what} is not well-formed XML (${problem ?? 'empty'})`);
  return doc;
}

function child(parent: XmlElement, ns: string, name: string): XmlElement | undefined {
  return childElements(parent, ns, name)[0];
}

function hasComment(node: XmlNode): boolean {
  for (let n = node.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === COMMENT_NODE || hasComment(n)) return true;
  }
  return false;
}

function text(el: XmlElement | undefined): string | null {
  return el ? (el.textContent ?? '').trim() : null;
}

/**
 * Refuses SHA-1 in XML signatures: the SignatureMethod and DigestMethods of every SignedInfo.
 * DigestMethods elsewhere, such as the OAEP digest of an EncryptedKey, are not signatures.
 */
function assertNoSha1(root: XmlDocument | XmlElement): void {
  for (const signedInfo of all(root, DS, 'SignedInfo')) {
    for (const el of [...all(signedInfo, DS, 'SignatureMethod'), ...all(signedInfo, DS, 'DigestMethod')]) {
      const algorithm = el.getAttribute('Algorithm') ?? '';
      if (SHA1_ALGORITHMS.has(algorithm)) {
        throw new SamlRefusal(`the signature uses SHA-1 (${algorithm}); this IdP requires SHA-256 or stronger`);
      }
    }
  }
}

/**
 * Checks node-saml 5.1 leaves to the application, on the raw response before any
 * signature work: size, encoding, DOCTYPE, structure (one Response, one Assertion as its
 * direct child: defeats XSW wrapping), comments (NameID comment injection), status,
 * Destination, Issuer and the signature algorithms.
 */
export function inspectResponse(
  samlResponse: unknown,
  expected: { acsUrl: string; entityId: string; idpName: string; allowSha1: boolean },
): InspectedResponse {
  if (Array.isArray(samlResponse)) throw new SamlRefusal('the request has more than one SAMLResponse');
  if (typeof samlResponse !== 'string' || !samlResponse) throw new SamlRefusal('the request has no SAMLResponse');
  if (samlResponse.length > MAX_SAML_RESPONSE_BYTES) {
    throw new SamlRefusal(`the SAMLResponse is larger than ${MAX_SAML_RESPONSE_BYTES / 1024} KB`);
  }
  const compact = samlResponse.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new SamlRefusal('the SAMLResponse is not valid base64');
  }
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlRefusal('the SAMLResponse contains a DOCTYPE or entities');
  const doc = parse(xml, 'the SAMLResponse');
  const response = doc.documentElement!;
  if (response.namespaceURI !== PROTOCOL || response.localName !== 'Response') {
    throw new SamlRefusal('the message is not a SAML 2.0 Response');
  }
  if (all(doc, PROTOCOL, 'Response').length !== 1) throw new SamlRefusal('the message contains more than one Response');

  const status = child(response, PROTOCOL, 'Status');
  const code = status && child(status, PROTOCOL, 'StatusCode')?.getAttribute('Value');
  if (code && code !== SUCCESS) {
    const message = status && text(child(status, PROTOCOL, 'StatusMessage'));
    throw new SamlRefusal(`${expected.idpName} reported ${code.split(':').pop()}${message ? `: ${message}` : ''}`);
  }

  const assertions = all(doc, ASSERTION, 'Assertion');
  const encrypted = all(doc, ASSERTION, 'EncryptedAssertion');
  const total = assertions.length + encrypted.length;
  if (total === 0) throw new SamlRefusal('the Response contains no assertion');
  if (total > 1) throw new SamlRefusal(`the Response contains ${total} assertions; exactly one is allowed`);
  const assertion = assertions[0] ?? encrypted[0];
  if (assertion.parentNode !== response) {
    throw new SamlRefusal('the assertion is not a direct child of the Response (signature wrapping)');
  }
  if (assertions[0] && hasComment(assertions[0])) {
    throw new SamlRefusal('the assertion contains XML comments (NameID comment injection)');
  }

  const destination = response.getAttribute('Destination');
  if (destination !== expected.acsUrl) {
    throw new SamlRefusal(`Destination is ${destination || '(missing)'}, expected ${expected.acsUrl}`);
  }
  const issuer = text(child(response, ASSERTION, 'Issuer'));
  if (issuer !== null && issuer !== expected.entityId) {
    throw new SamlRefusal(`Issuer is ${issuer}, expected ${expected.entityId}`);
  }
  if (!expected.allowSha1) assertNoSha1(doc);
  return {
    xml,
    responseId: response.getAttribute('ID') || null,
    inResponseTo: response.getAttribute('InResponseTo') || null,
    assertionId: assertions[0]?.getAttribute('ID') || null,
  };
}

/**
 * Checks on the assertion node-saml verified (signed, or decrypted then verified):
 * Issuer, SubjectConfirmationData Recipient and time window, Audience, and (for a
 * decrypted assertion, whose signature inspectResponse could not see) the signature algorithms.
 */
export function inspectVerifiedAssertion(
  assertionXml: string,
  expected: { acsUrl: string; entityId: string; audiences: string[]; allowSha1: boolean; clockSkewSeconds: number },
  now = Date.now(),
): VerifiedAssertion {
  const doc = parse(assertionXml, 'the assertion');
  const assertion = doc.documentElement!;
  if (!expected.allowSha1) assertNoSha1(doc);
  const id = assertion.getAttribute('ID');
  if (!id) throw new SamlRefusal('the assertion has no ID');
  const issuer = text(child(assertion, ASSERTION, 'Issuer'));
  if (issuer !== expected.entityId) throw new SamlRefusal(`Issuer is ${issuer || '(missing)'}, expected ${expected.entityId}`);

  // SAML core §2.4.1.2 / profiles §4.1.4.2: a bearer confirmation's Recipient must be our ACS.
  const confirmations = all(assertion, ASSERTION, 'SubjectConfirmationData');
  if (!confirmations.length) throw new SamlRefusal('the assertion has no SubjectConfirmationData');
  // Its time window too: node-saml checks it only when the response has an InResponseTo.
  const skewMs = expected.clockSkewSeconds * 1000;
  const skew = describeSkew(expected.clockSkewSeconds);
  for (const data of confirmations) {
    const recipient = data.getAttribute('Recipient');
    if (recipient !== expected.acsUrl) {
      throw new SamlRefusal(`Recipient is ${recipient || '(missing)'}, expected ${expected.acsUrl}`);
    }
    const notBefore = data.getAttribute('NotBefore');
    if (notBefore && !(now + skewMs >= Date.parse(notBefore))) {
      throw new SamlRefusal(`SubjectConfirmationData is not valid before ${notBefore} (allowed skew ${skew})`);
    }
    const notOnOrAfter = data.getAttribute('NotOnOrAfter');
    if (notOnOrAfter && !(now - skewMs < Date.parse(notOnOrAfter))) {
      throw new SamlRefusal(`SubjectConfirmationData expired at ${notOnOrAfter} (allowed skew ${skew})`);
    }
  }

  // Every AudienceRestriction must name us: the Audiences within one are alternatives,
  // several restrictions all apply (SAML core §2.5.1.4).
  const conditions = child(assertion, ASSERTION, 'Conditions');
  const restrictions = conditions ? childElements(conditions, ASSERTION, 'AudienceRestriction') : [];
  if (!restrictions.length) throw new SamlRefusal('the assertion has no Audience');
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, ASSERTION, 'Audience').map((a) => text(a) ?? '');
    if (!audiences.some((a) => expected.audiences.includes(a))) {
      throw new SamlRefusal(`Audience is ${audiences.join(', ') || '(missing)'}, expected ${expected.audiences.join(' or ')}`);
    }
  }

  const ends = [conditions?.getAttribute('NotOnOrAfter'), ...confirmations.map((c) => c.getAttribute('NotOnOrAfter'))]
    .filter((v): v is string => !!v)
    .map((v) => new Date(v))
    .filter((d) => !Number.isNaN(d.getTime()));
  const notOnOrAfter = ends.length ? new Date(Math.max(...ends.map((d) => d.getTime()))) : null;
  return { id, issuer, notOnOrAfter };
}

/** Reads the time window of an (unverified) response, only to word a refusal precisely. */
export function describeTimeWindow(xml: string): {
  notBefore?: string;
  notOnOrAfter?: string;
  subjectNotBefore?: string;
  subjectNotOnOrAfter?: string;
} {
  try {
    const doc = parse(xml, 'the SAMLResponse');
    const conditions = all(doc, ASSERTION, 'Conditions')[0];
    const subject = all(doc, ASSERTION, 'SubjectConfirmationData')[0];
    return {
      notBefore: conditions?.getAttribute('NotBefore') || undefined,
      notOnOrAfter: conditions?.getAttribute('NotOnOrAfter') || undefined,
      subjectNotBefore: subject?.getAttribute('NotBefore') || undefined,
      subjectNotOnOrAfter: subject?.getAttribute('NotOnOrAfter') || undefined,
    };
  } catch {
    return {};
  }
}
