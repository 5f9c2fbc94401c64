import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UserInputError } from '../users/user-input.error.js';
import { UnauthenticatedException } from './unauthenticated.exception.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Log in required',
  403: 'Not permitted',
  404: 'Page not found',
  405: 'Not allowed',
  409: 'Conflict',
  413: 'Too large',
  429: 'Too many attempts',
  500: 'Something went wrong',
};

const SERVER_ERROR = 'Something went wrong on our side. Try again; if it keeps happening, tell your administrator.';

/** PostgreSQL's codes for text it cannot store (a NUL character in text or in JSON). */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']); // character_not_in_repertoire, untranslatable_character

/** PostgreSQL's codes for a transaction it rolled back because another one collided with it. */
const COLLISIONS = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

interface ExposedError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  code?: string;
}

/** The status and the message a person reads for any error. */
export function describeError(exception: unknown): { status: number; message: string } {
  if (exception instanceof UserInputError) return { status: 400, message: exception.message };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    let message = typeof body === 'string' ? body : (body as { message?: string | string[] }).message;
    if (Array.isArray(message)) message = message.join(' ');
    if (status === 404 && /^Cannot \w+ /.test(message ?? '')) message = 'There is no page at this address.';
    return { status, message: message || TITLES[status] || 'Request refused.' };
  }
  const e = exception as ExposedError;
  // Two changes that touch the same rows at once (a rename rewriting links while another page
  // moves): PostgreSQL rolled one back whole, so trying again is safe.
  if (typeof e?.code === 'string' && COLLISIONS.has(e.code)) {
    return { status: 409, message: 'Someone else changed the same pages at the same moment, so nothing was saved. Try again.' };
  }
  // Input the middleware could not see (multipart fields); the statement failed, so nothing was written.
  if (typeof e?.code === 'string' && UNSTORABLE_TEXT.has(e.code)) {
    return { status: 400, message: 'The text contains a character that cannot be stored (such as NUL, code 0). Remove it and try again.' };
  }
  // Errors from Express middleware (body parser, csrf-csrf) carry an HTTP status.
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (e.code === 'EBADCSRFTOKEN') {
      return { status: 403, message: 'This form has expired or was not sent from Atrium. Reload the page and try again.' };
    }
    if (status === 413) return { status, message: 'The request is too large.' };
    return { status, message: e.expose && e.message ? e.message : TITLES[status] || 'Request refused.' };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: SERVER_ERROR };
}

/** Every error becomes a page (or JSON for the API) a person understands; never a stack trace. */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const { status, message } = describeError(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (res.headersSent) return;

    const wantsJson = req.path.startsWith('/rest/') || req.accepts(['html', 'json']) === 'json';
    if (exception instanceof UnauthenticatedException && !wantsJson) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      res.redirect(303, `/login${next}`);
      return;
    }
    if (wantsJson) {
      const errors = exception instanceof UserInputError ? { errors: exception.fieldErrors } : {};
      res.status(status).json({ statusCode: status, message, ...errors });
      return;
    }
    res.status(status).render('errors/error', { title: TITLES[status] ?? 'Error', status, message });
  }
}
