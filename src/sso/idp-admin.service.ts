import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { GroupsService } from '../users/groups.service.js';
import { UserInputError } from '../users/user-input.error.js';
import { appIdUri, spMetadataUrl, type IdentityProvider } from './identity-provider.js';
import { findPreset } from './idp-presets.js';
import { IdpRegistryService } from './idp-registry.service.js';
import type { IdpSettings } from './idp-settings.js';
import { mergeIdpSettings, toList } from './idp-settings.validator.js';
import { describeCertificate } from './metadata/certificate-info.js';
import { MetadataImportService, type MetadataSource } from './metadata/metadata-import.service.js';

type Input = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Identity provider administration shared by the admin pages, the wizard and the JSON API. */
@Injectable()
export class IdpAdminService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: IdpRegistryService,
    private readonly metadata: MetadataImportService,
    private readonly groups: GroupsService,
  ) {}

  /** Picks the metadata source from form/JSON fields: an uploaded file, pasted XML, a URL, or manual entry. */
  metadataSource(input: Input, file?: Buffer): MetadataSource | null {
    if (file?.length) return { kind: 'file', xml: file };
    if (str(input.metadataXml)) return { kind: 'xml', xml: str(input.metadataXml) };
    if (str(input.metadataUrl)) return { kind: 'url', url: str(input.metadataUrl) };
    if (str(input.entityId) || str(input.certificate)) {
      return {
        kind: 'manual',
        entityId: str(input.entityId),
        ssoUrl: str(input.ssoUrl),
        sloUrl: str(input.sloUrl),
        certificate: str(input.certificate),
      };
    }
    return null;
  }

  /** Checks that every group the settings name exists, so logins never fail on a typo. */
  async assertGroupsExist(settings: IdpSettings): Promise<void> {
    const names = [...settings.createUserGroups, ...settings.groupMappings.map((m) => m.group)];
    const missing: string[] = [];
    for (const name of new Set(names)) if (!(await this.groups.findGroup(name))) missing.push(name);
    if (missing.length) {
      throw new UserInputError({ createUserGroups: `No such group: ${missing.join(', ')}. Create it under Groups first.` });
    }
  }

  /** One-shot creation for the JSON API: preset, metadata, name and settings together. */
  async createIdp(input: Input): Promise<IdentityProvider> {
    const preset = findPreset(input.preset);
    if (!preset) throw new UserInputError({ preset: 'Choose one of: entra, adfs, okta, google, generic.' });
    const source = this.metadataSource(input);
    if (!source) throw new UserInputError({ metadata: 'Give metadataXml, metadataUrl, or entityId, ssoUrl and certificate.' });
    const md = await this.metadata.importMetadata(source);
    const settings = mergeIdpSettings(preset.settings, (input.settings as Input) ?? {});
    await this.assertGroupsExist(settings);
    const idp = await this.registry.createIdp({
      uniqueId: str(input.uniqueId) || undefined,
      name: str(input.name) || preset.defaultName,
      preset: preset.key,
      entityId: md.entityId,
      ssoUrl: source.kind === 'manual' ? md.ssoUrl : str(input.ssoUrl) || md.ssoUrl,
      sloUrl: md.sloUrl,
      certificates: md.signingCertificates,
      metadataUrl: md.metadataUrl,
      settings,
      enabled: input.enabled === undefined ? true : input.enabled === true || input.enabled === 'true',
    });
    if (input.knownDomains !== undefined) {
      await this.registry.setKnownDomains(idp.uniqueId, toList(input.knownDomains));
      return (await this.registry.findByUniqueId(idp.uniqueId))!;
    }
    return idp;
  }

  /** Changes name, endpoints, state and settings; fields not given keep their value. */
  async updateIdp(uniqueId: string, input: Input): Promise<IdentityProvider> {
    const idp = await this.registry.requireIdp(uniqueId);
    const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
    const settingsInput = (input.settings as Input | undefined) ?? input;
    const settings = mergeIdpSettings(idp.settings, settingsInput);
    await this.assertGroupsExist(settings);
    return this.registry.updateIdp(uniqueId, {
      name: has('name') ? input.name : idp.name,
      preset: idp.preset,
      enabled: has('enabled') ? input.enabled === true || input.enabled === 'true' || input.enabled === 'on' : idp.enabled,
      entityId: has('entityId') ? input.entityId : idp.entityId,
      ssoUrl: has('ssoUrl') ? input.ssoUrl : idp.ssoUrl,
      sloUrl: has('sloUrl') ? input.sloUrl : idp.sloUrl,
      certificates: idp.certificates,
      metadataUrl: idp.metadataUrl,
      settings,
    });
  }

  /** Re-imports metadata from a new source, or from the stored URL when `source` is null. */
  async reimportMetadata(uniqueId: string, source: MetadataSource | null): Promise<IdentityProvider> {
    const idp = await this.registry.requireIdp(uniqueId);
    const from = source ?? (idp.metadataUrl ? { kind: 'url' as const, url: idp.metadataUrl } : null);
    if (!from) throw new UserInputError({ metadata: 'Choose a metadata file, or give a metadata URL.' });
    const md = await this.metadata.importMetadata(from);
    const updated = await this.registry.updateIdp(uniqueId, {
      name: idp.name,
      preset: idp.preset,
      enabled: idp.enabled,
      entityId: md.entityId,
      ssoUrl: md.ssoUrl,
      sloUrl: md.sloUrl,
      certificates: md.signingCertificates,
      metadataUrl: from.kind === 'url' ? from.url : idp.metadataUrl,
      settings: idp.settings,
    });
    if (from.kind === 'url') await this.registry.markMetadataRefreshed(idp.id);
    return updated;
  }

  /** The JSON shape for the admin API: never the SP private key. */
  presentIdp(idp: IdentityProvider) {
    return {
      uniqueId: idp.uniqueId,
      name: idp.name,
      preset: idp.preset,
      enabled: idp.enabled,
      appIdUri: appIdUri(this.config.baseUrl, idp.uniqueId),
      spMetadataUrl: spMetadataUrl(this.config.baseUrl, idp.uniqueId),
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      sloUrl: idp.sloUrl,
      metadataUrl: idp.metadataUrl,
      metadataRefreshedAt: idp.metadataRefreshedAt,
      certificates: idp.certificates.map((c) => describeCertificate(c)),
      knownDomains: idp.knownDomains,
      settings: idp.settings,
      createdAt: idp.createdAt,
      updatedAt: idp.updatedAt,
    };
  }
}
