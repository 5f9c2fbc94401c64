import { generateJSON } from '@tiptap/html';
import render from 'dom-serializer';
import { textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { editorJsonToStorage, type JsonNode } from '../editor/src/editor-to-storage.js';
import { editorExtensions } from '../editor/src/extensions.js';
import { looksLikeMarkdown, markdownToStorage } from '../editor/src/markdown.js';
import { storageToEditorHtml } from '../editor/src/storage-to-editor.js';
import { renderStorage } from '../src/wiki/content/content-renderer.js';
import { sanitizeStorage } from '../src/wiki/content/storage-sanitizer.js';
import { RICH_STORAGE } from './browser/storage-corpus.js';

// The editor's storage conversion, run in Node with the editor's real schema (TipTap parses
// the editor HTML through happy-dom here, through Chromium in test/browser).
const extensions = editorExtensions();
const attachmentUrl = (f: string) => `/pages/1/attachments/${encodeURIComponent(f)}`;

function toEditorJson(storage: string): JsonNode {
  return generateJSON(storageToEditorHtml(storage, { attachmentUrl }), extensions) as JsonNode;
}

function roundTrip(storage: string): string {
  return editorJsonToStorage(toEditorJson(storage));
}

/** One serialisation for two spellings of the same XML (self-closing tags, entities). */
function canonical(storage: string): string {
  const doc = parseDocument(storage, { lowerCaseTags: true, recognizeSelfClosing: true, recognizeCDATA: true });
  return render(doc.children, { xmlMode: true, encodeEntities: 'utf8' });
}

function renderedText(storage: string): string {
  const html = renderStorage(storage, {
    pages: new Map([['glossary', { title: 'Glossary', url: '/spaces/DOC/pages/2/glossary' }]]),
    children: [{ title: 'Child', url: '/spaces/DOC/pages/3/child' }],
    spaceKey: 'DOC',
    attachmentUrl,
  });
  return textContent(parseDocument(html)).replace(/\s+/g, ' ').trim();
}

describe('editor storage conversion', () => {
  const out = roundTrip(RICH_STORAGE);

  it('keeps every construct of an existing page through the editor', () => {
    const expected = [
      '<h2>Intro</h2>',
      '<p>Plain, <strong>bold</strong>, <strong>old bold</strong>, <em>italic</em>, <s>struck</s>, <u>under</u>, x<sub>2</sub>, e<sup>x</sup>, ' +
        '<code>inline()</code> and <a href="https://example.com/a?b=1&amp;c=2" title="Example">a link</a>.<br />Second line.</p>',
      '<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>',
      '<ol start="3"><li>three</li></ol>',
      '<ac:task-list><ac:task><ac:task-id>7</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>done <strong>it</strong></ac:task-body></ac:task>' +
        '<ac:task><ac:task-id>8</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>to do</ac:task-body></ac:task></ac:task-list>',
      '<table><tbody><tr><th>Key</th><th>Value</th></tr><tr><td colspan="2">wide</td></tr><tr><td>a</td><td>b &lt; c</td></tr></tbody></table>',
      '<ac:structured-macro ac:name="info" ac:schema-version="1"><ac:parameter ac:name="title">Heads up</ac:parameter>' +
        '<ac:rich-text-body><p>Inside the panel.</p></ac:rich-text-body></ac:structured-macro>',
      '<ac:structured-macro ac:name="warning"><ac:rich-text-body><p>Hot.</p></ac:rich-text-body></ac:structured-macro>',
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">js</ac:parameter><ac:parameter ac:name="title">Example</ac:parameter>' +
        '<ac:plain-text-body>if (a &lt; b &amp;&amp; c) {\n  return "x";\n}</ac:plain-text-body></ac:structured-macro>',
      '<pre><code class="language-python">def f():\n    return 1</code></pre>',
      '<ac:structured-macro ac:name="toc"><ac:parameter ac:name="maxLevel">3</ac:parameter></ac:structured-macro>',
      '<p>Children: <ac:structured-macro ac:name="children"/></p>',
      '<ac:link><ri:page ri:content-title="Glossary" /></ac:link>',
      '<ac:link><ri:page ri:content-title="Other" ri:space-key="OPS" /><ac:link-body>the ops page</ac:link-body></ac:link>',
      '<ac:link><ri:attachment ri:filename="report.pdf"/><ac:plain-text-link-body>the report</ac:plain-text-link-body></ac:link>',
      '<ac:image ac:alt="Diagram" ac:width="300"><ri:attachment ri:filename="diagram.png" /></ac:image>',
      '<ac:image><ri:url ri:value="https://example.com/logo.png" /></ac:image>',
      '<ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">ABC-1</ac:parameter></ac:structured-macro>',
      '<blockquote><p>Quoted.</p></blockquote><hr /><h3>Outro</h3><p>The end.</p>',
    ];
    for (const fragment of expected) expect(out).toContain(fragment);
  });

  it('renders exactly the same text before and after the editor', () => {
    const before = renderedText(RICH_STORAGE);
    expect(before).toContain('Inside the panel.');
    expect(renderedText(out)).toBe(before);
  });

  it('writes only what the server keeps: the sanitiser changes nothing', () => {
    expect(canonical(sanitizeStorage(out))).toBe(canonical(out));
  });

  it('is stable: stored content and a second pass come out the same', () => {
    expect(roundTrip(out)).toBe(out);
    // The browser loads the body as stored, i.e. after the sanitiser (CDATA already unwrapped).
    expect(roundTrip(sanitizeStorage(RICH_STORAGE))).toBe(out);
  });

  it('keeps markup-like text as text and escapes attributes', () => {
    const storage =
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>' +
      '<p><ac:link><ri:page ri:content-title="Say &quot;hi&quot; &amp; go" /></ac:link></p>' +
      '<pre><code>&lt;/code&gt;&lt;img src=x onerror=alert(1)&gt;</code></pre>';
    const result = roundTrip(storage);
    expect(result).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>' +
        '<p><ac:link><ri:page ri:content-title="Say &quot;hi&quot; &amp; go" /></ac:link></p>' +
        '<pre><code>&lt;/code&gt;&lt;img src=x onerror=alert(1)&gt;</code></pre>',
    );
  });

  it('writes page-link labels only when they differ from the title, so renames update the label', () => {
    const doc: JsonNode = {
      type: 'doc',
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Setup', marks: [{ type: 'pageLink', attrs: { title: 'Setup' } }] },
            { type: 'text', text: ' / ' },
            { type: 'text', text: 'the guide', marks: [{ type: 'pageLink', attrs: { title: 'Setup' } }] },
            { type: 'text', text: ' bold', marks: [{ type: 'pageLink', attrs: { title: 'Setup' } }, { type: 'bold' }] },
          ],
        },
      ],
    };
    expect(editorJsonToStorage(doc)).toBe(
      '<p><ac:link><ri:page ri:content-title="Setup" /></ac:link> / ' +
        '<ac:link><ri:page ri:content-title="Setup" /><ac:link-body>the guide<strong> bold</strong></ac:link-body></ac:link></p>',
    );
  });

  it('numbers new tasks after the highest existing id and drops the trailing empty paragraph', () => {
    const doc: JsonNode = {
      type: 'doc',
      content: [
        {
          type: 'taskList',
          content: [
            { type: 'taskItem', attrs: { checked: false, taskId: null }, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'new' }] }] },
            { type: 'taskItem', attrs: { checked: true, taskId: '4' }, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'old' }] }] },
          ],
        },
        { type: 'paragraph' },
      ],
    };
    expect(editorJsonToStorage(doc)).toBe(
      '<ac:task-list><ac:task><ac:task-id>5</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>new</ac:task-body></ac:task>' +
        '<ac:task><ac:task-id>4</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>old</ac:task-body></ac:task></ac:task-list>',
    );
    expect(editorJsonToStorage({ type: 'doc', content: [{ type: 'paragraph' }] })).toBe('');
  });

  it('ignores the whitespace between pretty-printed blocks', () => {
    expect(roundTrip('<h1>A</h1>\n  <p>b</p>\n<ul>\n  <li>c</li>\n</ul>\n')).toBe('<h1>A</h1><p>b</p><ul><li>c</li></ul>');
  });
});

describe('Markdown paste', () => {
  it('recognises Markdown, and leaves ordinary prose alone', () => {
    expect(looksLikeMarkdown('# Title\n\ntext')).toBe(true);
    expect(looksLikeMarkdown('- a\n- b')).toBe(true);
    expect(looksLikeMarkdown('Use **this** one')).toBe(true);
    expect(looksLikeMarkdown('see [docs](https://x.test/)')).toBe(true);
    expect(looksLikeMarkdown('Just a sentence, nothing more.')).toBe(false);
    expect(looksLikeMarkdown('Price: 5 * 3 = 15')).toBe(false);
  });

  it('turns Markdown into storage content the editor keeps', () => {
    const md = '# Title\n\n- [x] done **well**\n- [ ] open\n\n1. first\n2. second\n\n> quoted\n\n```ts\nconst a = 1;\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |\n';
    expect(roundTrip(markdownToStorage(md))).toBe(
      '<h1>Title</h1>' +
        '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>done <strong>well</strong></ac:task-body></ac:task>' +
        '<ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>open</ac:task-body></ac:task></ac:task-list>' +
        '<ol><li>first</li><li>second</li></ol>' +
        '<blockquote><p>quoted</p></blockquote>' +
        '<pre><code class="language-ts">const a = 1;</code></pre>' +
        '<table><tbody><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></tbody></table>',
    );
  });

  it('keeps a list with ordinary items a bullet list, and raw HTML as text', () => {
    expect(roundTrip(markdownToStorage('- [ ] task\n- plain\n\n<b onclick="x()">hi</b> **b**'))).toBe(
      '<ul><li>[ ] task</li><li>plain</li></ul><p>&lt;b onclick="x()"&gt;hi&lt;/b&gt; <strong>b</strong></p>',
    );
  });
});
