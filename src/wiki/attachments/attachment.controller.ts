import { Body, Controller, Get, Param, Post, Req, Res, UploadedFiles, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated, Public } from '../../common/access.decorators.js';
import { setFlash } from '../../common/flash.js';
import { UserInputError } from '../../users/user-input.error.js';
import type { Viewer } from '../permissions/viewer.js';
import { asViewer, viewerFrom } from '../wiki-viewer.js';
import { PageService } from '../pages/page.service.js';
import { pageUrl } from '../wiki-urls.js';
import { AttachPermissionGuard } from './attach-permission.guard.js';
import { AttachmentUploadInterceptor, MAX_FILES_PER_UPLOAD, uploadedFiles } from './attachment-upload.interceptor.js';
import { attachmentItem, attachmentsListUrl, versionItems } from './attachment.presenter.js';
import { AttachmentService } from './attachment.service.js';
import { AttachmentTooLargeError, type IncomingFile } from './attachment.types.js';

type Form = Record<string, unknown>;

/** Upload (multipart, CSRF token in the query), list and delete a page's attachments. */
@Controller('spaces/:key/pages/:id/attachments')
export class AttachmentController {
  constructor(
    private readonly attachments: AttachmentService,
    private readonly pages: PageService,
  ) {}

  @Public()
  @Get()
  async showAttachments(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    await asViewer(req, async (viewer) => res.render('wiki/attachments/list', await this.listView(viewer, id)));
  }

  @Authenticated()
  @Post()
  @UseGuards(AttachPermissionGuard)
  @UseInterceptors(AttachmentUploadInterceptor)
  async uploadAttachments(
    @Param('id') id: string,
    @UploadedFiles() files: IncomingFile[] | undefined,
    @Body() body: Form,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const viewer = viewerFrom(req);
    try {
      const saved = await this.attachments.upload(viewer, id, uploadedFiles(req, files), body.comment);
      setFlash(req, `Attached ${saved.map((s) => (s.version > 1 ? `${s.filename} (version ${s.version})` : s.filename)).join(', ')}.`);
      res.redirect(303, await this.backTo(viewer, id, body));
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      res.status(error instanceof AttachmentTooLargeError ? 413 : 400).render('wiki/attachments/list', {
        ...(await this.listView(viewer, id)),
        errors: error.fieldErrors,
        errorSummary: error.message,
        values: { comment: typeof body.comment === 'string' ? body.comment : '' },
      });
    }
  }

  @Authenticated()
  @Post(':attachmentId/delete')
  async deleteAttachment(@Param('id') id: string, @Param('attachmentId') attachmentId: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const filename = await this.attachments.deleteAttachment(viewer, id, attachmentId);
    setFlash(req, `Deleted ${filename} and all its versions.`);
    res.redirect(303, await this.backTo(viewer, id, body));
  }

  /** Forms on the page screen say back=page; the list page's forms come back to it. */
  private async backTo(viewer: Viewer, id: string, body: Form): Promise<string> {
    const { page } = await this.attachments.visiblePage(viewer, id);
    return body.back === 'page' ? pageUrl(page.spaceKey, page.id, page.title) : attachmentsListUrl(page);
  }

  private async listView(viewer: Viewer, id: string) {
    const { page, held } = await this.attachments.visiblePage(viewer, id);
    const [{ rows, total }, versions] = await Promise.all([this.attachments.listForPage(page.id), this.attachments.listVersions(page.id)]);
    const items = rows.map((row) => {
      const item = attachmentItem(page, row, held, viewer);
      return { ...item, versions: versionItems(page, row.filename, versions.filter((v) => v.attachmentId === row.id)) };
    });
    return {
      title: `Attachments: ${page.title}`,
      page,
      ...(await this.pages.trail(page)),
      uploadUrl: attachmentsListUrl(page),
      items,
      more: total - rows.length,
      canUpload: held.has('attach'),
      maxMb: this.attachments.maxMb,
      maxFiles: MAX_FILES_PER_UPLOAD,
    };
  }
}
