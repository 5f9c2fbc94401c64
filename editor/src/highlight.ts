import hljs from 'highlight.js/lib/common';

// Syntax highlighting for code blocks on the page screen (rendered as <pre><code class="language-x">).
for (const code of document.querySelectorAll<HTMLElement>('pre > code[class*="language-"]')) {
  const language = /(?:^|\s)language-([a-z0-9+#-]+)/.exec(code.className)?.[1];
  if (language && hljs.getLanguage(language)) hljs.highlightElement(code);
}
