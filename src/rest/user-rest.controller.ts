import { Controller, Get, Inject } from '@nestjs/common';
import { Authenticated, CurrentUser } from '../common/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { UserSummary } from '../users/user-summary.js';
import { presentRestUser } from './rest-user.presenter.js';

@Controller('rest/api/user')
export class UserRestController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Authenticated()
  @Get('current')
  showCurrentUser(@CurrentUser() user: UserSummary) {
    return presentRestUser(user, this.config.baseUrl, true);
  }
}
