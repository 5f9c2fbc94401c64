import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

export const LOGIN_ERROR = 'atriumLoginError';

/**
 * Runs passport-local but never throws for a refused login: the controller shows the
 * form again with one generic message (or the throttling message) instead.
 */
@Injectable()
export class LocalLoginGuard extends AuthGuard('local') {
  handleRequest<T>(err: unknown, user: T, _info: unknown, context: ExecutionContext): T {
    const req = context.switchToHttp().getRequest();
    if (err) req[LOGIN_ERROR] = err;
    return (user || undefined) as T;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    return true;
  }
}
