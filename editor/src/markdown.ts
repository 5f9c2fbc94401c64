import MarkdownIt from 'markdown-it';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

// Markdown paste: pasted plain text that looks like Markdown becomes rich content.
const BLOCK_SYNTAX = /^(#{1,6}\s|\s*[-*+]\s|\s*\d+[.)]\s|>\s?|```|~~~|\|.*\|\s*$)/m;
const INLINE_SYNTAX = /\*\*[^*\n]+\*\*|__[^_\n]+__|`[^`\n]+`|~~[^~\n]+~~|\[[^\]\n]+\]\([^)\s]+\)/;
const TASK_PREFIX = /^\[([ xX])\]\s+/;

export function looksLikeMarkdown(text: string): boolean {
  return BLOCK_SYNTAX.test(text) || INLINE_SYNTAX.test(text);
}

/** HTML on the clipboard with real structure wins over the plain text (a web page, a document). */
export function hasRichHtml(html: string): boolean {
  return /<(h[1-6]|ul|ol|table|strong|b|em|i|a|pre|blockquote)[\s>]/i.test(html);
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: false });
md.renderer.rules.task_list_open = () => '<ac:task-list>';
md.renderer.rules.task_list_close = () => '</ac:task-list>';
md.renderer.rules.task_open = (tokens, idx) =>
  `<ac:task><ac:task-status>${tokens[idx].meta?.done ? 'complete' : 'incomplete'}</ac:task-status><ac:task-body>`;
md.renderer.rules.task_close = () => '</ac:task-body></ac:task>';

/** The inline token of a list item's first paragraph, if the item starts with one. */
function firstInline(tokens: Token[], itemOpen: number): Token | undefined {
  return tokens[itemOpen + 1]?.type === 'paragraph_open' ? tokens[itemOpen + 2] : undefined;
}

/** "- [ ] a" / "- [x] b" lists (GitHub task lists) become storage task lists. */
function convertTaskLists(tokens: Token[]): void {
  const opens: number[] = [];
  tokens.forEach((t, i) => {
    if (t.type === 'bullet_list_open') opens.push(i);
  });
  for (const start of opens) {
    const level = tokens[start].level;
    const items: number[] = [];
    let end = start + 1;
    for (; end < tokens.length && !(tokens[end].type === 'bullet_list_close' && tokens[end].level === level); end++) {
      if (tokens[end].type === 'list_item_open' && tokens[end].level === level + 1) items.push(end);
    }
    if (!items.length || !items.every((i) => TASK_PREFIX.test(firstInline(tokens, i)?.content ?? ''))) continue;
    tokens[start].type = 'task_list_open';
    tokens[end].type = 'task_list_close';
    for (const i of items) {
      const inline = firstInline(tokens, i)!;
      const match = TASK_PREFIX.exec(inline.content)!;
      tokens[i].type = 'task_open';
      tokens[i].meta = { done: match[1] !== ' ' };
      inline.content = inline.content.slice(match[0].length);
      const text = inline.children?.[0];
      if (text?.type === 'text') text.content = text.content.replace(TASK_PREFIX, '');
      let close = i + 1;
      while (!(tokens[close].type === 'list_item_close' && tokens[close].level === tokens[i].level)) close++;
      tokens[close].type = 'task_close';
    }
  }
}

/** Markdown → storage format (plain HTML from markdown-it, task lists as ac:task-list). */
export function markdownToStorage(text: string): string {
  const env = {};
  const tokens = md.parse(text, env);
  convertTaskLists(tokens);
  return md.renderer.render(tokens, md.options, env);
}
