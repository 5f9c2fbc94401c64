/**
 * Storage-format bodies with every construct the editor knows, and some it does not,
 * for the round-trip tests (test/wiki-editor-storage.e2e-spec.ts and the browser suite).
 */
export const RICH_STORAGE =
  '<h2>Intro</h2>' +
  '<p>Plain, <strong>bold</strong>, <b>old bold</b>, <em>italic</em>, <s>struck</s>, <u>under</u>, x<sub>2</sub>, e<sup>x</sup>, ' +
  '<code>inline()</code> and <a href="https://example.com/a?b=1&amp;c=2" title="Example">a link</a>.<br />Second line.</p>' +
  '<ul><li>one<ul><li>nested</li></ul></li><li><p>two</p></li></ul>' +
  '<ol start="3"><li>three</li></ol>' +
  '<ac:task-list><ac:task><ac:task-id>7</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>done <strong>it</strong></ac:task-body></ac:task>' +
  '<ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>to do</ac:task-body></ac:task></ac:task-list>' +
  '<table><thead><tr><th>Key</th><th>Value</th></tr></thead><tbody><tr><td colspan="2">wide</td></tr><tr><td><p>a</p></td><td>b &lt; c</td></tr></tbody></table>' +
  '<ac:structured-macro ac:name="info" ac:schema-version="1"><ac:parameter ac:name="title">Heads up</ac:parameter>' +
  '<ac:rich-text-body><p>Inside the panel.</p></ac:rich-text-body></ac:structured-macro>' +
  '<ac:structured-macro ac:name="warning"><ac:rich-text-body><p>Hot.</p></ac:rich-text-body></ac:structured-macro>' +
  '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">js</ac:parameter><ac:parameter ac:name="title">Example</ac:parameter>' +
  '<ac:plain-text-body><![CDATA[if (a < b && c) {\n  return "x";\n}]]></ac:plain-text-body></ac:structured-macro>' +
  '<pre><code class="language-python">def f():\n    return 1</code></pre>' +
  '<ac:structured-macro ac:name="toc"><ac:parameter ac:name="maxLevel">3</ac:parameter></ac:structured-macro>' +
  '<p>Children: <ac:structured-macro ac:name="children" /></p>' +
  '<p>See <ac:link><ri:page ri:content-title="Glossary" /></ac:link>, <ac:link><ri:page ri:content-title="Other" ri:space-key="OPS" />' +
  '<ac:plain-text-link-body><![CDATA[the ops page]]></ac:plain-text-link-body></ac:link> and ' +
  '<ac:link><ri:attachment ri:filename="report.pdf" /><ac:plain-text-link-body><![CDATA[the report]]></ac:plain-text-link-body></ac:link>.</p>' +
  '<p><ac:image ac:alt="Diagram" ac:width="300"><ri:attachment ri:filename="diagram.png" /></ac:image> and ' +
  '<ac:image><ri:url ri:value="https://example.com/logo.png" /></ac:image></p>' +
  '<ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">ABC-1</ac:parameter></ac:structured-macro>' +
  '<blockquote><p>Quoted.</p></blockquote>' +
  '<hr />' +
  '<h3>Outro</h3><p>The end.</p>';
