import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generateServiceProviderMetadata, type SAML, type SamlConfig } from '@node-saml/node-saml';
import { DataSource } from 'typeorm';
import { safeRedirectPath } from '../../common/safe-redirect.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { UserSummary } from '../../users/user-summary.js';
import { AccountLinkingService } from '../account-linking.service.js';
import { GroupSyncService } from '../group-sync.service.js';
import { appIdUri, type IdentityProvider } from '../identity-provider.js';
import { ENTRA_GROUPS_OVERAGE, normaliseAttributes, type SsoIdentity } from '../sso-identity.js';
import { SsoTraceService } from '../sso-trace.service.js';
import { descendantElements, parseXmlDocument, serializeXml } from '../xml-dom.js';
import { AssertionReplayService } from './assertion-replay.service.js';
import { createSamlClient, samlOptions } from './saml-client.factory.js';
import { explainSamlError } from './saml-error.explainer.js';
import { SamlRefusal } from './saml-refusal.js';
import { SamlValidationPool, SamlValidationUnavailable } from './saml-validation.pool.js';
import { inspectResponse, inspectVerifiedAssertion } from './saml-response.inspector.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const NAMEID_UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

export interface CompletedLogin {
  user: UserSummary;
  identity: SsoIdentity;
  redirectTo: string;
}

/** SP-initiated requests and the ACS, with every check DESIGN.md asks of the app. */
@Injectable()
export class SamlLoginService {
  private readonly logger = new Logger(SamlLoginService.name);
  private readonly clients = new Map<string, { stamp: string; client: SAML; options: SamlConfig }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly linking: AccountLinkingService,
    private readonly groupSync: GroupSyncService,
    private readonly replay: AssertionReplayService,
    private readonly trace: SsoTraceService,
    private readonly validation: SamlValidationPool,
  ) {}

  /** node-saml instances (and their options) are reused until the IdP's row changes. */
  client(idp: IdentityProvider): SAML {
    return this.clientEntry(idp).client;
  }

  private clientEntry(idp: IdentityProvider) {
    const stamp = `${idp.id}:${new Date(idp.updatedAt).getTime()}`;
    const cached = this.clients.get(idp.uniqueId);
    if (cached?.stamp === stamp) return cached;
    const entry = {
      stamp,
      client: createSamlClient(idp, this.config.baseUrl, this.dataSource),
      options: samlOptions(idp, this.config.baseUrl),
    };
    this.clients.set(idp.uniqueId, entry);
    return entry;
  }

  /** SP metadata: entity ID, ACS (POST), NameID format, SLO (Redirect), and our certificates when used. */
  spMetadata(idp: IdentityProvider): string {
    const s = idp.settings;
    const xml = generateServiceProviderMetadata({
      ...this.client(idp).options,
      // AuthnRequests may ask for no format; the metadata still says which one we take.
      identifierFormat: s.nameIdFormat ?? NAMEID_UNSPECIFIED,
      decryptionCert: s.encryptAssertions ? idp.spCertificate : null,
      publicCerts: s.signRequests ? idp.spCertificate : null,
    });
    // node-saml always advertises HTTP-POST for SLO; Atrium's logout endpoint speaks HTTP-Redirect.
    const { doc } = parseXmlDocument(xml);
    if (!doc) return xml;
    for (const slo of descendantElements(doc, MD, 'SingleLogoutService')) slo.setAttribute('Binding', BINDING_REDIRECT);
    return serializeXml(doc);
  }

  /** The IdP URL carrying an AuthnRequest (HTTP-Redirect); RelayState is the page wanted. */
  async startLogin(idp: IdentityProvider, next: unknown): Promise<string> {
    return this.client(idp).getAuthorizeUrlAsync(safeRedirectPath(next, ''), undefined, {});
  }

  /**
   * Verifies a posted SAMLResponse and finds or creates the user. Every outcome lands in
   * the SSO trace. Throws SamlRefusal with the reason in words.
   */
  async completeLogin(idp: IdentityProvider, body: Record<string, unknown>): Promise<CompletedLogin> {
    const acsUrl = appIdUri(this.config.baseUrl, idp.uniqueId);
    let flow: 'sp-initiated' | 'idp-initiated' = 'idp-initiated';
    let identity: SsoIdentity | null = null;
    try {
      if (!idp.enabled) throw new SamlRefusal(`${idp.name} is disabled`);
      const redirectTo = this.relayTarget(body.RelayState);
      const inspected = inspectResponse(body.SAMLResponse, {
        acsUrl,
        entityId: idp.entityId,
        idpName: idp.name,
        allowSha1: idp.settings.allowSha1,
      });
      if (inspected.inResponseTo) flow = 'sp-initiated';
      // node-saml's checks run on a worker thread, off the event loop.
      const { stamp, options } = this.clientEntry(idp);
      const { profile } = await this.validation
        .validate(idp.id, stamp, options, body.SAMLResponse as string)
        .catch(async (error: unknown) => {
          // No worker could answer: an internal error, not something the IdP sent.
          if (error instanceof SamlValidationUnavailable) throw error;
          // A replayed SP-initiated response first trips over its request ID, consumed by the
          // login that used it: name the replay rather than an unknown request.
          const replayed =
            /InResponseTo/.test((error as Error)?.message ?? '') &&
            !!inspected.assertionId &&
            (await this.replay.wasUsed(idp.id, inspected.assertionId));
          throw new SamlRefusal(
            replayed
              ? `assertion ${inspected.assertionId} was already used (replay)`
              : explainSamlError(error, idp, inspected.xml, inspected.inResponseTo),
          );
        });
      if (!profile?.assertionXml) throw new SamlRefusal('the response carries no usable assertion');
      identity = {
        nameId: profile.nameID ?? '',
        nameIdFormat: profile.nameIDFormat ?? null,
        sessionIndex: profile.sessionIndex ?? null,
        attributes: normaliseAttributes(profile.attributes),
      };
      const verified = inspectVerifiedAssertion(profile.assertionXml, {
        acsUrl,
        entityId: idp.entityId,
        audiences: [acsUrl, ...idp.settings.extraAudiences],
        allowSha1: idp.settings.allowSha1,
        clockSkewSeconds: idp.settings.clockSkewSeconds,
      });
      await this.replay.consume(idp.id, verified.id, verified.notOnOrAfter, idp.settings.clockSkewSeconds);
      const overage = !!identity.attributes[ENTRA_GROUPS_OVERAGE];
      if (overage) await this.noteGroupOverage(idp, identity, flow);

      const { user, created } = await this.linking.resolveUser(idp, identity);
      // With an overage claim the groups are unknown, not empty: sync must not remove any.
      if (!overage) await this.groupSync.syncGroups(idp, user.id, identity);
      await this.trace.record(idp.id, {
        flow,
        outcome: 'success',
        reason: created ? `created account ${user.username}` : `logged in as ${user.username}`,
        nameId: identity.nameId,
        username: user.username,
        attributes: identity.attributes,
      });
      return { user, identity, redirectTo };
    } catch (error) {
      const reason = error instanceof SamlRefusal ? error.reason : 'internal error while processing the response';
      if (!(error instanceof SamlRefusal)) this.logger.error(error);
      await this.trace.record(idp.id, {
        flow,
        outcome: 'failure',
        reason,
        nameId: identity?.nameId,
        attributes: identity?.attributes,
      });
      throw error instanceof SamlRefusal ? error : new SamlRefusal(reason);
    }
  }

  /**
   * RelayState is a same-site relative path, or an absolute URL on our own base URL.
   * Anything else is refused: it would send the person to another site.
   */
  private relayTarget(relayState: unknown): string {
    if (relayState === undefined || relayState === null || relayState === '') return '/';
    if (typeof relayState !== 'string') throw new SamlRefusal('RelayState is not text');
    let candidate = relayState;
    if (relayState.startsWith(`${this.config.baseUrl}/`)) candidate = relayState.slice(this.config.baseUrl.length);
    const safe = safeRedirectPath(candidate, '');
    if (!safe) throw new SamlRefusal(`RelayState points to another site: ${relayState.slice(0, 200)}`);
    return safe;
  }

  private async noteGroupOverage(idp: IdentityProvider, identity: SsoIdentity, flow: 'sp-initiated' | 'idp-initiated') {
    const message =
      `${idp.name} sent a group-overage claim for ${identity.nameId} instead of the groups: the user is in too many ` +
      'groups for a SAML token. Group sync skipped the groups claim; in Entra, emit only groups assigned to the application.';
    this.logger.warn(message);
    await this.trace.record(idp.id, { flow, outcome: 'info', reason: message, nameId: identity.nameId });
  }
}
