import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium, logInAsAdmin, watchProblems } from './helpers/browser.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';

// public/js/drafts.js in a real browser: Debian's Chromium driven by playwright-core.
if (!hasChromium) console.warn(`Skipping the browser tests of drafts: ${CHROMIUM} is missing (apt-get install chromium).`);

describe.skipIf(!hasChromium)('drafts.js in Chromium: autosave, offer, restore, discard', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let pageId: string;
  const problems: string[] = [];

  const drafts = () => t.db.query(`SELECT title, base_version FROM page_drafts WHERE page_id = $1`, [pageId]);

  /** Opens the editor and changes the title; drafts.js saves it within its interval. */
  async function typeAndWaitForDraft(title: string) {
    await page.goto(`${base}/spaces/DOC/pages/${pageId}/edit`);
    await page.fill('#title', title);
    await page.locator('.draft-status', { hasText: 'Draft saved' }).waitFor({ timeout: 15_000 });
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
    const admin = new WebSession(t.http);
    await admin.login('admin', ADMIN_PASSWORD);
    await admin.submit('/spaces', { key: 'DOC', name: 'Documentation', description: '' }, '/spaces/new');
    const [{ id: homeId }] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    const created = await admin.submit('/spaces/DOC/pages', { title: 'Runbook', body: '<p>Steps.</p>', parentId: homeId }, '/spaces/DOC/pages/new');
    pageId = created.headers.location.split('/')[4];

    browser = await launchChromium();
    page = await browser.newPage();
    watchProblems(page, problems);
    await logInAsAdmin(page, base);
  });
  afterEach(() => expect(problems).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('saves the changed form as a draft, offers it when the editor opens again, and restores it', async () => {
    await page.goto(`${base}/spaces/DOC/pages/${pageId}/edit`);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('.draft-offer').count()).toBe(0);

    await typeAndWaitForDraft('Runbook, half edited');
    expect(await drafts()).toEqual([{ title: 'Runbook, half edited', base_version: 1 }]);

    // The tab was "closed": a fresh editor shows the stored page and offers the draft.
    await page.goto(`${base}/spaces/DOC/pages/${pageId}/edit`);
    const offer = page.locator('.draft-offer');
    await offer.waitFor();
    expect(await offer.textContent()).toContain('You have an unsaved draft from');
    expect(await page.inputValue('#title')).toBe('Runbook');
    await offer.locator('button', { hasText: 'Restore it' }).click();
    expect(await page.inputValue('#title')).toBe('Runbook, half edited');
    expect(await offer.count()).toBe(0);

    await Promise.all([page.waitForURL(/\/pages\/\d+\/runbook-half-edited$/), page.click('button:has-text("Save")')]);
    const [row] = await t.db.query(`SELECT title, version FROM pages WHERE id = $1`, [pageId]);
    expect(row).toEqual({ title: 'Runbook, half edited', version: 2 });
    expect(await drafts()).toEqual([]);
  });

  it('discards a draft on request, keeping the stored page in the form', async () => {
    await typeAndWaitForDraft('Throwaway title');
    await page.goto(`${base}/spaces/DOC/pages/${pageId}/edit`);
    const offer = page.locator('.draft-offer');
    await offer.waitFor();
    await offer.locator('button', { hasText: 'Discard' }).click();
    await offer.waitFor({ state: 'detached' });
    expect(await page.inputValue('#title')).toBe('Runbook, half edited');
    expect(await drafts()).toEqual([]);
  });

  it('says that typing is not kept while an earlier draft is offered, and keeps it once that is settled', async () => {
    await typeAndWaitForDraft('Earlier draft');
    await page.goto(`${base}/spaces/DOC/pages/${pageId}/edit`);
    const offer = page.locator('.draft-offer');
    await offer.waitFor();
    await page.fill('#title', 'Typed past the offer');
    await page.locator('.draft-status', { hasText: 'not saved as a draft yet' }).waitFor({ timeout: 15_000 });
    expect((await drafts()).map((d) => d.title)).toEqual(['Earlier draft']);

    await offer.locator('button', { hasText: 'Discard' }).click();
    await offer.waitFor({ state: 'detached' });
    await page.locator('.draft-status', { hasText: 'Draft saved' }).waitFor({ timeout: 15_000 });
    expect((await drafts()).map((d) => d.title)).toEqual(['Typed past the offer']);
  });
});
