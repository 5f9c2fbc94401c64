import render from 'dom-serializer';
import { Element, type ChildNode } from 'domhandler';
import { findAll, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import request from 'supertest';
import { loginAsAdmin } from './helpers/admin-fixtures.js';
import { basicAuth } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { csrfTokenFrom, type WebSession } from './helpers/web-session.js';

/**
 * The sanitiser corpus: every payload is saved through the page form, through REST and as a
 * comment. What is stored, and what the page, an old version and the comment render, must
 * hold nothing active: no script, no event handler, no script-bearing URL, no element that
 * loads or embeds other content, and nothing that breaks out of the page body.
 */
const CORPUS: [string, string][] = [
  // Script elements
  ['script tag', '<script>alert(1)</script>'],
  ['script with src, upper case', '<SCRIPT SRC=//evil.example/x.js></SCRIPT>'],
  ['script split by nesting', '<scr<script>ipt>alert(1)</scr</script>ipt>'],
  ['script behind a stray angle bracket', '<<script>script>alert(1)<</script>/script>'],
  ['script in svg', '<svg><script>alert(1)</script></svg>'],
  ['script escaping the page body', '</div></article><script>alert(1)</script><div>'],
  // Event handlers on many tags
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['img onerror, mixed case and slash', '<IMG/SRC=x OnErRoR=alert(1)>'],
  ['svg onload', '<svg onload=alert(1)><circle r="10" /></svg>'],
  ['body onload', '<body onload=alert(1)><p>b</p></body>'],
  ['div onmouseover', '<div onmouseover="alert(1)">hover</div>'],
  ['details ontoggle', '<details open ontoggle=alert(1)><summary>s</summary></details>'],
  ['input onfocus', '<input autofocus onfocus=alert(1)>'],
  ['video source onerror', '<video><source onerror="alert(1)"></video>'],
  ['marquee onstart', '<marquee onstart=alert(1)>m</marquee>'],
  ['table cell onclick', '<table background="javascript:alert(1)"><tr><td onclick="alert(1)">x</td></tr></table>'],
  ['link with onclick', '<a href="https://example.com/" onclick="alert(1)">ok</a>'],
  ['unknown element handler', '<xss onafterscriptexecute=alert(1)>x</xss>'],
  // javascript:, vbscript: and data: URLs
  ['javascript href', '<a href="javascript:alert(1)">click</a>'],
  ['javascript href, upper case', '<a href="JAVASCRIPT:alert(1)">click</a>'],
  ['javascript img src, mixed case', `<IMG SRC="JaVaScRiPt:alert('XSS')">`],
  ['javascript href, decimal entities', '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">e</a>'],
  ['javascript href, padded entities without semicolons', '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">e</a>'],
  ['javascript href, hex entities', '<a href="&#x6A;avascript&#x3A;alert(1)">e</a>'],
  ['javascript href, named colon entity', '<a href="javascript&colon;alert(1)">e</a>'],
  ['javascript href, tab inside', '<a href="java&#x09;script:alert(1)">e</a>'],
  ['javascript href, leading control characters', '<a href=" &#14;  javascript:alert(1)">e</a>'],
  ['vbscript href', '<a href="vbscript:msgbox(1)">v</a>'],
  ['data href', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>'],
  ['data img src', '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">'],
  ['svg xlink:href', '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'],
  // Elements that load, embed or redirect
  ['iframe javascript', '<iframe src="javascript:alert(1)"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['object data', '<object data="javascript:alert(1)"></object>'],
  ['embed data url', '<embed src="data:text/html,<script>alert(1)</script>">'],
  ['form with formaction', '<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button></form>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ['base href', '<base href="javascript:alert(1)//">'],
  ['link stylesheet', '<link rel="stylesheet" href="javascript:alert(1)">'],
  ['style element', `<style>@import 'javascript:alert(1)'; body { background: url(javascript:alert(1)) }</style>`],
  ['style attribute', '<p style="background:url(javascript:alert(1))">styled</p>'],
  ['math mutation', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  ['noscript mutation', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
  // CDATA, comments, broken tags, quotes
  ['CDATA around a script', '<![CDATA[<script>alert(1)</script>]]>'],
  ['CDATA closing the code body early', '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[</ac:plain-text-body><script>alert(1)</script>]]></ac:plain-text-body></ac:structured-macro>'],
  ['comment hiding an img', '<!--<img src="--><img src=x onerror=alert(1)//">'],
  ['unclosed img with handler', '<img src=x onerror=alert(1)//'],
  ['quotes closing the img', '<img """><script>alert(1)</script>">'],
  ['attribute breaking with entities', '<a href="https://example.com/" title="a&quot; onmouseover=&quot;alert(1)">q</a>'],
  ['attribute breaking with single quotes', `<a title='x" onclick="alert(1)'>q</a><img alt="x' onerror='alert(1)" src="https://example.com/a.png">`],
  // Confluence storage: macros, ri:url, link bodies
  ['panel with payloads in parameter and body', '<ac:structured-macro ac:name="info"><ac:parameter ac:name="title"><script>alert(1)</script>T" onmouseover="alert(1)</ac:parameter><ac:rich-text-body><p>body<img src=x onerror=alert(1)></p><script>alert(2)</script></ac:rich-text-body></ac:structured-macro>'],
  ['code macro language breaking out', '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">js" onmouseover="alert(1)</ac:parameter><ac:plain-text-body><![CDATA[<script>alert(1)</script>]]></ac:plain-text-body></ac:structured-macro>'],
  ['html macro', '<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>alert(1)</script>]]></ac:plain-text-body></ac:structured-macro>'],
  ['macro name with handler', '<ac:structured-macro ac:name="warning" onclick="alert(1)"><ac:rich-text-body><a href="javascript:alert(1)">w</a></ac:rich-text-body></ac:structured-macro>'],
  ['ri:url javascript image', '<ac:image><ri:url ri:value="javascript:alert(1)" /></ac:image>'],
  ['ri:url data image', '<ac:image><ri:url ri:value="data:image/svg+xml,&lt;svg onload=alert(1)&gt;" /></ac:image>'],
  ['ri:url link, obfuscated', '<ac:link><ri:url ri:value="&#x6A;avaScript:alert(1)" /><ac:link-body>u</ac:link-body></ac:link>'],
  ['attachment filename breaking the src', '<ac:image ac:alt="a&quot; onerror=&quot;alert(1)"><ri:attachment ri:filename="x&quot; onerror=&quot;alert(1)" /></ac:image>'],
  ['link body with payload', '<ac:link><ri:page ri:content-title="Home" /><ac:link-body><img src=x onerror=alert(1)><script>alert(1)</script><b onclick="alert(1)">click</b></ac:link-body></ac:link>'],
  ['plain link body with markup', '<ac:link><ri:page ri:content-title="Home" /><ac:plain-text-link-body><![CDATA[<b onmouseover=alert(1)>x</b>]]></ac:plain-text-link-body></ac:link>'],
  ['ri:page with handler', '<ac:link><ri:page ri:content-title="x" onclick="alert(1)" /></ac:link>'],
  ['task body with payload', '<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body><img src=x onerror=alert(1)>done</ac:task-body></ac:task></ac:task-list>'],
];

/** Elements that may never appear in a stored or rendered body. */
const FORBIDDEN_ELEMENTS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'button', 'textarea', 'select',
  'base', 'meta', 'link', 'style', 'svg', 'math', 'template', 'noscript', 'video', 'audio', 'source', 'body',
  'html', 'head', 'title', 'details', 'marquee', 'xss',
]);
/** Attributes that run script, load content or carry CSS. */
const FORBIDDEN_ATTRIBUTES = new Set(['style', 'srcdoc', 'action', 'formaction', 'xlink:href', 'background', 'data', 'http-equiv']);
const ACTIVE_URL = /^(javascript|vbscript|data):/;

/** An attribute value as a browser reads a URL: entities decoded (by the parser), whitespace and controls gone. */
const urlForm = (value: string) => value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();

function parse(html: string) {
  return parseDocument(html, { lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true });
}

/** Every active part found under `nodes`, described, so a failure names what slipped through. */
function activeParts(nodes: ChildNode[], forbidden = FORBIDDEN_ELEMENTS): string[] {
  const found: string[] = [];
  for (const el of findAll(() => true, nodes)) {
    if (forbidden.has(el.name)) found.push(`<${el.name}>`);
    for (const [name, value] of Object.entries(el.attribs)) {
      if (name.startsWith('on') || FORBIDDEN_ATTRIBUTES.has(name)) found.push(`<${el.name} ${name}>`);
      if (ACTIVE_URL.test(urlForm(value))) found.push(`<${el.name} ${name}="${value}">`);
    }
  }
  return found;
}

/** A stored body: storage format, parsed as the renderer parses it. */
function storedActiveParts(storage: string): string[] {
  return activeParts(parse(storage).children, new Set([...FORBIDDEN_ELEMENTS, 'input']));
}

/** The elements with this class in a rendered screen. */
function byClass(html: string, className: string): Element[] {
  return findAll((e) => (e.attribs.class ?? '').split(/\s+/).includes(className), parse(html).children);
}

/**
 * The sections of a rendered screen that hold user content must be inert; task-list
 * checkboxes (disabled) are the one input a body renders to.
 */
function expectSectionsInert(html: string, contentClass: string, expectedSections = 1) {
  const sections = byClass(html, contentClass);
  expect(sections).toHaveLength(expectedSections);
  for (const section of sections) {
    expect(activeParts([section])).toEqual([]);
    const serialized = render(section.children);
    expect(serialized).not.toMatch(/<script/i);
    expect(serialized).not.toMatch(/<(iframe|object|embed|form|base|meta|link|style)\b/i);
    const inputs = findAll((e) => e.name === 'input', section.children);
    expect(inputs.every((i) => i.attribs.type === 'checkbox' && 'disabled' in i.attribs)).toBe(true);
  }
}

/** Nothing escaped into the rest of the screen: only the app's own scripts, no handlers, no active URLs. */
function expectDocumentInert(html: string) {
  const doc = parse(html).children;
  const scripts = findAll((e) => e.name === 'script', doc);
  expect(scripts.every((s) => /^\/static\/js\/[\w.-]+\.js$/.test(s.attribs.src ?? '') && s.children.length === 0)).toBe(true);
  const everywhere = findAll(() => true, doc).flatMap((e) =>
    Object.entries(e.attribs)
      .filter(([name, value]) => name.startsWith('on') || name === 'style' || ACTIVE_URL.test(urlForm(value)))
      .map(([name]) => `<${e.name} ${name}>`),
  );
  expect(everywhere).toEqual([]);
  expect(findAll((e) => ['iframe', 'object', 'embed', 'base'].includes(e.name), doc)).toEqual([]);
}

describe('wiki sanitiser corpus: XSS payloads are stored and rendered inert', () => {
  let t: TestApp;
  let admin: WebSession;
  let homeId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    const res = await admin.submit('/spaces', { key: 'XSS', name: 'Corpus', description: '' }, '/spaces/new');
    expect(res.status).toBe(303);
    [{ id: homeId }] = await t.db.query(`SELECT homepage_id::text AS id FROM spaces WHERE key = 'XSS'`);
  });
  afterAll(() => t.close());

  it('has a corpus of at least 30 distinct payloads', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CORPUS.map(([, payload]) => payload)).size).toBe(CORPUS.length);
  });

  // Text around the payload, so neither body nor comment is ever empty after sanitising.
  const wrap = (payload: string) => `<p>Before the payload.</p>${payload}<p>After.</p>`;

  it.each(CORPUS.map(([name, payload], i) => [i + 1, name, payload] as const))(
    'payload %i (%s) through the page form and as a comment',
    async (n, _name, payload) => {
      const form = await admin.agent.get(`/spaces/XSS/pages/new?parent=${homeId}`).expect(200);
      const created = await admin.agent
        .post('/spaces/XSS/pages')
        .type('form')
        .send({ _csrf: csrfTokenFrom(form.text), title: `Form payload ${n}`, body: wrap(payload), parentId: homeId });
      expect(created.status).toBe(303);
      const pageId = created.headers.location.split('/')[4];
      const [page] = await t.db.query(`SELECT body FROM pages WHERE id = $1`, [pageId]);
      expect(storedActiveParts(page.body)).toEqual([]);
      expect(page.body).toContain('<p>Before the payload.</p>');
      const [version] = await t.db.query(`SELECT body FROM page_versions WHERE page_id = $1`, [pageId]);
      expect(version.body).toBe(page.body);

      const comment = await admin.agent
        .post(`/pages/${pageId}/comments`)
        .type('form')
        .send({ _csrf: csrfTokenFrom(form.text), body: wrap(payload) });
      expect(comment.status).toBe(303);
      const [stored] = await t.db.query(`SELECT body FROM comments WHERE page_id = $1`, [pageId]);
      expect(storedActiveParts(stored.body)).toEqual([]);

      const view = await admin.agent.get(created.headers.location).expect(200);
      expectSectionsInert(view.text, 'page-body');
      expectSectionsInert(view.text, 'comment-body');
      expectDocumentInert(view.text);
      // The body did not break out of its section: the comments still follow it in the article.
      const [body] = byClass(view.text, 'page-body');
      expect((body.parent as Element).attribs.class).toBe('page-main');
      expect(view.text).toContain('Before the payload.');

      const old = await admin.agent.get(`/spaces/XSS/pages/${pageId}/history/1`).expect(200);
      expectSectionsInert(old.text, 'page-body');
      expectDocumentInert(old.text);
    },
  );

  it.each(CORPUS.map(([name, payload], i) => [i + 1, name, payload] as const))(
    'payload %i (%s) through REST',
    async (n, _name, payload) => {
      const res = await request(t.http)
        .post('/rest/api/content')
        .set('Authorization', basicAuth('admin', ADMIN_PASSWORD))
        .send({ type: 'page', title: `REST payload ${n}`, space: { key: 'XSS' }, body: { storage: { value: wrap(payload), representation: 'storage' } } });
      expect(res.status).toBe(200);
      const [page] = await t.db.query(`SELECT body FROM pages WHERE id = $1`, [res.body.id]);
      expect(res.body.body.storage.value).toBe(page.body);
      expect(storedActiveParts(page.body)).toEqual([]);
      const view = await admin.agent.get(res.body._links.webui).expect(200);
      expectSectionsInert(view.text, 'page-body');
      expectDocumentInert(view.text);
    },
  );

  it('renders every payload inert even when it reached the database without the write-time sanitiser', async () => {
    const form = await admin.agent.get(`/spaces/XSS/pages/new?parent=${homeId}`).expect(200);
    const created = await admin.agent
      .post('/spaces/XSS/pages')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), title: 'Written behind our back', body: '<p>Clean</p>', parentId: homeId });
    expect(created.status).toBe(303);
    const pageId = created.headers.location.split('/')[4];
    for (const [name, payload] of CORPUS) {
      // A new version number each time, as any real write makes, so no cached rendering answers.
      await t.db.query(`UPDATE pages SET body = $2, version = version + 1 WHERE id = $1`, [pageId, wrap(payload)]);
      const view = await admin.agent.get(created.headers.location).expect(200);
      expect(view.text, name).toContain('Before the payload.')
      expectSectionsInert(view.text, 'page-body');
      expectDocumentInert(view.text);
    }
  });

  it('escapes a title carrying a payload wherever it is shown', async () => {
    const title = `<img src=x onerror=alert(1)><script>alert(2)</script>`;
    const form = await admin.agent.get(`/spaces/XSS/pages/new?parent=${homeId}`).expect(200);
    const created = await admin.agent
      .post('/spaces/XSS/pages')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), title, body: '<p>Linked:</p>', parentId: homeId });
    expect(created.status).toBe(303);
    const [{ id }] = await t.db.query(`SELECT id::text FROM pages WHERE title = $1`, [title]);
    // A link to it by title, from another page, shows the title as text.
    const link = `<ac:link><ri:page ri:content-title="${title.replace(/</g, '&lt;').replace(/"/g, '&quot;')}" /></ac:link>`;
    const linking = await admin.agent
      .post('/spaces/XSS/pages')
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), title: 'Links to the payload title', body: `<p>${link}</p>`, parentId: homeId });
    expect(linking.status).toBe(303);
    for (const path of [created.headers.location, linking.headers.location, `/spaces/XSS/pages/${id}/history`, '/spaces/XSS', '/search?q=onerror']) {
      const res = await admin.agent.get(path).redirects(1).expect(200);
      expectDocumentInert(res.text);
      expect(res.text, path).not.toContain(title);
    }
    const shown = await admin.agent.get(created.headers.location).expect(200);
    const [h1] = findAll((e) => e.name === 'h1', parse(shown.text).children);
    expect(textContent(h1)).toBe(title);
    const linked = await admin.agent.get(linking.headers.location).expect(200);
    const [a] = findAll((e) => e.name === 'a' && (e.attribs.class ?? '') === 'page-link', byClass(linked.text, 'page-body'));
    expect(a.attribs.href).toBe(`/spaces/XSS/pages/${id}/img-src-x-onerror-alert-1-script-alert-2-script`);
  });
});
