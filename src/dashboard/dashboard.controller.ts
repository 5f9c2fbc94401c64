import { Controller, Get, Render, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated, CurrentUser } from '../common/access.decorators.js';
import type { UserSummary } from '../users/user-summary.js';
import { RecentPagesService } from '../wiki/collaboration/activity/recent-pages.service.js';
import { viewerFrom } from '../wiki/wiki-viewer.js';

@Controller()
export class DashboardController {
  constructor(private readonly recent: RecentPagesService) {}

  /** Recently updated pages the user can see, their own recent work, and who they are. */
  @Authenticated()
  @Get()
  @Render('dashboard/index')
  async showDashboard(@CurrentUser() user: UserSummary, @Req() req: Request) {
    const viewer = viewerFrom(req);
    const [recent, yourWork] = await Promise.all([this.recent.recentlyUpdated(viewer), this.recent.yourWork(viewer)]);
    return { title: 'Dashboard', user, recent, yourWork };
  }
}
