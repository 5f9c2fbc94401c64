import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { spaceUrl } from '../wiki-urls.js';
import { TrashedPageError } from './trashed-page.error.js';

/** 400 with the reason and, for space admins, the way to the trash; nothing was written. */
@Catch(TrashedPageError)
export class TrashedPageFilter implements ExceptionFilter {
  catch(error: TrashedPageError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (req.accepts(['html', 'json']) === 'json') {
      res.status(400).json({ statusCode: 400, message: error.message });
      return;
    }
    res.status(400).render('wiki/page-trashed', {
      title: `${error.page.title} is in the trash`,
      page: error.page,
      message: error.message,
      trashUrl: error.canRestore ? `${spaceUrl(error.page.spaceKey)}/trash` : null,
    });
  }
}
