import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../common/access.decorators.js';
import { setFlash } from '../common/flash.js';
import { renderFormError } from '../common/form-errors.js';
import { findPreset } from './idp-presets.js';
import { IdpWizardService, WIZARD_STEPS, type IdpDraft, type WizardStep } from './idp-wizard.service.js';
import { MetadataUploadInterceptor, uploadedMetadata } from './metadata/metadata-upload.interceptor.js';

type Input = Record<string, unknown>;
const STEP_TITLES: Record<WizardStep, string> = {
  basic: 'Basic',
  'app-properties': 'App properties',
  metadata: 'Metadata import',
  name: 'Name and SSO location',
  certificates: 'Signature verification',
  accounts: 'User accounts',
  finish: 'Finish',
};

/** "Add identity provider": the seed's steps, one page each, with the draft in the session. */
@Controller('admin/sso/wizard')
@Roles('admin')
export class IdpWizardController {
  constructor(private readonly wizard: IdpWizardService) {}

  @Get()
  startWizard(@Query('preset') preset: unknown, @Req() req: Request, @Res() res: Response): void {
    if (!findPreset(preset)) return res.redirect(303, '/admin/sso');
    req.session.idpDraft = this.wizard.startDraft(preset);
    res.redirect(303, '/admin/sso/wizard/basic');
  }

  @Get(':step')
  showStep(@Param('step') step: string, @Req() req: Request, @Res() res: Response): void {
    const draft = this.openDraft(req, res, step);
    if (draft) res.render('sso/wizard', this.view(draft, step as WizardStep, {}));
  }

  @Post('metadata')
  @UseInterceptors(MetadataUploadInterceptor)
  async importMetadata(
    @Body() body: Input,
    @UploadedFile() file: { buffer: Buffer } | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const draft = this.openDraft(req, res, 'metadata');
    if (!draft) return;
    try {
      await this.wizard.applyMetadata(draft, body, uploadedMetadata(req, file));
      this.next(req, res, draft, 'metadata');
    } catch (error) {
      const values = { source: body.source, metadataUrl: body.metadataUrl, entityId: body.entityId, ssoUrl: body.ssoUrl };
      renderFormError(res, error, 'sso/wizard', this.view(draft, 'metadata', values));
    }
  }

  @Post(':step')
  async submitStep(@Param('step') step: string, @Body() body: Input, @Req() req: Request, @Res() res: Response) {
    const draft = this.openDraft(req, res, step);
    if (!draft) return;
    try {
      if (step === 'name') this.wizard.applyName(draft, body);
      if (step === 'accounts') await this.wizard.applyAccounts(draft, body);
      if (step === 'finish') {
        const idp = await this.wizard.finish(draft);
        delete req.session.idpDraft;
        setFlash(req, `${idp.name} was added. Add its Known domains so people are sent to it.`);
        return res.redirect(303, `/admin/sso/idps/${idp.uniqueId}/domains`);
      }
      this.next(req, res, draft, step as WizardStep);
    } catch (error) {
      renderFormError(res, error, 'sso/wizard', this.view(draft, step as WizardStep, body));
    }
  }

  /** The session's draft when `step` may be opened; otherwise redirects and returns null. */
  private openDraft(req: Request, res: Response, step: string): IdpDraft | null {
    const draft = req.session.idpDraft;
    if (!draft) {
      res.redirect(303, '/admin/sso');
      return null;
    }
    if (!WIZARD_STEPS.includes(step as WizardStep) || !this.wizard.canOpen(draft, step as WizardStep)) {
      res.redirect(303, `/admin/sso/wizard/${draft.reached}`);
      return null;
    }
    return draft;
  }

  private next(req: Request, res: Response, draft: IdpDraft, from: WizardStep): void {
    const step = this.wizard.advance(draft, from);
    req.session.idpDraft = draft;
    res.redirect(303, `/admin/sso/wizard/${step}`);
  }

  private view(draft: IdpDraft, step: WizardStep, values: Input) {
    return {
      title: `Add identity provider: ${STEP_TITLES[step]}`,
      section: 'sso',
      step,
      stepTitle: STEP_TITLES[step],
      steps: WIZARD_STEPS.map((s) => ({ key: s, title: STEP_TITLES[s], current: s === step })),
      [`is_${step.replace('-', '_')}`]: true,
      draft,
      presetLabel: findPreset(draft.preset)?.label,
      appIdUri: this.wizard.appIdUri(draft),
      certificates: step === 'certificates' || step === 'finish' ? this.wizard.certificates(draft) : [],
      createUserGroups: draft.settings.createUserGroups.join(', '),
      values: { name: draft.name, ssoUrl: draft.ssoUrl, ...values },
    };
  }
}
