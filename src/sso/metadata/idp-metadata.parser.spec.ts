import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINDING_POST, BINDING_REDIRECT, MetadataError, parseIdpMetadata } from './idp-metadata.parser.js';

const ENTRA = readFileSync(join(import.meta.dirname, '../../../../shared/fixtures/entra-common-federationmetadata.xml'));

function idpXml(overrides: { entityId?: string; sso?: string; keys?: string; wrapper?: (x: string) => string } = {}) {
  const entity = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${overrides.entityId ?? 'http://idp.example.com/'}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${overrides.keys ?? '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>MIIBCERT\n  AAA=</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>'}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    ${overrides.sso ?? `<md:SingleSignOnService Binding="${BINDING_POST}" Location="https://idp.example.com/post"/><md:SingleSignOnService Binding="${BINDING_REDIRECT}" Location="https://idp.example.com/redirect"/>`}
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
  return overrides.wrapper ? overrides.wrapper(entity) : entity;
}

describe('parseIdpMetadata', () => {
  it("imports Entra's real federation metadata: every IDPSSODescriptor signing certificate and the SSO URL", () => {
    const m = parseIdpMetadata(ENTRA);
    expect(m.entityId).toBe('https://sts.windows.net/{tenantid}/');
    expect(m.ssoUrl).toBe('https://login.microsoftonline.com/common/saml2');
    expect(m.ssoBinding).toBe(BINDING_REDIRECT);
    expect(m.signingCertificates.length).toBe(4);
    expect(new Set(m.signingCertificates).size).toBe(4);
    for (const c of m.signingCertificates) expect(c).toMatch(/^MII[A-Za-z0-9+/=]+$/);
  });

  it('prefers the HTTP-Redirect SSO binding and strips whitespace in certificates', () => {
    const m = parseIdpMetadata(idpXml());
    expect(m.ssoUrl).toBe('https://idp.example.com/redirect');
    expect(m.signingCertificates).toEqual(['MIIBCERTAAA=']);
    expect(m.nameIdFormats).toEqual(['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress']);
  });

  it('accepts an EntitiesDescriptor with a single IdP', () => {
    const wrapped = idpXml({
      wrapper: (e) =>
        `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${e.replace(/ xmlns:md="[^"]+"/, '')}</md:EntitiesDescriptor>`,
    });
    expect(parseIdpMetadata(wrapped).entityId).toBe('http://idp.example.com/');
  });

  it.each([
    ['an empty file', '', /empty/],
    ['non-XML', 'hello world', /not XML/],
    ['malformed XML', '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><unclosed>', /well-formed/],
    ['non-SAML XML', '<html><body>hi</body></html>', /not SAML 2.0 metadata/],
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]>${idpXml()}`, /DOCTYPE/],
    ['no signing certificate', idpXml({ keys: '' }), /no signing certificate/],
    ['no SSO service', idpXml({ sso: '' }), /SingleSignOnService/],
    ['no entityID', idpXml({ entityId: '' }), /entityID/],
  ])('refuses %s with a clear message', (_name, xml, message) => {
    expect(() => parseIdpMetadata(xml)).toThrow(MetadataError);
    expect(() => parseIdpMetadata(xml)).toThrow(message);
  });

  it('refuses an oversized file', () => {
    expect(() => parseIdpMetadata(Buffer.alloc(1024 * 1024 + 1, 32))).toThrow(/larger than/);
  });
});
