import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AddonSettingsService } from '../addons/addon-settings.service.js';
import { Roles } from '../common/access.decorators.js';
import { setFlash } from '../common/flash.js';
import { renderFormError } from '../common/form-errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { appIdUri } from './identity-provider.js';
import { IDP_PRESETS } from './idp-presets.js';
import { IdpRegistryService } from './idp-registry.service.js';
import { SsoLoginOptionsService } from './sso-login-options.service.js';
import { SSO_ADDON_KEY, parseSsoSettings } from './sso-settings.js';

/** "SAML single sign-on": identity providers, "Add identity provider", and the add-on's settings. */
@Controller('admin/sso')
@Roles('admin')
export class SsoAdminController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: IdpRegistryService,
    private readonly options: SsoLoginOptionsService,
    private readonly addonSettings: AddonSettingsService,
  ) {}

  @Get()
  async showSso(@Res() res: Response): Promise<void> {
    res.render('sso/overview', await this.overview({}));
  }

  @Post('settings')
  async saveSettings(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    // Unticked checkboxes are not sent at all.
    const input = { redirectMode: false, disablePasswordForSsoUsers: false, defaultIdp: '', ...body };
    try {
      const idps = await this.registry.listIdps();
      const current = await this.options.ssoSettings();
      const next = parseSsoSettings(input, current, idps.map((i) => i.uniqueId));
      await this.addonSettings.saveSettings(SSO_ADDON_KEY, next);
      setFlash(req, 'Single sign-on settings saved.');
      res.redirect(303, '/admin/sso');
    } catch (error) {
      renderFormError(res, error, 'sso/overview', await this.overview(input));
    }
  }

  private async overview(values: Record<string, unknown>) {
    const idps = await this.registry.listIdps();
    // Not `settings`: Express reserves that name in view locals.
    const ssoSettings = { ...(await this.options.ssoSettings()), ...values };
    return {
      title: 'SAML single sign-on',
      section: 'sso',
      presets: IDP_PRESETS,
      idps: idps.map((i) => ({
        uniqueId: i.uniqueId,
        name: i.name,
        enabled: i.enabled,
        appIdUri: appIdUri(this.config.baseUrl, i.uniqueId),
        domains: i.knownDomains.join(', '),
        isDefault: ssoSettings.defaultIdp === i.uniqueId,
      })),
      ssoSettings,
    };
  }
}
