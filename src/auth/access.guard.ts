import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ACCESS_KEY, type Access } from '../common/access.decorators.js';
import { UnauthenticatedException } from '../common/unauthenticated.exception.js';
import { ADMINS_GROUP } from '../users/group.entity.js';
import type { UserSummary } from '../users/user-summary.js';
import { AuthService } from './auth.service.js';

function basicCredentials(header: string): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The one global access check. Deny by default: a route without @Public, @Authenticated
 * or @Roles is refused. An Authorization header, when sent, is the only credential used.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    if (!access) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no access; refused`);
      throw new ForbiddenException('This page is not available.');
    }

    // Public routes never check credentials in a header (no bcrypt work on /status, no 401 loops on /login),
    // except the REST API's, whose scripts send Basic auth on every call, reads of open spaces included.
    const ignoreHeader = access === 'public' && !!req.headers.authorization && !req.path.startsWith('/rest/');
    const user = ignoreHeader ? null : await this.identify(req);
    if (user) {
      req.user = user;
      res.locals.currentUser = user;
      res.locals.isAdmin = user.groups.includes(ADMINS_GROUP);
    }
    if (access === 'public') return true;
    if (!user) throw new UnauthenticatedException();
    if (access === 'admin' && !res.locals.isAdmin) {
      throw new ForbiddenException('Only administrators can open this page.');
    }
    return true;
  }

  private async identify(req: Request): Promise<UserSummary | null> {
    const header = req.headers.authorization;
    if (!header) return this.auth.userFromSession(req);
    const credentials = basicCredentials(header);
    const user = credentials
      ? await this.auth.verifyPassword(credentials.username, credentials.password, req.ip ?? 'unknown')
      : null;
    if (!user) throw new UnauthenticatedException('The username or password is incorrect.');
    return user;
  }
}
