import type { Request } from 'express';

/** A one-time message shown on the next page, e.g. after a redirect from a form. */
export function setFlash(req: Request, message: string): void {
  if (req.session) req.session.flash = message;
}
