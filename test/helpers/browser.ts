import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD } from './test-app.js';

// Browser tests drive Debian's Chromium through playwright-core; without it they are skipped.
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

/**
 * Collects what must never happen on a page: a Content Security Policy refusal (into `csp`) and
 * an uncaught script error (into `errors`, the same list unless another is given).
 */
export function watchProblems(page: Page, csp: string[], errors: string[] = csp): void {
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
}

/** Logs in through the form as the test app's admin. */
export async function logInAsAdmin(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('button:has-text("Log in")')]);
}
