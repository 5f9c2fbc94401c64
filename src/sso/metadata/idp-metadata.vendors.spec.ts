import { BINDING_POST, BINDING_REDIRECT, parseIdpMetadata } from './idp-metadata.parser.js';

// Shapes of real vendors' metadata, trimmed: the structure is what matters to the parser.
const CERT_A = 'MIIC8DCCAdigAwIBAgIQAAAA';
const CERT_B = 'MIIC8DCCAdigAwIBAgIQBBBB';

const ADFS = `<?xml version="1.0" encoding="utf-8"?>
<EntityDescriptor ID="_adfs" entityID="http://adfs.contoso.com/adfs/services/trust" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
  <RoleDescriptor xsi:type="fed:ApplicationServiceType" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>WSFEDONLY</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
  </RoleDescriptor>
  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>SPCERT</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
  </SPSSODescriptor>
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="encryption"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>ENCRYPTIONCERT</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${CERT_A}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <SingleLogoutService Binding="${BINDING_REDIRECT}" Location="https://adfs.contoso.com/adfs/ls/"/>
    <SingleLogoutService Binding="${BINDING_POST}" Location="https://adfs.contoso.com/adfs/ls/"/>
    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>
    <SingleSignOnService Binding="${BINDING_REDIRECT}" Location="https://adfs.contoso.com/adfs/ls/"/>
    <SingleSignOnService Binding="${BINDING_POST}" Location="https://adfs.contoso.com/adfs/ls/"/>
  </IDPSSODescriptor>
</EntityDescriptor>`;

const OKTA = `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor entityID="http://www.okta.com/exk1abcd" xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${CERT_A}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="${BINDING_POST}" Location="https://contoso.okta.com/app/contoso_atrium_1/exk1abcd/sso/saml"/><md:SingleSignOnService Binding="${BINDING_REDIRECT}" Location="https://contoso.okta.com/app/contoso_atrium_1/exk1abcd/sso/saml"/></md:IDPSSODescriptor></md:EntityDescriptor>`;

const KEYCLOAK = `<md:EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://sso.contoso.com/realms/staff">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:KeyName>k1</ds:KeyName><ds:X509Data><ds:X509Certificate>
      ${CERT_A}
    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:KeyName>k2</ds:KeyName><ds:X509Data><ds:X509Certificate>${CERT_B}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://sso.contoso.com/realms/staff/protocol/saml/resolve" index="0"/>
    <md:SingleLogoutService Binding="${BINDING_POST}" Location="https://sso.contoso.com/realms/staff/protocol/saml"/>
    <md:SingleLogoutService Binding="${BINDING_REDIRECT}" Location="https://sso.contoso.com/realms/staff/protocol/saml"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="${BINDING_POST}" Location="https://sso.contoso.com/realms/staff/protocol/saml"/>
    <md:SingleSignOnService Binding="${BINDING_REDIRECT}" Location="https://sso.contoso.com/realms/staff/protocol/saml"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

// Shibboleth: Extensions with scopes, SAML 1 and 2 in one descriptor, a KeyDescriptor without `use`.
const SHIBBOLETH = `<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" Name="https://federation.example.org">
<EntityDescriptor xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" entityID="https://idp.university.example/idp/shibboleth">
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol urn:oasis:names:tc:SAML:1.1:protocol urn:mace:shibboleth:1.0">
    <Extensions><shibmd:Scope regexp="false">university.example</shibmd:Scope></Extensions>
    <KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${CERT_A}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>
    <SingleSignOnService Binding="urn:mace:shibboleth:1.0:profiles:AuthnRequest" Location="https://idp.university.example/idp/profile/Shibboleth/SSO"/>
    <SingleSignOnService Binding="${BINDING_POST}" Location="https://idp.university.example/idp/profile/SAML2/POST/SSO"/>
    <SingleSignOnService Binding="${BINDING_REDIRECT}" Location="https://idp.university.example/idp/profile/SAML2/Redirect/SSO"/>
  </IDPSSODescriptor>
</EntityDescriptor>
<EntityDescriptor entityID="https://sp.university.example/shibboleth">
  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>
</EntityDescriptor>
</EntitiesDescriptor>`;

describe('parseIdpMetadata: vendor shapes', () => {
  it('AD FS: ignores WS-Fed roles, the SP descriptor and encryption keys', () => {
    const m = parseIdpMetadata(ADFS);
    expect(m.entityId).toBe('http://adfs.contoso.com/adfs/services/trust');
    expect(m.signingCertificates).toEqual([CERT_A]);
    expect(m.ssoUrl).toBe('https://adfs.contoso.com/adfs/ls/');
    expect(m.sloUrl).toBe('https://adfs.contoso.com/adfs/ls/');
  });

  it('Okta: md: prefix, Redirect binding preferred over the POST one listed first', () => {
    const m = parseIdpMetadata(OKTA);
    expect(m.entityId).toBe('http://www.okta.com/exk1abcd');
    expect(m.ssoBinding).toBe(BINDING_REDIRECT);
    expect(m.nameIdFormats).toHaveLength(2);
    expect(m.sloUrl).toBeNull();
  });

  it('Keycloak: keeps both signing keys for rollover and strips whitespace', () => {
    const m = parseIdpMetadata(KEYCLOAK);
    expect(m.signingCertificates).toEqual([CERT_A, CERT_B]);
    expect(m.ssoUrl).toBe('https://sso.contoso.com/realms/staff/protocol/saml');
  });

  it('Shibboleth: an EntitiesDescriptor with one IdP among SPs, a key without `use`', () => {
    const m = parseIdpMetadata(SHIBBOLETH);
    expect(m.entityId).toBe('https://idp.university.example/idp/shibboleth');
    expect(m.signingCertificates).toEqual([CERT_A]);
    expect(m.ssoUrl).toBe('https://idp.university.example/idp/profile/SAML2/Redirect/SSO');
  });
});
