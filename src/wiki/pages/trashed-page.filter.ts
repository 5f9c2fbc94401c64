import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { spaceUrl } from '../wiki-urls.js';
import { TrashedPageError } from './trashed-page.error.js';

/**
 * What a save to the page carried (it was trashed while someone edited it), shown back so that
 * their text is not lost with the answer.
 */
function unsavedText(req: Request): { title: string; body: string } | null {
  const body = req.method === 'POST' ? (req.body as Record<string, unknown> | undefined) : undefined;
  if (typeof body?.body !== 'string' || !body.body) return null;
  return { title: typeof body.title === 'string' ? body.title : '', body: body.body };
}

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
      unsaved: unsavedText(req),
    });
  }
}
