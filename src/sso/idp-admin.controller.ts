import { Body, Controller, Get, Param, Post, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../common/access.decorators.js';
import { setFlash } from '../common/flash.js';
import { renderFormError } from '../common/form-errors.js';
import { IdpAdminService } from './idp-admin.service.js';
import { IdpRegistryService } from './idp-registry.service.js';
import { presentIdpPage } from './idp-admin.presenter.js';
import { toList } from './idp-settings.validator.js';
import { MetadataUploadInterceptor, uploadedMetadata } from './metadata/metadata-upload.interceptor.js';
import { SsoTraceService } from './sso-trace.service.js';

type Input = Record<string, unknown>;
const CHECKBOXES = ['enabled', 'stripDomain', 'createUsers', 'updateProfileOnLogin', 'groupSync', 'allowSha1', 'signRequests', 'encryptAssertions'];

/** One identity provider: settings, Known domains, metadata, SSO trace, delete. */
@Controller('admin/sso/idps/:uniqueId')
@Roles('admin')
export class IdpAdminController {
  constructor(
    private readonly registry: IdpRegistryService,
    private readonly admin: IdpAdminService,
    private readonly trace: SsoTraceService,
  ) {}

  @Get()
  showIdp(@Param('uniqueId') uniqueId: string, @Res() res: Response): void {
    res.redirect(303, `/admin/sso/idps/${encodeURIComponent(uniqueId)}/settings`);
  }

  @Get(':tab')
  async showTab(@Param('uniqueId') uniqueId: string, @Param('tab') tab: string, @Res() res: Response) {
    const view = await this.page(uniqueId, tab, {});
    res.render(`sso/idp-${view.tab}`, view);
  }

  @Post('settings')
  async saveSettings(@Param('uniqueId') uniqueId: string, @Body() body: Input, @Req() req: Request, @Res() res: Response) {
    // Unticked checkboxes are absent from the form; they mean "off".
    const input = { ...Object.fromEntries(CHECKBOXES.map((k) => [k, false])), ...body };
    try {
      await this.admin.updateIdp(uniqueId, input);
      this.done(req, res, uniqueId, 'settings', 'Settings saved.');
    } catch (error) {
      renderFormError(res, error, 'sso/idp-settings', await this.page(uniqueId, 'settings', body));
    }
  }

  @Post('domains')
  async saveDomains(@Param('uniqueId') uniqueId: string, @Body() body: Input, @Req() req: Request, @Res() res: Response) {
    try {
      await this.registry.setKnownDomains(uniqueId, toList(body.domains));
      this.done(req, res, uniqueId, 'domains', 'Known domains saved.');
    } catch (error) {
      renderFormError(res, error, 'sso/idp-domains', await this.page(uniqueId, 'domains', { domains: body.domains }));
    }
  }

  @Post('metadata')
  @UseInterceptors(MetadataUploadInterceptor)
  async reimportMetadata(
    @Param('uniqueId') uniqueId: string,
    @Body() body: Input,
    @UploadedFile() file: { buffer: Buffer } | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const source = body.refresh ? null : this.admin.metadataSource(body, uploadedMetadata(req, file));
      await this.admin.reimportMetadata(uniqueId, source);
      this.done(req, res, uniqueId, 'metadata', 'Metadata imported.');
    } catch (error) {
      renderFormError(res, error, 'sso/idp-metadata', await this.page(uniqueId, 'metadata', { metadataUrl: body.metadataUrl }));
    }
  }

  @Post('delete')
  async deleteIdp(@Param('uniqueId') uniqueId: string, @Body() body: Input, @Req() req: Request, @Res() res: Response) {
    const idp = await this.registry.requireIdp(uniqueId);
    if (body.confirm !== idp.uniqueId) {
      const view = await this.page(uniqueId, 'delete', {});
      return res.status(400).render('sso/idp-delete', { ...view, errors: { confirm: `Type ${idp.uniqueId} to confirm.` } });
    }
    await this.registry.deleteIdp(uniqueId);
    setFlash(req, `${idp.name} was deleted.`);
    res.redirect(303, '/admin/sso');
  }

  private done(req: Request, res: Response, uniqueId: string, tab: string, message: string): void {
    setFlash(req, message);
    res.redirect(303, `/admin/sso/idps/${encodeURIComponent(uniqueId)}/${tab}`);
  }

  private async page(uniqueId: string, tab: string, values: Input) {
    const idp = await this.registry.requireIdp(uniqueId);
    const trace = tab === 'trace' ? await this.trace.listTrace(idp.id) : [];
    return presentIdpPage(this.admin.presentIdp(idp), tab, trace, values);
  }
}
