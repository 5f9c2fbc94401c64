import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Who may call a route. Every route must declare one; the global guard refuses the rest. */
export type Access = 'public' | 'user' | 'admin';
export const ACCESS_KEY = 'atrium:access';
export const SKIP_CSRF_KEY = 'atrium:skip-csrf';

/** Open to anyone, signed in or not. */
export const Public = () => SetMetadata(ACCESS_KEY, 'public' satisfies Access);
/** Any signed-in, active user. */
export const Authenticated = () => SetMetadata(ACCESS_KEY, 'user' satisfies Access);
/** Members of confluence-administrators only. */
export const Roles = (role: 'admin') => SetMetadata(ACCESS_KEY, role satisfies Access);
/** For endpoints that other sites post to by design (SAML ACS); everything else keeps CSRF. */
export const SkipCsrf = () => SetMetadata(SKIP_CSRF_KEY, true);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  return ctx.switchToHttp().getRequest().user;
});
