import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { UserInputError } from '../users/user-input.error.js';
import { appIdUri, type IdentityProvider } from './identity-provider.js';
import { IdpAdminService } from './idp-admin.service.js';
import { findPreset, type PresetKey } from './idp-presets.js';
import { IdpRegistryService } from './idp-registry.service.js';
import type { IdpSettings } from './idp-settings.js';
import { mergeIdpSettings } from './idp-settings.validator.js';
import { describeCertificate, type CertificateInfo } from './metadata/certificate-info.js';
import { MetadataImportService } from './metadata/metadata-import.service.js';

/** The seed's steps, in order. */
export const WIZARD_STEPS = ['basic', 'app-properties', 'metadata', 'name', 'certificates', 'accounts', 'finish'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** Work in progress of "Add identity provider", kept in the admin's session until Finish. */
export interface IdpDraft {
  uniqueId: string;
  preset: PresetKey;
  name: string;
  entityId: string | null;
  ssoUrl: string | null;
  sloUrl: string | null;
  certificates: string[];
  metadataUrl: string | null;
  settings: IdpSettings;
  /** The furthest step reached; later steps redirect back to it. */
  reached: WizardStep;
}

type Input = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

@Injectable()
export class IdpWizardService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: IdpRegistryService,
    private readonly admin: IdpAdminService,
    private readonly metadata: MetadataImportService,
  ) {}

  startDraft(presetKey: unknown): IdpDraft {
    const preset = findPreset(presetKey);
    if (!preset) throw new UserInputError({ preset: 'Choose an identity provider from the list.' });
    return {
      uniqueId: this.registry.newUniqueId(preset.key),
      preset: preset.key,
      name: preset.defaultName,
      entityId: null,
      ssoUrl: null,
      sloUrl: null,
      certificates: [],
      metadataUrl: null,
      settings: { ...preset.settings },
      reached: 'basic',
    };
  }

  /** May the admin open `step` yet? Steps open in order. */
  canOpen(draft: IdpDraft, step: WizardStep): boolean {
    return WIZARD_STEPS.indexOf(step) <= WIZARD_STEPS.indexOf(draft.reached);
  }

  advance(draft: IdpDraft, from: WizardStep): WizardStep {
    const next = WIZARD_STEPS[Math.min(WIZARD_STEPS.indexOf(from) + 1, WIZARD_STEPS.length - 1)];
    if (WIZARD_STEPS.indexOf(next) > WIZARD_STEPS.indexOf(draft.reached)) draft.reached = next;
    return next;
  }

  appIdUri(draft: IdpDraft): string {
    return appIdUri(this.config.baseUrl, draft.uniqueId);
  }

  /** "Metadata import": a file, a URL, pasted XML, or manual entry. */
  async applyMetadata(draft: IdpDraft, input: Input, file?: Buffer): Promise<void> {
    const choice = str(input.source) || (file?.length ? 'file' : '');
    const source =
      choice === 'file'
        ? file?.length
          ? { kind: 'file' as const, xml: file }
          : null
        : choice === 'url'
          ? str(input.metadataUrl)
            ? { kind: 'url' as const, url: str(input.metadataUrl) }
            : null
          : choice === 'xml'
            ? str(input.metadataXml)
              ? { kind: 'xml' as const, xml: str(input.metadataXml) }
              : null
            : choice === 'manual'
              ? this.admin.metadataSource({ ...input, metadataXml: '', metadataUrl: '' })
              : null;
    if (!source) throw new UserInputError({ metadata: 'Choose a metadata file, a metadata URL, paste the XML, or enter the details by hand.' });
    const md = await this.metadata.importMetadata(source);
    Object.assign(draft, {
      entityId: md.entityId,
      ssoUrl: md.ssoUrl,
      sloUrl: md.sloUrl,
      certificates: md.signingCertificates,
      metadataUrl: md.metadataUrl,
    });
  }

  /** "Name and SSO location". */
  applyName(draft: IdpDraft, input: Input): void {
    const errors = this.registry.validateDefinition({
      name: input.name,
      preset: draft.preset,
      entityId: draft.entityId,
      ssoUrl: input.ssoUrl,
      certificates: draft.certificates,
      settings: draft.settings,
    });
    const relevant = Object.fromEntries(Object.entries(errors).filter(([k]) => k === 'name' || k === 'ssoUrl'));
    if (Object.keys(relevant).length) throw new UserInputError(relevant);
    draft.name = str(input.name);
    draft.ssoUrl = str(input.ssoUrl);
  }

  /** "User accounts": auto-creation with groups, and profile updates at login. */
  async applyAccounts(draft: IdpDraft, input: Input): Promise<void> {
    const settings = mergeIdpSettings(draft.settings, {
      createUsers: input.createUsers ?? false,
      createUserGroups: input.createUserGroups ?? '',
      updateProfileOnLogin: input.updateProfileOnLogin ?? false,
    });
    await this.admin.assertGroupsExist(settings);
    draft.settings = settings;
  }

  certificates(draft: IdpDraft): CertificateInfo[] {
    return draft.certificates.map((c) => describeCertificate(c));
  }

  /** "Finish": stores the IdP. */
  async finish(draft: IdpDraft): Promise<IdentityProvider> {
    return this.registry.createIdp({
      uniqueId: draft.uniqueId,
      name: draft.name,
      preset: draft.preset,
      entityId: draft.entityId,
      ssoUrl: draft.ssoUrl,
      sloUrl: draft.sloUrl,
      certificates: draft.certificates,
      metadataUrl: draft.metadataUrl,
      settings: draft.settings,
    });
  }
}
