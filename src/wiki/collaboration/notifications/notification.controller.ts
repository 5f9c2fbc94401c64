import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated } from '../../../common/access.decorators.js';
import { setFlash } from '../../../common/flash.js';
import { viewerFrom } from '../../wiki-viewer.js';
import { pageNumber } from '../page-number.js';
import { NotificationService } from './notification.service.js';

@Controller('notifications')
export class NotificationController {
  constructor(private readonly notifications: NotificationService) {}

  @Authenticated()
  @Get()
  async showNotifications(@Query('page') page: unknown, @Req() req: Request, @Res() res: Response) {
    const n = pageNumber(page);
    const { items, hasMore } = await this.notifications.listNotifications(viewerFrom(req), n);
    res.render('wiki/collaboration/notifications', {
      title: 'Notifications',
      items,
      anyUnread: items.some((i) => !i.read),
      previousUrl: n > 1 ? `/notifications?page=${n - 1}` : null,
      nextUrl: hasMore ? `/notifications?page=${n + 1}` : null,
    });
  }

  @Authenticated()
  @Post('read')
  async markAllRead(@Req() req: Request, @Res() res: Response) {
    await this.notifications.markAllRead(viewerFrom(req));
    res.redirect(303, '/notifications');
  }

  /** Opening a notification marks it read and goes to its page. */
  @Authenticated()
  @Get(':id')
  async openNotification(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const url = await this.notifications.openNotification(viewerFrom(req), id);
    if (url) return res.redirect(303, url);
    setFlash(req, 'That page is no longer available.');
    res.redirect(303, '/notifications');
  }
}
