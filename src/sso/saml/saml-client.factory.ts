import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { appIdUri, spLogoutUrl, type IdentityProvider } from '../identity-provider.js';
import { toPem } from '../metadata/certificate-info.js';
import { SamlRequestCache } from './saml-request-cache.js';

export const REQUEST_TTL_MS = 10 * 60 * 1000;

/** SAML IDs are xs:ID (NCName): they must not start with a digit. */
export function newSamlId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

/**
 * node-saml configured for one IdP. The audience check is off here because Atrium checks
 * the audience itself against the App ID URI plus the admin's extra audiences.
 */
export function createSamlClient(idp: IdentityProvider, baseUrl: string, dataSource: DataSource): SAML {
  const s = idp.settings;
  const acs = appIdUri(baseUrl, idp.uniqueId);
  return new SAML({
    callbackUrl: acs,
    issuer: acs,
    entryPoint: idp.ssoUrl,
    idpCert: idp.certificates.map(toPem),
    idpIssuer: idp.entityId,
    audience: false,
    wantAssertionsSigned: s.signing === 'assertion' || s.signing === 'both',
    wantAuthnResponseSigned: s.signing === 'response' || s.signing === 'both',
    acceptedClockSkewMs: s.clockSkewSeconds * 1000,
    identifierFormat: s.nameIdFormat,
    disableRequestedAuthnContext: !s.requestedAuthnContext,
    authnContext: s.requestedAuthnContext ? [s.requestedAuthnContext] : [],
    validateInResponseTo: ValidateInResponseTo.ifPresent,
    requestIdExpirationPeriodMs: REQUEST_TTL_MS,
    cacheProvider: new SamlRequestCache(dataSource, idp.id, REQUEST_TTL_MS),
    generateUniqueId: newSamlId,
    ...(s.signRequests && idp.spPrivateKey ? { privateKey: idp.spPrivateKey, signatureAlgorithm: 'sha256' } : {}),
    ...(s.encryptAssertions && idp.spPrivateKey ? { decryptionPvk: idp.spPrivateKey } : {}),
    logoutUrl: idp.sloUrl ?? idp.ssoUrl,
    logoutCallbackUrl: spLogoutUrl(baseUrl, idp.uniqueId),
  });
}
