import { BadRequestException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import hbs from 'hbs';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CsrfService } from './auth/csrf.service.js';
import { AppExceptionFilter } from './common/app-exception.filter.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { projectRoot } from './config/project-root.js';
import { APP_SECRETS, type AppSecrets } from './sessions/app-secrets.js';
import { sessionCookieName } from './sessions/session-cookie.js';
import { SessionStoreProvider } from './sessions/session-store.provider.js';
import { SAML_PATH } from './sso/identity-provider.js';
import { samlBodyParsers } from './sso/saml-body.middleware.js';

const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

function registerViews(app: NestExpressApplication, root: string): void {
  const views = join(root, 'views');
  app.setBaseViewsDir(views);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  // Compile each template once, whatever NODE_ENV says: Express only caches views in
  // production, and recompiling a page's templates on every request costs more than the page.
  app.set('view cache', true);
  // Synchronous, so every partial exists before the first request.
  const partials = join(views, 'partials');
  for (const file of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8'));
  }
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('isoDate', (value: unknown) =>
    value ? new Date(value as string).toISOString().slice(0, 10) : '',
  );
  hbs.registerHelper('isoDateTime', (value: unknown) =>
    value ? new Date(value as string).toISOString().slice(0, 16).replace('T', ' ') : '',
  );
  hbs.registerHelper('encode', (value: unknown) => encodeURIComponent(String(value ?? '')));
  hbs.registerHelper('fieldError', (errors: Record<string, string> | undefined, field: string) => errors?.[field]);
}

/** Room for a page body of MAX_BODY (src/wiki/pages/page.service.ts) once form-encoded (up to 3 bytes per byte). */
const PAGE_BODY_LIMIT = '8mb';
/**
 * The writes that carry a page body: creating and saving a page, its drafts, and the REST
 * content API's create and update.
 */
const PAGE_BODY_WRITES = [
  /^\/spaces\/[^/]+\/pages(\/\d+)?$/,
  /^\/spaces\/[^/]+\/pages\/(\d+|new)\/draft$/,
  /^\/rest\/api\/content(\/\d+)?$/,
];

/**
 * Parses the bodies of page writes with PAGE_BODY_LIMIT, so a large page is checked against the
 * page size rule (a form error that keeps the text) instead of failing as "too large". Only
 * for requests that bring a credential (these writes all need one): every other body keeps the
 * small default limit, which the default parsers apply to what was not parsed here.
 */
function pageBodyParsers(sessionCookie: string) {
  const urlencoded = express.urlencoded({ extended: false, limit: PAGE_BODY_LIMIT });
  const json = express.json({ limit: PAGE_BODY_LIMIT });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' && req.method !== 'PUT') return next();
    const credential = !!req.headers.authorization || !!req.headers.cookie?.includes(`${sessionCookie}=`);
    if (!credential || !PAGE_BODY_WRITES.some((path) => path.test(req.path))) return next();
    urlencoded(req, res, (error?: unknown) => (error ? next(error) : json(req, res, next)));
  };
}

const NUL_MESSAGE = 'The text contains a NUL character (code 0), which cannot be stored. Remove it and try again.';

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item, depth + 1));
}

/**
 * PostgreSQL text cannot hold a NUL character: a request carrying one in its address or body is
 * refused here with a clear 400, before anything is read or written. (Multipart fields, parsed
 * later, meet the same answer from the exception filter.)
 */
function refuseNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  if (/%00/.test(req.originalUrl) || holdsNul(req.body)) return next(new BadRequestException(NUL_MESSAGE));
  next();
}

/**
 * Views, static files, security headers, sessions, CSRF tokens and error pages.
 * main.ts and every e2e test call this, so tests run the real pipeline.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  const secrets = app.get<AppSecrets>(APP_SECRETS);
  const csrf = app.get(CsrfService);
  const root = projectRoot();

  app.useLogger(app.get(Logger));
  // One hop: req.ip is the address our proxy appended to X-Forwarded-For. `true` would take the
  // leftmost entry, which the client writes, and let anyone dodge the per-IP login limit.
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'self'"],
        },
      },
      strictTransportSecurity: config.secureCookies,
    }),
  );
  app.useStaticAssets(join(root, 'public'), { prefix: '/static/', maxAge: '1h' });
  registerViews(app, root);

  app.use(...samlBodyParsers(app));
  app.use(pageBodyParsers(sessionCookieName(config)));
  app.useBodyParser('urlencoded', { extended: false, limit: '100kb' });
  app.useBodyParser('json', { limit: '1mb' });
  app.use(refuseNulCharacters);
  app.use(cookieParser());
  const sessions = session({
    store: app.get(SessionStoreProvider).store,
    secret: secrets.sessionSecret,
    name: sessionCookieName(config),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: SESSION_MAX_AGE_MS, path: '/' },
  });
  // The Sign-on URL and the SP metadata neither read nor write a session (RelayState carries the
  // page wanted): without the middleware a SAML redirect mints no session ID it would throw away.
  const stateless = new RegExp(`^${SAML_PATH.replace(/\./g, '\\.')}/[^/]+/(login|metadata)$`);
  app.use((req: Request, res: Response, next: NextFunction) =>
    req.method === 'GET' && stateless.test(req.path) ? next() : sessions(req, res, next),
  );
  // Values every page template needs: a CSRF token for its forms and a one-time message.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/rest/') && req.path !== '/status') {
      // POSTs too: a form shown again after bad input must carry a token to be sent again.
      // Made when a page renders (or code reads it), so answers that render nothing, such as the
      // SAML redirects and the ACS, neither pay for a token nor set the CSRF cookie.
      let token: string | undefined;
      Object.defineProperty(res.locals, 'csrfToken', {
        enumerable: true,
        configurable: true,
        get: () => (token ??= csrf.token(req, res)),
        set: (value: string) => {
          token = value;
        },
      });
      if (req.method === 'GET' && req.session?.flash) {
        res.locals.flash = req.session.flash;
        delete req.session.flash;
      }
    }
    next();
  });
  app.useGlobalFilters(new AppExceptionFilter());
}
