import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SAML_PATH } from './identity-provider.js';
import { IdpRegistryService } from './idp-registry.service.js';
import { MAX_SAML_RESPONSE_BYTES } from './saml/saml-response.inspector.js';
import { SsoTraceService } from './sso-trace.service.js';

/** Room for the SAMLResponse field plus RelayState and form encoding. */
export const SAML_BODY_LIMIT = MAX_SAML_RESPONSE_BYTES * 2;

/**
 * Parses the ACS body with its own size cap, before the app-wide parsers. A body over the
 * cap is refused with a 413 page and an entry in that IdP's SSO trace.
 */
export function samlBodyParsers(app: INestApplication) {
  const registry = app.get(IdpRegistryService);
  const trace = app.get(SsoTraceService);
  const parse = express.urlencoded({ extended: false, limit: SAML_BODY_LIMIT, parameterLimit: 20 });
  const onError = async (error: { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (error?.type !== 'entity.too.large') return next(error);
    const uniqueId = /^\/([^/]+)\//.exec(req.path)?.[1];
    const idp = uniqueId ? await registry.findByUniqueId(uniqueId).catch(() => null) : null;
    if (idp) {
      await trace
        .record(idp.id, { flow: 'acs', outcome: 'failure', reason: `the request body is larger than ${SAML_BODY_LIMIT / 1024} KB` })
        .catch(() => undefined);
    }
    res.status(413).render('errors/error', { title: 'Too large', status: 413, message: 'The request is too large.' });
  };
  return [SAML_PATH, parse, onError] as const;
}
