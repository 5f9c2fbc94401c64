import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SsoModule } from '../sso/sso.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './access.guard.js';
import { AuthService } from './auth.service.js';
import { CsrfGuard } from './csrf.guard.js';
import { CsrfService } from './csrf.service.js';
import { LocalStrategy } from './local.strategy.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { LoginController } from './login.controller.js';

@Module({
  imports: [PassportModule, UsersModule, SessionsModule, SsoModule],
  controllers: [LoginController],
  providers: [
    AuthService,
    LoginThrottleService,
    LocalStrategy,
    CsrfService,
    // Order matters: CSRF is checked before the user is looked up.
    { provide: APP_GUARD, useClass: CsrfGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService, CsrfService],
})
export class AuthModule {}
