import { Inject, Injectable } from '@nestjs/common';
import { doubleCsrf, type DoubleCsrfUtilities } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { APP_SECRETS, type AppSecrets } from '../sessions/app-secrets.js';

export const CSRF_FIELD = '_csrf';

/** Double-submit CSRF tokens (csrf-csrf), bound to the signed-in session. */
@Injectable()
export class CsrfService {
  private readonly csrf: DoubleCsrfUtilities;

  constructor(@Inject(APP_SECRETS) secrets: AppSecrets, @Inject(APP_CONFIG) config: AppConfig) {
    this.csrf = doubleCsrf({
      getSecret: () => secrets.csrfSecret,
      // Anonymous visitors have no stable session; their token is bound to the cookie alone.
      getSessionIdentifier: (req) => (req.session?.userId ? req.session.id : 'anonymous'),
      cookieName: config.secureCookies ? '__Host-atrium.csrf' : 'atrium.csrf',
      cookieOptions: { sameSite: 'lax', secure: config.secureCookies, httpOnly: true, path: '/' },
      // Multipart forms (metadata upload) carry it in the query: their body is parsed after guards run.
      getCsrfTokenFromRequest: (req) => req.body?.[CSRF_FIELD] ?? req.headers['x-csrf-token'] ?? req.query?.[CSRF_FIELD],
    });
  }

  token(req: Request, res: Response): string {
    return this.csrf.generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
  }

  isValid(req: Request): boolean {
    return this.csrf.validateRequest(req);
  }
}
