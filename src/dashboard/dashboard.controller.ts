import { Controller, Get, Render } from '@nestjs/common';
import { Authenticated, CurrentUser } from '../common/access.decorators.js';
import type { UserSummary } from '../users/user-summary.js';

@Controller()
export class DashboardController {
  // Until the wiki lands, the dashboard shows who you are and your groups.
  @Authenticated()
  @Get()
  @Render('dashboard/index')
  showDashboard(@CurrentUser() user: UserSummary) {
    return { title: 'Dashboard', user };
  }
}
