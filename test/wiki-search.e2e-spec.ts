import type { Page } from '../src/wiki/pages/page.types.js';
import type { Viewer } from '../src/wiki/permissions/viewer.js';
import type { Space } from '../src/wiki/spaces/space.service.js';
import { USERS_GROUP } from '../src/users/group.entity.js';
import { RANKED_CANDIDATES } from '../src/wiki/search/search.service.js';
import { createUser, escapeHtml, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import {
  adminViewer,
  createPage,
  createSpace,
  editPage,
  hitSnippetHtml,
  hitTitleHtml,
  labelPage,
  searchAs,
  viewerOfUser,
} from './wiki-search-fixtures.js';

describe('wiki search: ranking, websearch syntax, filters, snippets', () => {
  let t: TestApp;
  let admin: Viewer;
  let web: WebSession;
  let doc: Space;
  let ops: Space;
  const search = (params: Record<string, string>) => searchAs(web.agent, params);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminViewer(t);
    web = await loginAsAdmin(t);
    doc = await createSpace(t, admin, 'DOC', 'Documentation');
    ops = await createSpace(t, admin, 'OPS', 'Operations');
  });
  afterAll(() => t.close());

  describe('ranking', () => {
    beforeAll(async () => {
      // Created body-first, so newer-is-better could not explain the order.
      await createPage(t, admin, doc, 'Bird watching', '<p>We saw a kestrel near the river.</p>');
      const labelled = await createPage(t, admin, doc, 'Field guide', '<p>Raptors of the coast.</p>');
      await labelPage(t, labelled.id, 'kestrel');
      await createPage(t, admin, doc, 'Kestrel', '<p>A small falcon.</p>');
    });

    it('ranks a title match above a label match above a body match', async () => {
      const res = await search({ q: 'kestrel' });
      expect(res.status).toBe(200);
      expect(res.titles).toEqual(['Kestrel', 'Field guide', 'Bird watching']);
      expect(res.html).toContain('3 pages found.');
    });

    it('matches word forms through the English stemmer', async () => {
      expect((await search({ q: 'kestrels' })).titles).toEqual(['Kestrel', 'Field guide', 'Bird watching']);
    });
  });

  describe('websearch syntax', () => {
    beforeAll(async () => {
      await createPage(t, admin, doc, 'Phrase adjacent', '<p>The golden osprey nests here.</p>');
      await createPage(t, admin, doc, 'Phrase apart', '<p>An osprey flew over the golden field.</p>');
      await createPage(t, admin, doc, 'Osprey alone', '<p>Just an osprey.</p>');
      await createPage(t, admin, doc, 'Heron page', '<p>A grey heron waits.</p>');
      await createPage(t, admin, doc, 'Plover page', '<p>A ringed plover runs.</p>');
    });

    it('matches a quoted phrase only where the words are adjacent', async () => {
      expect((await search({ q: '"golden osprey"' })).titles).toEqual(['Phrase adjacent']);
      expect((await search({ q: 'golden osprey' })).titles.sort()).toEqual(['Phrase adjacent', 'Phrase apart']);
    });

    it('matches either word with OR, and both without', async () => {
      expect((await search({ q: 'heron OR plover' })).titles.sort()).toEqual(['Heron page', 'Plover page']);
      const both = await search({ q: 'heron plover' });
      expect(both.titles).toEqual([]);
      expect(both.html).toContain('No pages match your search.');
    });

    it('leaves out pages with a -excluded word, even when their title matches', async () => {
      expect((await search({ q: 'osprey -golden' })).titles).toEqual(['Osprey alone']);
    });

    it('finds nothing, without an error, for stop words only', async () => {
      const res = await search({ q: 'the' });
      expect(res.status).toBe(200);
      expect(res.titles).toEqual([]);
    });
  });

  describe('filters', () => {
    let bobPage: Page;
    let alicePage: Page;
    let oldPage: Page;

    beforeAll(async () => {
      const alice = await createUser(t, { username: 'alice' }, [USERS_GROUP]);
      const bob = await createUser(t, { username: 'bob' }, [USERS_GROUP]);
      await createPage(t, admin, doc, 'Tern in docs', '<p>Arctic tern.</p>');
      await createPage(t, admin, ops, 'Tern in ops', '<p>Common tern.</p>');
      const labelled = await createPage(t, admin, doc, 'Tern labelled', '<p>Little tern.</p>');
      await labelPage(t, labelled.id, 'seabird');
      // Created by the admin, edited by bob: bob contributed.
      bobPage = await editPage(t, viewerOfUser(bob), await createPage(t, admin, doc, 'Tern edited by bob', '<p>Sandwich tern.</p>'), '<p>Sandwich tern, edited.</p>');
      alicePage = await createPage(t, viewerOfUser(alice), doc, 'Tern by alice', '<p>Roseate tern.</p>');
      oldPage = await createPage(t, admin, doc, 'Tern of old', '<p>Caspian tern.</p>');
      await t.db.query(`UPDATE pages SET updated_at = '2020-01-15T12:00:00Z' WHERE id = $1`, [oldPage.id]);
    });

    it('narrows to one space', async () => {
      expect((await search({ q: 'tern', space: 'OPS' })).titles).toEqual(['Tern in ops']);
      expect((await search({ q: 'tern', space: 'ops' })).titles).toEqual(['Tern in ops']);
      expect((await search({ q: 'tern', space: 'NOSUCH' })).titles).toEqual([]);
    });

    it('narrows to a label', async () => {
      expect((await search({ q: 'tern', label: 'seabird' })).titles).toEqual(['Tern labelled']);
      expect((await search({ q: 'tern', label: 'SeaBird' })).titles).toEqual(['Tern labelled']);
    });

    it('narrows to pages a person created or edited', async () => {
      expect((await search({ q: 'tern', contributor: 'bob' })).titles).toEqual([bobPage.title]);
      expect((await search({ q: 'tern', contributor: 'ALICE' })).titles).toEqual([alicePage.title]);
      expect((await search({ q: 'tern', contributor: 'nobody-here' })).titles).toEqual([]);
    });

    it('narrows by the day of the last update, both ends inclusive', async () => {
      expect((await search({ q: 'tern', to: '2020-12-31' })).titles).toEqual(['Tern of old']);
      expect((await search({ q: 'tern', from: '2020-01-15', to: '2020-01-15' })).titles).toEqual(['Tern of old']);
      expect((await search({ q: 'tern', from: '2020-01-16', to: '2020-12-31' })).titles).toEqual([]);
      const recent = await search({ q: 'tern', from: '2021-01-01' });
      expect(recent.titles).toHaveLength(5);
      expect(recent.titles).not.toContain('Tern of old');
    });

    it('combines filters, and lists filtered pages newest first without words', async () => {
      expect((await search({ q: 'tern', space: 'DOC', contributor: 'bob', from: '2021-01-01' })).titles).toEqual([bobPage.title]);
      expect((await search({ q: 'tern', space: 'OPS', contributor: 'bob' })).titles).toEqual([]);
      const byLabel = await search({ label: 'seabird' });
      expect(byLabel.titles).toEqual(['Tern labelled']);
      expect(hitSnippetHtml(byLabel.html)).toEqual(['Little tern.']);
    });

    it('shows the filters it applied in the form', async () => {
      const res = await search({ q: 'tern', space: 'OPS', label: 'seabird', contributor: 'bob', from: '2021-01-01', to: '2030-01-01' });
      expect(res.html).toMatch(/<option value="OPS" selected>/);
      expect(res.html).toContain('id="search-label" name="label" type="text" value="seabird"');
      expect(res.html).toContain('value="bob"');
      expect(res.html).toContain('value="2021-01-01"');
      expect(res.html).toContain('value="2030-01-01"');
    });
  });

  describe('snippets', () => {
    beforeAll(async () => {
      // Text that reads like markup, and a real script (the sanitiser drops it).
      await createPage(
        t,
        admin,
        doc,
        'Wagtail <b>notes</b> & more',
        '<p>Wagtails watch &lt;script&gt;alert(1)&lt;/script&gt; &amp; "reeds" &lt;img src=x onerror=alert(3)&gt;.</p><script>alert(2)</script>',
      );
      // Page text carrying the private-use characters that stand for highlight marks.
      await createPage(t, admin, doc, 'Forgery', '<p>Pipit \uE000forged\uE001 words.</p>');
    });

    it('highlights matches in title and text, and escapes everything else', async () => {
      const res = await search({ q: 'wagtail' });
      expect(res.status).toBe(200);
      const [title] = hitTitleHtml(res.html);
      expect(title).toBe('<mark>Wagtail</mark> &lt;b&gt;notes&lt;/b&gt; &amp; more');
      const [snippet] = hitSnippetHtml(res.html);
      expect(snippet).toContain('<mark>Wagtails</mark>');
      expect(snippet).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(snippet).toContain('&amp; &quot;reeds&quot; &lt;img src=x onerror=alert');
      expect(snippet).not.toContain('alert(2)');
      // The only markup in a snippet is <mark>.
      expect(snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
      expect(res.html).not.toMatch(/<script>alert|<img src=x/);
    });

    it('shows the passage around a match deep inside a long page', async () => {
      const filler = '<p>Nothing to see in this paragraph, only filler text for the page.</p>'.repeat(150);
      await createPage(t, admin, doc, 'Long page', `${filler}<p>Late in the page: the dunlin privacy policy.</p>${filler}`);
      const [dunlin] = hitSnippetHtml((await search({ q: 'dunlin' })).html);
      expect(dunlin).toContain('<mark>dunlin</mark>');
      // "policy" stems to "polici", which is not a prefix of the word; the passage is still found.
      const [policy] = hitSnippetHtml((await search({ q: 'policy' })).html);
      expect(policy).toContain('<mark>policy</mark>');
    });

    it('does not let page text forge a highlight', async () => {
      const [snippet] = hitSnippetHtml((await search({ q: 'pipit' })).html);
      expect(snippet).toMatch(/^<mark>Pipit<\/mark> forged words/);
    });
  });

  describe('pagination and bounded ranking', () => {
    beforeAll(async () => {
      const rows = Array.from({ length: 25 }, (_, i) => `Puffin report ${String(i + 1).padStart(2, '0')}`);
      for (const title of rows) await createPage(t, admin, ops, title, '<p>Puffins nest on cliffs.</p>');
    });

    it('shows twenty results a page with links to the next and previous pages', async () => {
      const first = await search({ q: 'puffin', space: 'OPS' });
      expect(first.titles).toHaveLength(20);
      expect(first.html).toContain('25 pages found.');
      expect(first.html).toContain('Page 1 of 2');
      expect(first.html).toContain(`href="${escapeHtml('/search?q=puffin&space=OPS&page=2')}" rel="next"`);
      const second = await search({ q: 'puffin', space: 'OPS', page: '2' });
      expect(second.titles).toHaveLength(5);
      expect(new Set([...first.titles, ...second.titles]).size).toBe(25);
      expect(second.html).toContain(`href="${escapeHtml('/search?q=puffin&space=OPS')}" rel="prev"`);
      const beyond = await search({ q: 'puffin', space: 'OPS', page: '3' });
      expect(beyond.status).toBe(200);
      expect(beyond.titles).toEqual([]);
      expect(beyond.html).toContain('There are no more results.');
    });

    it('ranks only a bounded set for very common words, and still puts an old title match first', async () => {
      const [{ id: spaceId }] = await t.db.query(`SELECT id FROM spaces WHERE key = 'OPS'`);
      await t.db.query(
        `INSERT INTO pages (space_id, title, body, updated_at)
         SELECT $1, 'Seabird log ' || n, '<p>A gannet dived, and another gannet.</p>', now() - n * interval '1 minute'
           FROM generate_series(1, $2::int) n`,
        [spaceId, RANKED_CANDIDATES + 10],
      );
      await t.db.query(`INSERT INTO pages (space_id, title, body, updated_at) VALUES ($1, 'Gannet colony', '<p>Where the gannet nests.</p>', '2019-05-01')`, [
        spaceId,
      ]);
      const res = await search({ q: 'gannet' });
      expect(res.titles[0]).toBe('Gannet colony');
      expect(res.titles).toHaveLength(20);
      expect(res.html).toMatch(/At least \d+ pages match; showing the best matches among the most recently updated pages/);
    });
  });

  describe('bad input', () => {
    it.each([
      ['an impossible date', { q: 'tern', from: '2020-13-45' }, 'Enter a date as YYYY-MM-DD.'],
      ['a query over 200 characters', { q: 'x'.repeat(201) }, 'Search for at most 200 characters.'],
      ['page 0', { q: 'tern', page: '0' }, 'That results page does not exist.'],
      ['an end date before the start', { q: 'tern', from: '2024-02-01', to: '2024-01-01' }, 'The end date is before the start date.'],
    ])('answers %s with 400, the message and the form as typed', async (_what, params, message) => {
      const res = await search(params);
      expect(res.status).toBe(400);
      expect(res.html).toContain(message);
      expect(res.titles).toEqual([]);
      if (params.from) expect(res.html).toContain(`value="${params.from}"`);
    });

    it('answers a repeated parameter with 400', async () => {
      const res = await web.agent.get('/search?q=tern&q=puffin');
      expect(res.status).toBe(400);
      expect(res.text).toContain('Give this field once.');
    });

    it('shows the empty form without searching when nothing is asked', async () => {
      const res = await search({});
      expect(res.status).toBe(200);
      expect(res.html).toContain('id="search-q"');
      expect(res.html).not.toContain('role="status"');
    });
  });
});
