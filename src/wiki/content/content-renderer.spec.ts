import { renderStorage, type RenderContext } from './content-renderer.js';
import { linkedTitles } from './page-links.js';

function ctx(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    pages: new Map([['other page', { title: 'Other page', url: '/spaces/DOC/pages/2/other-page' }]]),
    children: [{ title: 'Child', url: '/spaces/DOC/pages/3/child' }],
    spaceKey: 'DOC',
    attachmentUrl: (f) => `/attachments/1/${encodeURIComponent(f)}`,
    ...overrides,
  };
}

describe('renderStorage', () => {
  it('resolves page links by title, and marks missing ones', () => {
    const html = renderStorage(
      '<p><ac:link><ri:page ri:content-title="Other page" /></ac:link> <ac:link><ri:page ri:content-title="Nope" /><ac:plain-text-link-body>gone</ac:plain-text-link-body></ac:link></p>',
      ctx(),
    );
    expect(html).toContain('<a href="/spaces/DOC/pages/2/other-page" class="page-link">Other page</a>');
    expect(html).toContain('class="missing-link"');
    expect(html).toContain('gone');
  });

  it('shows text that looks like markup as the text it is: in paragraphs, code, headings, panel titles and titles', () => {
    const html = renderStorage(
      '<p>Use List&lt;String&gt; and &lt;b&gt;not bold&lt;/b&gt;, Q&amp;A.</p>' +
        '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[Map<K, V> m = "<b>hi</b>";]]></ac:plain-text-body></ac:structured-macro>' +
        '<ac:structured-macro ac:name="toc" /><h2>Use &lt;div&gt; tags</h2>' +
        '<ac:structured-macro ac:name="note"><ac:parameter ac:name="title">About &lt;tags&gt;</ac:parameter><ac:rich-text-body><p>n</p></ac:rich-text-body></ac:structured-macro>' +
        '<p><ac:link><ri:page ri:content-title="Q&amp;A &lt;v1&gt;" /></ac:link></p><ac:structured-macro ac:name="children" />',
      ctx({
        pages: new Map([['q&a <v1>', { title: 'Q&A <v1>', url: '/spaces/DOC/pages/4/q-a-v1' }]]),
        children: [{ title: '<img src=x onerror=alert(1)>', url: '/spaces/DOC/pages/5/img' }],
      }),
    );
    expect(html).toContain('<p>Use List&lt;String&gt; and &lt;b&gt;not bold&lt;/b&gt;, Q&amp;A.</p>');
    expect(html).toContain('<code>Map&lt;K, V&gt; m = "&lt;b&gt;hi&lt;/b&gt;";</code>');
    expect(html).toContain('<h2 id="use-div-tags">Use &lt;div&gt; tags</h2>');
    expect(html).toContain('<a href="#use-div-tags">Use &lt;div&gt; tags</a>');
    expect(html).toContain('<div class="panel-title">About &lt;tags&gt;</div>');
    expect(html).toContain('class="page-link">Q&amp;A &lt;v1&gt;</a>');
    expect(html).toContain('class="page-link">&lt;img src=x onerror=alert(1)&gt;</a>');
    expect(html).not.toMatch(/<(b|img)[ >]|<div>|<tags>/);
  });

  it('keeps the anchor of a link to a heading, on another page or this one', () => {
    const html = renderStorage(
      '<p><ac:link ac:anchor="Set up"><ri:page ri:content-title="Other page" /><ac:plain-text-link-body>there</ac:plain-text-link-body></ac:link>' +
        ' <ac:link ac:anchor="Set up"><ac:plain-text-link-body>here</ac:plain-text-link-body></ac:link></p>',
      ctx(),
    );
    expect(html).toContain('<a href="/spaces/DOC/pages/2/other-page#set-up" class="page-link">there</a>');
    expect(html).toContain('<a href="#set-up">here</a>');
  });

  it('renders Confluence\'s expand and status macros', () => {
    const html = renderStorage(
      '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Details &amp; more</ac:parameter><ac:rich-text-body><p>Hidden</p></ac:rich-text-body></ac:structured-macro>' +
        '<p><ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">Done</ac:parameter></ac:structured-macro>' +
        '<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">purple" onclick="x</ac:parameter><ac:parameter ac:name="title">odd</ac:parameter></ac:structured-macro></p>',
      ctx(),
    );
    expect(html).toContain('<details class="expand"><summary>Details &amp; more</summary><p>Hidden</p></details>');
    expect(html).toContain('<span class="status status-green">DONE</span>');
    expect(html).toContain('<span class="status status-grey">ODD</span>');
    expect(html).not.toContain('onclick');
  });

  it('shows an attachment of another page the viewer may see, and says so when they may not', () => {
    const image = (title: string) => `<ac:image><ri:attachment ri:filename="chart 1.png"><ri:page ri:content-title="${title}" /></ri:attachment></ac:image>`;
    const seen = renderStorage(
      image('Reports'),
      ctx({ pages: new Map([['reports', { title: 'Reports', url: '/spaces/DOC/pages/9/reports', id: '9' }]]), attachmentUrl: (f, id = '1') => `/pages/${id}/attachments/${encodeURIComponent(f)}` }),
    );
    expect(seen).toContain('<img src="/pages/9/attachments/chart%201.png" alt="" class="attachment-image" />');
    const hidden = renderStorage(image('Secret'), ctx());
    expect(hidden).toBe('<span class="macro-error">Image not available: chart 1.png</span>');
  });

  it('renders panels, code, the table of contents and children', () => {
    const html = renderStorage(
      '<ac:structured-macro ac:name="toc" /><h2>Intro</h2><h2>Intro</h2>' +
        '<ac:structured-macro ac:name="warning"><ac:parameter ac:name="title">Careful</ac:parameter><ac:rich-text-body><p>hot</p></ac:rich-text-body></ac:structured-macro>' +
        '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">js</ac:parameter><ac:plain-text-body><![CDATA[a < b]]></ac:plain-text-body></ac:structured-macro>' +
        '<ac:structured-macro ac:name="children" />',
      ctx(),
    );
    expect(html).toContain('<nav class="toc"><ul class="toc-list"><li><a href="#intro">Intro</a></li><li><a href="#intro-2">Intro</a></li></ul></nav>');
    expect(html).toContain('<h2 id="intro-2">Intro</h2>');
    expect(html).toContain('<div class="panel panel-warning"><div class="panel-title">Careful</div><div class="panel-body"><p>hot</p></div></div>');
    expect(html).toContain('<pre><code class="language-js">a &lt; b</code></pre>');
    expect(html).toContain('<ul class="children-list"><li><a href="/spaces/DOC/pages/3/child" class="page-link">Child</a></li></ul>');
  });

  it('renders task lists and attachment images', () => {
    const html = renderStorage(
      '<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>done</ac:task-body></ac:task></ac:task-list>' +
        '<ac:image><ri:attachment ri:filename="a b.png" /></ac:image>',
      ctx(),
    );
    expect(html).toContain('<li class="task task-done"><input type="checkbox" disabled="disabled" checked="checked" /> done</li>');
    expect(html).toContain('<img src="/attachments/1/a%20b.png"');
  });

  it('never lets active content through, even inside macros', () => {
    const html = renderStorage(
      '<ac:structured-macro ac:name="info"><ac:rich-text-body><p onmouseover="x()">a</p><script>x()</script></ac:rich-text-body></ac:structured-macro>',
      ctx(),
    );
    expect(html).not.toMatch(/onmouseover|<script/);
  });

  it('lists linked titles for the one query that resolves them', () => {
    expect(linkedTitles('<ac:link><ri:page ri:content-title="A" ri:space-key="X" /></ac:link>')).toEqual([
      { title: 'A', spaceKey: 'X' },
    ]);
  });
});
