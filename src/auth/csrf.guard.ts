import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { SKIP_CSRF_KEY } from '../common/access.decorators.js';
import { CsrfService } from './csrf.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing request carries a CSRF token, except API calls that authenticate
 * with an Authorization header: browsers never attach those to cross-site requests.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly csrf: CsrfService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method) || req.headers.authorization) return true;
    // A REST call with no signed-in session carries no ambient authority to forge; the access
    // guard answers it with 401 rather than a confusing "form has expired".
    if (req.path.startsWith('/rest/') && !req.session?.userId) return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_CSRF_KEY, [context.getHandler(), context.getClass()])) {
      return true;
    }
    if (this.csrf.isValid(req)) return true;
    throw new ForbiddenException('This form has expired or was not sent from Atrium. Reload the page and try again.');
  }
}
