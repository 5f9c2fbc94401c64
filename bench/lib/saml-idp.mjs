// A SAML IdP for the bench, on samlify: Entra-shaped, IdP-initiated login responses (only the
// assertion signed), filled like the tests' IdP (test/helpers/saml-response-xml.mjs). Atrium's own
// code never builds the responses it then accepts.
import samlify from 'samlify';
import { generate } from 'selfsigned';
import {
  EMAIL_FORMAT,
  ENTRA_CLAIMS,
  POST,
  REDIRECT,
  fillLoginTemplate,
  loginResponseValues,
} from '../../test/helpers/saml-response-xml.mjs';

// samlify validates XML against the SAML schema only when it parses messages; the bench
// only builds them.
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

export { ENTRA_CLAIMS };

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
      const values = loginResponseValues({ acsUrl, issuer: entityId, nameId, attributes, validForMs });
      const { context } = await idp.createLoginResponse(spFor(acsUrl), {}, 'post', {}, (template) =>
        fillLoginTemplate(template, values),
      );
      return context;
    },
  };
}
