import type { UserSummary } from '../users/user-summary.js';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    loginAt?: number;
    flash?: string;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User extends UserSummary {}
  }
}

export {};
