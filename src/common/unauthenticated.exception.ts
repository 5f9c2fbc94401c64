import { UnauthorizedException } from '@nestjs/common';

/** No valid session or credentials: HTML routes redirect to /login, API routes answer 401. */
export class UnauthenticatedException extends UnauthorizedException {
  constructor(message = 'You need to log in to see this.') {
    super(message);
  }
}
