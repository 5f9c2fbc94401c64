import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { once } from 'node:events';
import { Public } from '../../common/access.decorators.js';
import { asViewer } from '../wiki-viewer.js';
import { downloadHeaders } from './attachment-rules.js';
import { AttachmentService } from './attachment.service.js';

/** Writes the pieces as they come, waiting when the client reads slowly; stops if it goes away. */
async function sendChunks(res: Response, chunks: AsyncIterable<Buffer>): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  } catch (error) {
    // The status line is gone: cut the connection so the client sees a failed download, not a short file.
    res.destroy();
    throw error;
  }
}

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
      // The ETag is the content's hash: a browser that has this version gets 304 and no body.
      if (req.fresh) {
        res.removeHeader('Content-Length');
        res.status(304).end();
        return;
      }
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await sendChunks(res, this.attachments.readChunks(file));
    });
  }
}
