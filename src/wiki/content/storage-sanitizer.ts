import sanitizeHtml from 'sanitize-html';

/**
 * The allowlist for page bodies in storage format: an XHTML subset plus the Confluence
 * macros Atrium renders (ac:structured-macro, ac:link to pages, ac:image of attachments,
 * task lists). Applied when content is written and again when it is rendered. Scripts,
 * event handlers, javascript: URLs and unknown elements never survive.
 */
const STORAGE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'strike',
    'sub', 'sup', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th',
    'td', 'colgroup', 'col', 'a', 'img', 'span', 'div',
    'ac:structured-macro', 'ac:parameter', 'ac:rich-text-body', 'ac:plain-text-body', 'ac:link', 'ac:link-body',
    'ac:plain-text-link-body', 'ri:page', 'ri:attachment', 'ri:url', 'ac:image', 'ac:task-list', 'ac:task',
    'ac:task-id', 'ac:task-status', 'ac:task-body',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    col: ['span'],
    code: ['class'],
    pre: ['class'],
    ol: ['start'],
    'ac:structured-macro': ['ac:name', 'ac:schema-version', 'ac:macro-id'],
    'ac:parameter': ['ac:name'],
    'ac:link': ['ac:anchor'],
    'ri:page': ['ri:content-title', 'ri:space-key'],
    'ri:attachment': ['ri:filename'],
    'ri:url': ['ri:value'],
    'ac:image': ['ac:width', 'ac:height', 'ac:alt'],
  },
  allowedClasses: { code: [/^language-[a-z0-9+#-]+$/], pre: [/^language-[a-z0-9+#-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  // ri:url's ri:value is a URL too: REST clients get the stored body back and may render it.
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'ri:value'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Keep the text of unknown elements, but never the content of these.
  nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe', 'object', 'embed', 'template', 'title'],
  parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  // ri:attachment may hold the ri:page it belongs to, so it is not written self-closing here
  // (sanitize-html would move that child out); sanitizeStorage closes it again when empty.
  selfClosing: ['br', 'hr', 'img', 'col', 'ri:page', 'ri:url'],
};

/** CDATA (Confluence's code macro body) becomes escaped text before parsing. */
export function unwrapCdata(input: string): string {
  if (!input.includes('<![CDATA[')) return input;
  return input.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  );
}

export function sanitizeStorage(input: string): string {
  // Attribute values come out escaped (no raw ">" or quote), so the pattern cannot cross a tag.
  return sanitizeHtml(unwrapCdata(input), STORAGE_OPTIONS)
    .replace(/<ri:attachment([^>]*)><\/ri:attachment>/g, '<ri:attachment$1 />')
    .trim();
}

/** The final pass over rendered HTML: plain HTML only, all macros already expanded. */
const VIEW_OPTIONS: sanitizeHtml.IOptions = {
  ...STORAGE_OPTIONS,
  allowedTags: [
    ...(STORAGE_OPTIONS.allowedTags as string[]).filter((t) => !t.includes(':')),
    'input', 'nav', 'aside', 'details', 'summary',
  ],
  allowedAttributes: {
    ...(STORAGE_OPTIONS.allowedAttributes as Record<string, string[]>),
    a: ['href', 'title', 'class'],
    h1: ['id'], h2: ['id'], h3: ['id'], h4: ['id'], h5: ['id'], h6: ['id'],
    div: ['class'], span: ['class'], aside: ['class'], nav: ['class'], ul: ['class'], li: ['class'], details: ['class'],
    input: ['type', 'checked', 'disabled'],
    img: ['src', 'alt', 'title', 'width', 'height', 'class'],
  },
  allowedClasses: {
    ...(STORAGE_OPTIONS.allowedClasses as Record<string, (string | RegExp)[]>),
    div: ['panel', 'panel-info', 'panel-note', 'panel-warning', 'panel-tip', 'panel-title', 'panel-body', 'macro-error'],
    aside: ['panel', 'panel-info', 'panel-note', 'panel-warning', 'panel-tip'],
    nav: ['toc'],
    ul: ['task-list', 'toc-list', 'children-list'],
    li: ['task', 'task-done'],
    a: ['page-link', 'missing-link'],
    span: ['macro-error', 'status', 'status-grey', 'status-red', 'status-yellow', 'status-green', 'status-blue'],
    details: ['expand'],
    img: ['attachment-image'],
  },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  selfClosing: ['br', 'hr', 'img', 'col', 'input'],
  // Only the renderer's own task checkboxes and Expand macros, never such elements from elsewhere.
  exclusiveFilter: (frame) =>
    (frame.tag === 'input' && frame.attribs.type !== 'checkbox') || (frame.tag === 'details' && frame.attribs.class !== 'expand'),
};

export function sanitizeView(html: string): string {
  return sanitizeHtml(html, VIEW_OPTIONS);
}
