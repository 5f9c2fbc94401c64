import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium, logInAsAdmin, watchProblems } from '../helpers/browser.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/test-app.js';
import { WebSession } from '../helpers/web-session.js';
import { RICH_STORAGE } from './storage-corpus.js';

// The rich editor in a real browser: Debian's Chromium driven by playwright-core.
if (!hasChromium) console.warn(`Skipping the browser tests of the page editor: ${CHROMIUM} is missing (apt-get install chromium).`);

const SCREENSHOTS = { editor: '/tmp/atrium-editor.png', page: '/tmp/atrium-page.png', richEditor: '/tmp/atrium-editor-rich.png' };
// A 1×1 PNG, uploaded as a page attachment.
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

/** All the text of a storage body (macro parameters included), whitespace collapsed. */
function textOf(storage: string): string {
  return textContent(parseDocument(storage)).replace(/\s+/g, ' ').trim();
}

describe.skipIf(!hasChromium)('page editor in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let homeId: string;
  let admin: WebSession;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The bundles are build output; build them from the current sources.
    execFileSync(process.execPath, ['scripts/build-editor.mjs'], { stdio: 'inherit' });
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
    admin = new WebSession(t.http);
    await admin.login('admin', ADMIN_PASSWORD);
    await admin.submit('/spaces', { key: 'DOC', name: 'Documentation', description: '' }, '/spaces/new');
    [{ id: homeId }] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'DOC'`);
    await admin.submit('/spaces/DOC/pages', { title: 'Glossary', body: '<p>Words.</p>', parentId: homeId }, '/spaces/DOC/pages/new');
    await admin.submit('/spaces', { key: 'OPS', name: 'Operations', description: '' }, '/spaces/new');
    await admin.submit('/spaces/OPS/pages', { title: 'Runbook', body: '<p>Steps.</p>' }, '/spaces/OPS/pages/new');

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    watchProblems(page, cspViolations, pageErrors);
    await logInAsAdmin(page, base);
  });

  // Every test runs under Atrium's CSP (script-src and style-src 'self'): nothing the editor
  // does may be refused. (External images in page content are refused by design: img-src 'self'.)
  beforeEach(() => {
    cspViolations.length = 0;
    pageErrors.length = 0;
  });
  afterEach(() => {
    expect(cspViolations.filter((v) => !v.includes("Loading the image 'https://example.com/"))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function storedBody(title: string): Promise<string> {
    const [row] = await t.db.query(`SELECT body FROM pages WHERE title = $1 AND status = 'current'`, [title]);
    return row?.body;
  }

  async function openEditor(path: string) {
    await page.goto(`${base}${path}`);
    const editor = page.locator('.editor-content');
    await editor.waitFor();
    return editor;
  }

  /** Answers the editor's prompt dialog, then waits for what the answer inserts. */
  async function answer(value: string, inserted: string) {
    const input = page.locator('dialog.editor-dialog[open] input');
    await input.fill(value);
    await input.press('Enter');
    await page.locator(`.editor-content ${inserted}`).first().waitFor();
  }

  it('creates a page with Markdown shortcuts, bold, a task list, a code block and a table', async () => {
    await page.goto(`${base}/spaces/DOC/pages/new`);
    const editor = page.locator('.editor-content');
    await editor.waitFor();
    expect(await page.locator('textarea#body').isHidden()).toBe(true);

    await page.fill('#title', 'Editor tour');
    await editor.click();
    await page.keyboard.type('## Overview');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Some ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('bold');
    await page.keyboard.press('Control+b');
    await page.keyboard.type(' text.');
    await page.keyboard.press('Enter');
    await page.keyboard.type('[ ] Write docs');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Ship it');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('```js ');
    await page.keyboard.type('const answer = 42;');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Insert table' }).click();
    await page.keyboard.type('Name');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Value');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('answer');

    // The textarea (the form field, read by draft autosave too) follows every change.
    const live = await page.locator('textarea#body').inputValue();
    expect(live).toContain('<h2>Overview</h2>');
    expect(live).toContain('answer');
    await expect.poll(() => page.locator('.editor-content pre code .hljs-keyword').count()).toBeGreaterThan(0);
    await page.screenshot({ path: SCREENSHOTS.editor, fullPage: true });

    await Promise.all([page.waitForURL(/\/spaces\/DOC\/pages\/\d+\/editor-tour$/), page.click('button:has-text("Create")')]);
    const body = await storedBody('Editor tour');
    expect(body).toContain('<h2>Overview</h2>');
    expect(body).toContain('<p>Some <strong>bold</strong> text.</p>');
    expect(body).toContain(
      '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Write docs</ac:task-body></ac:task>' +
        '<ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Ship it</ac:task-body></ac:task></ac:task-list>',
    );
    expect(body).toContain('<pre><code class="language-js">const answer = 42;</code></pre>');
    expect(body).toMatch(/<table><tbody><tr><th>Name<\/th><th>Value<\/th><th><\/th><\/tr><tr><td>answer<\/td>/);

    // The page screen renders it, with the code highlighted.
    await expect.poll(() => page.locator('.page-body pre code.hljs .hljs-keyword').count()).toBeGreaterThan(0);
    expect(await page.locator('.page-body h2#overview').textContent()).toBe('Overview');
    expect(await page.locator('.page-body strong').textContent()).toBe('bold');
    expect(await page.locator('.page-body ul.task-list li.task').allTextContents()).toEqual([' Write docs', ' Ship it']);
    expect(await page.locator('.page-body table th').first().textContent()).toBe('Name');
    await page.screenshot({ path: SCREENSHOTS.page, fullPage: true });
  });

  it('inserts panels, macros, page links, Markdown paste and attachment images from the toolbar', async () => {
    const editor = await openEditor('/spaces/DOC/pages/new');
    await page.fill('#title', 'Toolbar tour');
    await editor.click();
    await page.selectOption('select[aria-label="Panel"]', 'warning');
    await page.keyboard.type('Mind the gap.');
    await page.keyboard.press('Enter');
    await page.selectOption('select[aria-label="Panel"]', '');
    await page.getByRole('button', { name: 'Table of contents' }).click();
    await page.getByRole('button', { name: 'Children display' }).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('See ');
    await page.getByRole('button', { name: 'Page link' }).click();
    await answer('Glossary', 'a[data-page-title="Glossary"]');
    await page.keyboard.type(' for terms, and ');
    // Titles are suggested as you type; one found only in another space links there.
    await page.getByRole('button', { name: 'Page link' }).click();
    await page.locator('dialog.editor-dialog[open] input').pressSequentially('Runb');
    await expect.poll(() => page.locator('dialog.editor-dialog[open] datalist option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['Runbook']);
    await answer('Runbook', 'a[data-page-title="Runbook"]');
    await page.keyboard.type('.');
    await page.keyboard.press('Enter');
    await page.locator('.editor-content').evaluate((el, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, '## Pasted\n\n- [x] shipped\n- [ ] next\n\nVery **strong** words.\n');
    await Promise.all([page.waitForURL(/\/toolbar-tour$/), page.click('button:has-text("Create")')]);

    const body = await storedBody('Toolbar tour');
    expect(body).toContain('<ac:structured-macro ac:name="warning"><ac:rich-text-body><p>Mind the gap.</p></ac:rich-text-body></ac:structured-macro>');
    expect(body).toMatch(/<ac:structured-macro ac:name="toc" ac:schema-version="1">(<\/ac:structured-macro>)?/);
    expect(body).toMatch(/<ac:structured-macro ac:name="children" ac:schema-version="2">(<\/ac:structured-macro>)?/);
    expect(body).toContain(
      '<p>See <ac:link><ri:page ri:content-title="Glossary" /></ac:link> for terms, and ' +
        '<ac:link><ri:page ri:content-title="Runbook" ri:space-key="OPS" /></ac:link>.</p>',
    );
    expect(body).toContain('<h2>Pasted</h2>');
    expect(body).toContain('<ac:task-status>complete</ac:task-status><ac:task-body>shipped</ac:task-body>');
    expect(body).toContain('<p>Very <strong>strong</strong> words.</p>');

    // The view resolves the page link and expands the macros.
    const glossary = page.locator('.page-body a.page-link', { hasText: 'Glossary' });
    expect(await glossary.getAttribute('href')).toMatch(/^\/spaces\/DOC\/pages\/\d+\/glossary$/);
    const runbook = page.locator('.page-body a.page-link', { hasText: 'Runbook' });
    expect(await runbook.getAttribute('href')).toMatch(/^\/spaces\/OPS\/pages\/\d+\/runbook$/);
    expect(await page.locator('.page-body .panel-warning').textContent()).toContain('Mind the gap.');
    expect(await page.locator('.page-body nav.toc a').allTextContents()).toEqual(['Pasted']);
    expect(await page.locator('.page-body ul.children-list').count()).toBe(1);

    // An image attached to the page goes in by its file name.
    await page.setInputFiles('#attachment-files', { name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL_PNG });
    await Promise.all([page.waitForURL(/\/toolbar-tour/), page.click('form.attachment-upload button[type="submit"]')]);
    const pageId = /\/pages\/(\d+)\//.exec(page.url())![1];
    const edit = await openEditor(`/spaces/DOC/pages/${pageId}/edit`);
    await edit.locator('p', { hasText: 'Very' }).click();
    await page.keyboard.press('End');
    await page.getByRole('button', { name: 'Image from attachment' }).click();
    await answer('pixel.png', 'img[data-filename="pixel.png"]');
    await expect.poll(() => edit.locator('img[data-filename="pixel.png"]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    await Promise.all([page.waitForURL(/\/toolbar-tour$/), page.click('button:has-text("Save")')]);
    expect(await storedBody('Toolbar tour')).toContain(
      '<p>Very <strong>strong</strong> words.<ac:image ac:alt="pixel.png"><ri:attachment ri:filename="pixel.png" /></ac:image></p>',
    );
    const shown = page.locator('.page-body img.attachment-image');
    expect(await shown.getAttribute('src')).toBe(`/pages/${pageId}/attachments/pixel.png`);
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  });

  it('edits an existing page without losing any of its storage content', async () => {
    const created = await admin.submit('/spaces/DOC/pages', { title: 'Everything', body: RICH_STORAGE, parentId: homeId }, '/spaces/DOC/pages/new');
    const id = created.headers.location.split('/')[4];
    const before = await storedBody('Everything');
    const editor = await openEditor(`/spaces/DOC/pages/${id}/edit`);
    expect(await editor.locator('.storage-node').allTextContents()).toEqual(['Table of contents', 'Children display', 'Link to report.pdf', 'Macro: jira']);
    expect(await editor.locator('.panel-info').getAttribute('data-label')).toBe('Info: Heads up');
    // Opening the editor changes nothing by itself: the field (and any draft) keeps the stored text.
    expect(await page.locator('textarea#body').inputValue()).toBe(before);
    await page.screenshot({ path: SCREENSHOTS.richEditor, fullPage: true });
    await editor.locator('h3', { hasText: 'Outro' }).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' edited');
    await Promise.all([page.waitForURL(/\/everything$/), page.click('button:has-text("Save")')]);

    const after = await storedBody('Everything');
    expect(after).toContain('<h3>Outro edited</h3>');
    // The same text (macro parameters included); only the task without an id got one.
    const withoutIds = (body: string) => body.replace(/<ac:task-id>\d+<\/ac:task-id>/g, '');
    expect(textOf(withoutIds(after.replace(' edited', '')))).toBe(textOf(withoutIds(before)));
    for (const kept of [
      'ac:name="info" ac:schema-version="1"><ac:parameter ac:name="title">Heads up</ac:parameter>',
      '<ac:parameter ac:name="language">js</ac:parameter><ac:parameter ac:name="title">Example</ac:parameter>',
      '<pre><code class="language-python">',
      '<ac:parameter ac:name="maxLevel">3</ac:parameter>',
      '<ri:page ri:content-title="Other" ri:space-key="OPS" /><ac:link-body>the ops page</ac:link-body>',
      '<ri:attachment ri:filename="report.pdf" />',
      '<ac:image ac:alt="Diagram" ac:width="300"><ri:attachment ri:filename="diagram.png" /></ac:image>',
      '<ri:url ri:value="https://example.com/logo.png" />',
      '<ac:task-id>7</ac:task-id><ac:task-status>complete</ac:task-status>',
      '<td colspan="2">wide</td>',
      '<ol start="3">',
    ]) {
      expect(after).toContain(kept);
    }
  });

  it('loads storage written into the field by others: the Source view and restored drafts', async () => {
    const editor = await openEditor('/spaces/DOC/pages/new');
    await page.getByRole('button', { name: 'Storage format' }).click();
    const field = page.locator('textarea#body');
    expect(await field.isVisible()).toBe(true);
    await field.fill('<h3>From source</h3><ac:structured-macro ac:name="note"><ac:rich-text-body><p>n</p></ac:rich-text-body></ac:structured-macro>');
    await page.getByRole('button', { name: 'Storage format' }).click();
    expect(await field.isHidden()).toBe(true);
    expect(await editor.locator('h3').textContent()).toBe('From source');
    expect(await editor.locator('.panel-note').textContent()).toBe('n');
    // drafts.js restores a draft by setting the field and announcing it with an input event.
    await field.evaluate((el: HTMLTextAreaElement) => {
      el.value = '<p>Restored <em>draft</em></p>';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await editor.locator('em').textContent()).toBe('draft');
    expect(await editor.locator('h3').count()).toBe(0);
  });

  it('still works without JavaScript: the storage textarea is the editor', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await context.newPage();
      await logInAsAdmin(plain, base);
      await plain.goto(`${base}/spaces/DOC/pages/new`);
      expect(await plain.locator('textarea#body').isVisible()).toBe(true);
      await plain.fill('#title', 'No script');
      await plain.fill('textarea#body', '<p>Typed as <strong>storage</strong>.</p>');
      await Promise.all([plain.waitForURL(/\/no-script$/), plain.click('button:has-text("Create")')]);
      expect(await storedBody('No script')).toBe('<p>Typed as <strong>storage</strong>.</p>');
    } finally {
      await context.close();
    }
  });

  it('would notice a CSP violation (the check above is live)', async () => {
    const probe = await browser.newPage();
    const seen: string[] = [];
    watchProblems(probe, seen, []);
    await probe.goto(`${base}/login`);
    await probe.evaluate(() => document.body.setAttribute('style', 'color: red'));
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    await probe.close();
  });
});
