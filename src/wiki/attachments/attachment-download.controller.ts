import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../common/access.decorators.js';
import { asViewer } from '../wiki-viewer.js';
import { downloadHeaders } from './attachment-rules.js';
import { AttachmentService } from './attachment.service.js';

/**
 * The address page bodies use for attachment images: /pages/:pageId/attachments/:filename,
 * optionally ?version=N. Anyone who may view the page may download; others get 404.
 */
@Controller('pages/:pageId/attachments')
export class AttachmentDownloadController {
  constructor(private readonly attachments: AttachmentService) {}

  @Public()
  @Get(':filename')
  async downloadAttachment(
    @Param('pageId') pageId: string,
    @Param('filename') filename: string,
    @Query('version') version: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await asViewer(req, async (viewer) => {
      const file = await this.attachments.findContent(viewer, pageId, filename, version);
      res.set(downloadHeaders(file));
      // send() answers 304 when If-None-Match carries the ETag, and leaves the body out of HEAD.
      res.send(file.data);
    });
  }
}
