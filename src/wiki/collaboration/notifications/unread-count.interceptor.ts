import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { viewerFrom } from '../../wiki-viewer.js';
import { NotificationService } from './notification.service.js';

/**
 * Puts the unread count in res.locals for the header. Runs after the access guard (so
 * req.user is known), only for signed-in HTML page requests: one indexed query each. The query
 * runs alongside the handler's own and the page waits for it only when it renders, so a page view
 * waits on one round trip fewer.
 */
@Injectable()
export class UnreadCountInterceptor implements NestInterceptor {
  private readonly logger = new Logger(UnreadCountInterceptor.name);

  constructor(private readonly notifications: NotificationService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      if (req.user && req.method === 'GET' && !req.path.startsWith('/rest/') && req.accepts(['html', 'json']) === 'html') {
        const res = context.switchToHttp().getResponse<Response>();
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
      }
    }
    return next.handle();
  }
}
