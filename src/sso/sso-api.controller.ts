import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { AddonSettingsService } from '../addons/addon-settings.service.js';
import { Roles } from '../common/access.decorators.js';
import { UserInputError } from '../users/user-input.error.js';
import { IdpAdminService } from './idp-admin.service.js';
import { IDP_PRESETS } from './idp-presets.js';
import { IdpRegistryService } from './idp-registry.service.js';
import { toList } from './idp-settings.validator.js';
import { MetadataImportService } from './metadata/metadata-import.service.js';
import { describeCertificate } from './metadata/certificate-info.js';
import { SsoLoginOptionsService } from './sso-login-options.service.js';
import { SSO_ADDON_KEY, parseSsoSettings } from './sso-settings.js';
import { SsoTraceService } from './sso-trace.service.js';

type Input = Record<string, unknown>;

/** JSON for everything the SSO admin pages do, for automated setups (session or Basic auth). */
@Controller('rest/atrium/1.0/sso')
@Roles('admin')
export class SsoApiController {
  constructor(
    private readonly registry: IdpRegistryService,
    private readonly admin: IdpAdminService,
    private readonly metadata: MetadataImportService,
    private readonly trace: SsoTraceService,
    private readonly options: SsoLoginOptionsService,
    private readonly addonSettings: AddonSettingsService,
  ) {}

  @Get('presets')
  listPresets() {
    return IDP_PRESETS;
  }

  @Get('settings')
  showSettings() {
    return this.options.ssoSettings();
  }

  @Put('settings')
  async saveSettings(@Body() body: Input) {
    const idps = await this.registry.listIdps();
    const next = parseSsoSettings(body ?? {}, await this.options.ssoSettings(), idps.map((i) => i.uniqueId));
    await this.addonSettings.saveSettings(SSO_ADDON_KEY, next);
    return next;
  }

  /** The wizard's metadata step as an API: parse and describe, store nothing. */
  @Post('metadata/preview')
  @HttpCode(200)
  async previewMetadata(@Body() body: Input) {
    const source = this.admin.metadataSource(body ?? {});
    if (!source) throw new UserInputError({ metadata: 'Give metadataXml, metadataUrl, or entityId, ssoUrl and certificate.' });
    const md = await this.metadata.importMetadata(source);
    return { ...md, certificates: md.signingCertificates.map((c) => describeCertificate(c)) };
  }

  @Get('idps')
  async listIdps() {
    return (await this.registry.listIdps()).map((i) => this.admin.presentIdp(i));
  }

  @Post('idps')
  async createIdp(@Body() body: Input) {
    return this.admin.presentIdp(await this.admin.createIdp(body ?? {}));
  }

  @Get('idps/:uniqueId')
  async showIdp(@Param('uniqueId') uniqueId: string) {
    return this.admin.presentIdp(await this.registry.requireIdp(uniqueId));
  }

  @Put('idps/:uniqueId')
  async updateIdp(@Param('uniqueId') uniqueId: string, @Body() body: Input) {
    return this.admin.presentIdp(await this.admin.updateIdp(uniqueId, body ?? {}));
  }

  @Delete('idps/:uniqueId')
  @HttpCode(204)
  async deleteIdp(@Param('uniqueId') uniqueId: string) {
    await this.registry.deleteIdp(uniqueId);
  }

  @Put('idps/:uniqueId/domains')
  async saveDomains(@Param('uniqueId') uniqueId: string, @Body() body: Input) {
    return { knownDomains: await this.registry.setKnownDomains(uniqueId, toList(body?.knownDomains)) };
  }

  /** Re-import from metadataXml or metadataUrl in the body, or from the stored URL when empty. */
  @Post('idps/:uniqueId/metadata')
  @HttpCode(200)
  async reimportMetadata(@Param('uniqueId') uniqueId: string, @Body() body: Input) {
    return this.admin.presentIdp(await this.admin.reimportMetadata(uniqueId, this.admin.metadataSource(body ?? {})));
  }

  @Get('idps/:uniqueId/trace')
  async showTrace(@Param('uniqueId') uniqueId: string) {
    const idp = await this.registry.requireIdp(uniqueId);
    return this.trace.listTrace(idp.id);
  }
}
