import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { viewerFrom } from '../../wiki-viewer.js';
import { NotificationService } from './notification.service.js';

/**
 * Puts the unread count in res.locals for the header. Runs after the access guard (so
 * req.user is known), only for signed-in HTML page requests: one indexed query each.
 */
@Injectable()
export class UnreadCountInterceptor implements NestInterceptor {
  constructor(private readonly notifications: NotificationService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      if (req.user && req.method === 'GET' && !req.path.startsWith('/rest/') && req.accepts(['html', 'json']) === 'html') {
        const res = context.switchToHttp().getResponse<Response>();
        res.locals.unreadNotifications = await this.notifications.unreadBadge(viewerFrom(req));
      }
    }
    return next.handle();
  }
}
