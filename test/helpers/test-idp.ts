import * as samlify from 'samlify';
import { generate } from 'selfsigned';
import { EMAIL_FORMAT, POST, REDIRECT, fillLoginTemplate, loginResponseValues } from './saml-response-xml.mjs';

/**
 * An independent SAML IdP for tests, built on samlify: it signs (and shapes) the responses
 * Atrium must accept or refuse. Atrium's own code never builds the responses it checks.
 */

// samlify validates XML against the SAML schema when parsing requests; the AuthnRequests
// here come from node-saml, and structure is what the tests check.
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

export { ENTRA_CLAIMS } from './saml-response-xml.mjs';

export interface KeyPair {
  privateKey: string;
  cert: string;
}

export async function makeKeyPair(cn = 'Test IdP'): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: cn }], { keySize: 2048, algorithm: 'sha256' });
  return { privateKey: pems.private, cert: pems.cert };
}

export interface ResponseOptions {
  /** The App ID URI of the Atrium IdP entry: SP entity ID and ACS at once. */
  acsUrl: string;
  nameId: string;
  nameIdFormat?: string;
  attributes?: Record<string, string | string[]>;
  inResponseTo?: string;
  /** Which parts samlify signs. Entra's default is 'assertion'. */
  sign?: 'assertion' | 'response' | 'both';
  /** Overrides of template values: Audience, Destination, SubjectRecipient, Issuer, times, IDs. */
  values?: Record<string, string>;
  /** Overrides inserted as raw XML, unescaped: e.g. a NameID with a comment in it. */
  rawValues?: Record<string, string>;
  /** Signs with another key (and puts that key's certificate in KeyInfo). */
  keys?: KeyPair;
  signatureAlgorithm?: string;
  sessionIndex?: string;
  /**
   * Optional: encrypt the assertion (after signing it) for the SP whose metadata XML is given,
   * with the encryption certificate published there, as a real IdP does.
   */
  encryptWith?: { spMetadataXml: string; dataEncryptionAlgorithm?: string; keyEncryptionAlgorithm?: string };
}

export class TestIdp {
  readonly entityId: string;
  readonly ssoUrl: string;
  readonly sloUrl: string;

  private constructor(
    readonly keys: KeyPair,
    entityId: string,
  ) {
    this.entityId = entityId;
    this.ssoUrl = `${entityId}/sso`;
    this.sloUrl = `${entityId}/slo`;
  }

  static async create(entityId = 'https://idp.example.test'): Promise<TestIdp> {
    return new TestIdp(await makeKeyPair(`IdP ${entityId}`), entityId);
  }

  /** base64 DER of the signing certificate, as metadata carries it. */
  get certificateBase64(): string {
    return this.keys.cert.replace(/-----[^-]+-----|\s+/g, '');
  }

  private idp(keys: KeyPair = this.keys, signatureAlgorithm?: string, extra: Record<string, unknown> = {}) {
    return samlify.IdentityProvider({
      entityID: this.entityId,
      privateKey: keys.privateKey,
      signingCert: keys.cert,
      singleSignOnService: [
        { Binding: REDIRECT, Location: this.ssoUrl },
        { Binding: POST, Location: this.ssoUrl },
      ],
      singleLogoutService: [{ Binding: REDIRECT, Location: this.sloUrl }],
      nameIDFormat: [EMAIL_FORMAT],
      ...(signatureAlgorithm ? { requestSignatureAlgorithm: signatureAlgorithm } : {}),
      ...extra,
    } as any);
  }

  private sp(acsUrl: string, sign: 'assertion' | 'response' | 'both', extra: Record<string, unknown> = {}) {
    return samlify.ServiceProvider({
      entityID: acsUrl,
      assertionConsumerService: [{ Binding: POST, Location: acsUrl }],
      singleLogoutService: [{ Binding: REDIRECT, Location: acsUrl.replace(/\/login$/, '/logout') }],
      wantAssertionsSigned: sign !== 'response',
      wantMessageSigned: sign !== 'assertion',
      ...extra,
    } as any);
  }

  /** The IdP's metadata XML, as an admin would download it. */
  metadataXml(): string {
    return this.idp().getMetadata();
  }

  /** Reads the AuthnRequest out of Atrium's redirect to the IdP. */
  async parseAuthnRequest(redirectUrl: string, acsUrl: string): Promise<{ id: string; relayState: string | null; xml: string }> {
    const url = new URL(redirectUrl);
    const query = Object.fromEntries(url.searchParams.entries());
    const octetString = url.search.slice(1);
    const parsed = await this.idp().parseLoginRequest(this.sp(acsUrl, 'assertion'), 'redirect', { query, octetString } as any);
    return { id: parsed.extract.request.id, relayState: url.searchParams.get('RelayState'), xml: parsed.samlContent };
  }

  /** A signed SAMLResponse (base64), shaped by `options`. */
  async loginResponse(options: ResponseOptions): Promise<string> {
    const sign = options.sign ?? 'assertion';
    const values: Record<string, string> = {
      ...loginResponseValues({
        acsUrl: options.acsUrl,
        issuer: this.entityId,
        nameId: options.nameId,
        nameIdFormat: options.nameIdFormat,
        attributes: options.attributes,
        inResponseTo: options.inResponseTo,
        sessionIndex: options.sessionIndex,
        validForMs: 5 * 60 * 1000,
      }),
      ...options.values,
      ...options.rawValues,
    };
    const encryption = options.encryptWith;
    const encryptCert = encryption
      ? samlify.SPMetadata(encryption.spMetadataXml).getX509Certificate('encryption')
      : undefined;
    if (encryption && !encryptCert) throw new Error('the SP metadata publishes no encryption certificate');
    const idp = this.idp(
      options.keys,
      options.signatureAlgorithm,
      encryption
        ? {
            isAssertionEncrypted: true,
            ...(encryption.dataEncryptionAlgorithm ? { dataEncryptionAlgorithm: encryption.dataEncryptionAlgorithm } : {}),
            ...(encryption.keyEncryptionAlgorithm ? { keyEncryptionAlgorithm: encryption.keyEncryptionAlgorithm } : {}),
          }
        : {},
    );
    const sp = this.sp(options.acsUrl, sign, encryptCert ? { encryptCert } : {});
    // samlify's own replacer escapes every value; the statements and raw values are XML fragments.
    const { context } = await idp.createLoginResponse(sp, {}, 'post', {}, (template: string) =>
      fillLoginTemplate(template, values, Object.keys(options.rawValues ?? {})),
    );
    return context;
  }

  /**
   * An IdP-initiated LogoutRequest URL (HTTP-Redirect) to Atrium's SLO endpoint. samlify signs
   * it (SigAlg and Signature query parameters) only with the optional `signed: true`.
   */
  async logoutRequestUrl(acsUrl: string, nameId: string, options: { signed?: boolean } = {}): Promise<string> {
    const sp = this.sp(acsUrl, 'assertion', options.signed ? { wantLogoutRequestSigned: true } : {});
    const { context } = this.idp().createLogoutRequest(sp, 'redirect', {
      logoutNameID: nameId,
    } as any) as { context: string };
    return context;
  }

  /** Optional helper: what Atrium's LogoutRequest (HTTP-Redirect) says, as the IdP reads it. */
  async parseLogoutRequest(
    acsUrl: string,
    requestUrl: string,
  ): Promise<{ id: string; nameId: string; sessionIndex: string | null; relayState: string | null; xml: string }> {
    const url = new URL(requestUrl);
    const query = Object.fromEntries(url.searchParams.entries());
    const parsed = await this.idp().parseLogoutRequest(this.sp(acsUrl, 'assertion'), 'redirect', {
      query,
      octetString: url.search.slice(1),
    } as any);
    const extract = parsed.extract as any;
    const sessionIndex = extract.sessionIndex;
    return {
      id: extract.request?.id,
      nameId: extract.nameID,
      sessionIndex: (typeof sessionIndex === 'string' ? sessionIndex : sessionIndex?.sessionIndex) ?? null,
      relayState: url.searchParams.get('RelayState'),
      xml: parsed.samlContent,
    };
  }

  /** A LogoutResponse URL answering Atrium's LogoutRequest. */
  async logoutResponseUrl(acsUrl: string, requestUrl: string): Promise<string> {
    const url = new URL(requestUrl);
    const query = Object.fromEntries(url.searchParams.entries());
    const parsed = await this.idp().parseLogoutRequest(this.sp(acsUrl, 'assertion'), 'redirect', {
      query,
      octetString: url.search.slice(1),
    } as any);
    const { context } = this.idp().createLogoutResponse(this.sp(acsUrl, 'assertion'), parsed, 'redirect', '') as { context: string };
    return context;
  }
}
