import { childElements as children, descendantElements as descendants, parseXmlDocument, type XmlDocument, type XmlElement } from '../xml-dom.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** Real federation metadata is tens of KB; Entra's is about 25 KB. */
export const MAX_METADATA_BYTES = 1024 * 1024;
export const METADATA_TOO_LARGE = `The metadata is larger than ${MAX_METADATA_BYTES / 1024} KB; is this the right file?`;

export interface IdpMetadata {
  entityId: string;
  /** The SSO URL for AuthnRequests: HTTP-Redirect binding first, else HTTP-POST. */
  ssoUrl: string;
  ssoBinding: string;
  sloUrl: string | null;
  /** Base64 DER of every signing certificate in the IDPSSODescriptor, for rollover. */
  signingCertificates: string[];
  nameIdFormats: string[];
}

/** Metadata we refuse, with a message for the admin who uploaded it. */
export class MetadataError extends Error {}

function parseXml(xml: string): XmlDocument {
  const { doc, problem } = parseXmlDocument(xml);
  if (problem || !doc) throw new MetadataError(`The file is not well-formed XML: ${problem ?? 'no root element'}.`);
  return doc;
}

function pickEntity(root: XmlElement): XmlElement {
  if (root.namespaceURI === MD && root.localName === 'EntityDescriptor') return root;
  if (root.namespaceURI === MD && root.localName === 'EntitiesDescriptor') {
    const idps = descendants(root, MD, 'EntityDescriptor').filter((e) => children(e, MD, 'IDPSSODescriptor').length);
    if (idps.length === 1) return idps[0];
    if (idps.length === 0) throw new MetadataError('The metadata lists no identity provider (no IDPSSODescriptor).');
    throw new MetadataError(
      `The metadata lists ${idps.length} identity providers; import the metadata of just the one you want.`,
    );
  }
  throw new MetadataError('This is XML, but not SAML 2.0 metadata (expected an EntityDescriptor).');
}

function certificates(idp: XmlElement): string[] {
  const found = new Set<string>();
  for (const key of children(idp, MD, 'KeyDescriptor')) {
    const use = key.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const cert of descendants(key, DS, 'X509Certificate')) {
      const b64 = (cert.textContent ?? '').replace(/\s+/g, '');
      if (b64) found.add(b64);
    }
  }
  return [...found];
}

function endpoint(idp: XmlElement, name: string, binding: string): string | null {
  const match = children(idp, MD, name).find((e) => e.getAttribute('Binding') === binding);
  return match?.getAttribute('Location')?.trim() || null;
}

/**
 * Reads SAML 2.0 IdP metadata: an EntityDescriptor, or an EntitiesDescriptor holding one
 * IdP. WS-Federation RoleDescriptors (as in Entra's metadata) are ignored. DOCTYPEs and
 * entities are refused outright (XXE, billion laughs).
 */
export function parseIdpMetadata(input: string | Buffer): IdpMetadata {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size === 0) throw new MetadataError('The metadata is empty.');
  if (size > MAX_METADATA_BYTES) throw new MetadataError(METADATA_TOO_LARGE);
  const xml = (typeof input === 'string' ? input : input.toString('utf8')).replace(/^\uFEFF/, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new MetadataError('The metadata contains a DOCTYPE or entity declarations, which are not allowed.');
  }
  if (!xml.trimStart().startsWith('<')) throw new MetadataError('The file is not XML.');
  const entity = pickEntity(parseXml(xml).documentElement!);

  const entityId = entity.getAttribute('entityID')?.trim();
  if (!entityId) throw new MetadataError('The EntityDescriptor has no entityID.');
  const idp = children(entity, MD, 'IDPSSODescriptor').find((d) =>
    (d.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL),
  );
  if (!idp) throw new MetadataError('The metadata has no SAML 2.0 IDPSSODescriptor.');

  const redirect = endpoint(idp, 'SingleSignOnService', BINDING_REDIRECT);
  const post = endpoint(idp, 'SingleSignOnService', BINDING_POST);
  const ssoUrl = redirect ?? post;
  if (!ssoUrl) throw new MetadataError('The IdP lists no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding.');
  const signingCertificates = certificates(idp);
  if (!signingCertificates.length) throw new MetadataError('The IdP lists no signing certificate.');

  return {
    entityId,
    ssoUrl,
    ssoBinding: redirect ? BINDING_REDIRECT : BINDING_POST,
    sloUrl: endpoint(idp, 'SingleLogoutService', BINDING_REDIRECT),
    signingCertificates,
    nameIdFormats: children(idp, MD, 'NameIDFormat').map((e) => (e.textContent ?? '').trim()).filter(Boolean),
  };
}
