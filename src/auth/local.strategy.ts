import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import type { UserSummary } from '../users/user-summary.js';
import { AuthService } from './auth.service.js';

/** passport-local: the Username/Password form at /login. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'username', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(req: Request, username: unknown, password: unknown): Promise<UserSummary | null> {
    // A JSON body can carry numbers or booleans here; only strings are credentials (else a 500).
    if (typeof username !== 'string' || typeof password !== 'string') return Promise.resolve(null);
    return this.auth.verifyPassword(username.trim(), password, req.ip ?? 'unknown');
  }
}
