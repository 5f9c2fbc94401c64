import { SamlStatusError } from '@node-saml/node-saml';
import type { IdentityProvider } from '../identity-provider.js';
import { describeSkew, describeTimeWindow } from './saml-response.inspector.js';

/** Words for the SSO trace in place of node-saml's terse error messages. */
export function explainSamlError(error: unknown, idp: IdentityProvider, xml: string, inResponseTo: string | null): string {
  const message = (error as Error)?.message ?? String(error);
  const skew = describeSkew(idp.settings.clockSkewSeconds);
  if (error instanceof SamlStatusError) return `${idp.name} reported an error: ${message}`;
  if (/^Invalid document signature/.test(message)) {
    return `the Response is not signed by a certificate of ${idp.name}, and this IdP requires a signed Response`;
  }
  // node-saml counts Assertion elements by local name, in any namespace: not a key problem.
  if (message.startsWith('Invalid signature: multiple assertions')) {
    return 'the Response contains more than one element named Assertion (signature wrapping)';
  }
  if (/^Invalid signature/.test(message)) {
    return /<(\w+:)?Signature[\s>]/.test(xml)
      ? `signature matches no certificate of ${idp.name}`
      : 'the response is unsigned: neither the Response nor the Assertion carries a signature';
  }
  // node-saml checks SubjectConfirmationData times only for SP-initiated responses, with this message.
  if (/No valid subject confirmation/.test(message)) {
    const { subjectNotBefore, subjectNotOnOrAfter } = describeTimeWindow(xml);
    if (subjectNotBefore && Date.parse(subjectNotBefore) > Date.now()) {
      return `SubjectConfirmationData is not valid before ${subjectNotBefore} (allowed skew ${skew})`;
    }
    return `SubjectConfirmationData expired at ${subjectNotOnOrAfter ?? '(unknown)'} (allowed skew ${skew})`;
  }
  if (/expired/.test(message)) {
    const { notOnOrAfter } = describeTimeWindow(xml);
    return `assertion expired at ${notOnOrAfter ?? '(unknown)'} (allowed skew ${skew})`;
  }
  if (/not yet valid/.test(message)) {
    const { notBefore } = describeTimeWindow(xml);
    return `assertion is not valid before ${notBefore ?? '(unknown)'} (allowed skew ${skew})`;
  }
  if (/InResponseTo/.test(message)) {
    return `InResponseTo ${inResponseTo ?? '(missing)'} matches no login started at ${idp.name}`;
  }
  if (/issuer/i.test(message)) return `Issuer does not match ${idp.entityId}`;
  return `the response was refused: ${message}`;
}
