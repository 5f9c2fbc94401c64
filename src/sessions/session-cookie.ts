import type { AppConfig } from '../config/app-config.js';

/** The session cookie's name: `__Host-` pins it to our origin when served over https. */
export function sessionCookieName(config: Pick<AppConfig, 'secureCookies'>): string {
  return config.secureCookies ? '__Host-atrium.sid' : 'atrium.sid';
}
