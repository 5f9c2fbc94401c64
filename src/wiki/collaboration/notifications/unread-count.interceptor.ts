import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { viewerFrom } from '../../wiki-viewer.js';
import { unreadBadge } from './notification-text.js';
import { NotificationService, UNREAD_COLUMN } from './notification.service.js';

/**
 * Puts the unread count in res.locals for the header, on signed-in HTML page requests (after the
 * access guard, so req.user is known). The session's own query read it (a SessionUserColumns
 * column); only a request whose user did not come from a loaded session needs a query, which then
 * runs alongside the handler's and is waited for only when the page renders.
 */
@Injectable()
export class UnreadCountInterceptor implements NestInterceptor {
  private readonly logger = new Logger(UnreadCountInterceptor.name);

  constructor(private readonly notifications: NotificationService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.user || req.method !== 'GET' || req.path.startsWith('/rest/') || req.accepts(['html', 'json']) !== 'html') {
      return next.handle();
    }
    const res = context.switchToHttp().getResponse<Response>();
    const loaded = req.session?.loadedUser?.id === req.user.id ? req.session.loadedColumns?.[UNREAD_COLUMN] : undefined;
    if (typeof loaded === 'number') {
      res.locals.unreadNotifications = unreadBadge(loaded);
      return next.handle();
    }
    const badge = this.notifications.unreadBadge(viewerFrom(req)).catch((error: unknown) => {
      // The page still shows, without a count.
      this.logger.warn(`Unread count failed: ${(error as Error)?.message ?? error}`);
      return null;
    });
    const render = res.render.bind(res) as (...args: unknown[]) => void;
    res.render = ((...args: unknown[]) => {
      void badge.then((count) => {
        res.locals.unreadNotifications = count;
        render(...args);
      });
    }) as Response['render'];
    return next.handle();
  }
}
