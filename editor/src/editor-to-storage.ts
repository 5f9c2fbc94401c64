import { attrs, escapeText, parseMacroData } from './markup.js';

/**
 * The editor's document (ProseMirror JSON) → Confluence storage format, inside the subset
 * that src/wiki/content/storage-sanitizer.ts accepts, so the server keeps every part of it.
 */
export interface JsonMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface JsonNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: JsonNode[];
  text?: string;
  marks?: JsonMark[];
}

const SIMPLE_MARKS: Record<string, string> = {
  bold: 'strong',
  italic: 'em',
  underline: 'u',
  strike: 's',
  code: 'code',
  subscript: 'sub',
  superscript: 'sup',
};

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function sameMark(a: JsonMark, b: JsonMark): boolean {
  return a.type === b.type && JSON.stringify(a.attrs ?? {}) === JSON.stringify(b.attrs ?? {});
}

function hasTags(html: string): boolean {
  return /[<]/.test(html);
}

function unescapeText(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function wrapMark(mark: JsonMark, inner: string): string {
  const simple = SIMPLE_MARKS[mark.type];
  if (simple) return `<${simple}>${inner}</${simple}>`;
  const a = mark.attrs ?? {};
  if (mark.type === 'link') return `<a${attrs({ href: str(a.href), title: str(a.title) })}>${inner}</a>`;
  if (mark.type === 'pageLink') {
    const title = str(a.title);
    const page = `<ri:page${attrs({ 'ri:content-title': title, 'ri:space-key': str(a.spaceKey) })} />`;
    // A label equal to the title is left out, so the link shows the new title after a rename.
    const body = !hasTags(inner) && unescapeText(inner) === title ? '' : `<ac:link-body>${inner}</ac:link-body>`;
    return `<ac:link${attrs({ 'ac:anchor': str(a.anchor) })}>${page}${body}</ac:link>`;
  }
  return inner;
}

class Serializer {
  private nextTaskId: number;

  constructor(doc: JsonNode) {
    let max = 0;
    const visit = (n: JsonNode) => {
      const id = Number(n.attrs?.taskId);
      if (n.type === 'taskItem' && Number.isInteger(id)) max = Math.max(max, id);
      n.content?.forEach(visit);
    };
    visit(doc);
    this.nextTaskId = max + 1;
  }

  document(doc: JsonNode): string {
    const content = [...(doc.content ?? [])];
    // The editor keeps an empty paragraph at the end for the cursor; it is not content.
    while (content.length && content[content.length - 1].type === 'paragraph' && !content[content.length - 1].content?.length) {
      content.pop();
    }
    return this.blocks(content);
  }

  blocks(nodes: JsonNode[] = []): string {
    return nodes.map((n) => this.block(n)).join('');
  }

  /** Content of li, td, th and task bodies: a sole leading paragraph is written without <p>. */
  flow(nodes: JsonNode[] = []): string {
    const [first, ...rest] = nodes;
    if (first?.type === 'paragraph' && !rest.some((n) => n.type === 'paragraph')) {
      return this.inline(first.content) + this.blocks(rest);
    }
    return this.blocks(nodes);
  }

  block(node: JsonNode): string {
    const a = node.attrs ?? {};
    switch (node.type) {
      case 'paragraph':
        return `<p>${this.inline(node.content)}</p>`;
      case 'heading': {
        const level = Math.min(6, Math.max(1, Number(a.level) || 1));
        return `<h${level}>${this.inline(node.content)}</h${level}>`;
      }
      case 'blockquote':
        return `<blockquote>${this.blocks(node.content)}</blockquote>`;
      case 'bulletList':
        return `<ul>${this.blocks(node.content)}</ul>`;
      case 'orderedList': {
        const start = Number(a.start);
        return `<ol${attrs({ start: Number.isInteger(start) && start !== 1 ? start : null })}>${this.blocks(node.content)}</ol>`;
      }
      case 'listItem':
        return `<li>${this.flow(node.content)}</li>`;
      case 'codeBlock':
        return this.codeBlock(node);
      case 'horizontalRule':
        return '<hr />';
      case 'table':
        return `<table><tbody>${this.blocks(node.content)}</tbody></table>`;
      case 'tableRow':
        return `<tr>${this.blocks(node.content)}</tr>`;
      case 'tableHeader':
      case 'tableCell': {
        const tag = node.type === 'tableHeader' ? 'th' : 'td';
        const span = (v: unknown) => (Number(v) > 1 ? Number(v) : null);
        return `<${tag}${attrs({ colspan: span(a.colspan), rowspan: span(a.rowspan) })}>${this.flow(node.content)}</${tag}>`;
      }
      case 'taskList':
        return `<ac:task-list>${this.blocks(node.content)}</ac:task-list>`;
      case 'taskItem':
        return this.task(node);
      case 'panel':
        return this.panel(node);
      case 'storageBlock':
        return str(a.xml);
      default:
        // Inline content where a block was expected (never produced by the schema): keep it.
        return this.inline([node]);
    }
  }

  private codeBlock(node: JsonNode): string {
    const a = node.attrs ?? {};
    const text = (node.content ?? []).map((t) => t.text ?? '').join('');
    const language = str(a.language).toLowerCase().replace(/[^a-z0-9+#-]/g, '');
    const macro = str(a.macroName);
    if (macro === 'code' || macro === 'noformat') {
      const data = parseMacroData(a.macro);
      if (language) data.params.language = language;
      else delete data.params.language;
      return `<ac:structured-macro${attrs({ 'ac:name': macro, ...data.attrs })}>${this.params(data.params)}<ac:plain-text-body>${escapeText(text)}</ac:plain-text-body></ac:structured-macro>`;
    }
    return `<pre><code${attrs({ class: language ? `language-${language}` : null })}>${escapeText(text)}</code></pre>`;
  }

  private task(node: JsonNode): string {
    const a = node.attrs ?? {};
    const given = Number(a.taskId);
    const id = Number.isInteger(given) && given > 0 ? given : this.nextTaskId++;
    const status = a.checked ? 'complete' : 'incomplete';
    return `<ac:task><ac:task-id>${id}</ac:task-id><ac:task-status>${status}</ac:task-status><ac:task-body>${this.flow(node.content)}</ac:task-body></ac:task>`;
  }

  private panel(node: JsonNode): string {
    const a = node.attrs ?? {};
    const type = ['info', 'note', 'warning', 'tip'].includes(str(a.type)) ? str(a.type) : 'info';
    const data = parseMacroData(a.macro);
    return `<ac:structured-macro${attrs({ 'ac:name': type, ...data.attrs })}>${this.params(data.params)}<ac:rich-text-body>${this.blocks(node.content)}</ac:rich-text-body></ac:structured-macro>`;
  }

  private params(params: Record<string, string>): string {
    return Object.entries(params)
      .map(([name, value]) => `<ac:parameter${attrs({ 'ac:name': name })}>${escapeText(value)}</ac:parameter>`)
      .join('');
  }

  /** Inline nodes with their marks, kept open across neighbours as ProseMirror's own serializer does. */
  inline(nodes: JsonNode[] = []): string {
    const open: { mark: JsonMark; out: string }[] = [];
    let root = '';
    const append = (html: string) => {
      if (open.length) open[open.length - 1].out += html;
      else root += html;
    };
    const close = (keep: number) => {
      while (open.length > keep) {
        const frame = open.pop()!;
        append(wrapMark(frame.mark, frame.out));
      }
    };
    for (const node of nodes) {
      const marks = node.marks ?? [];
      let keep = 0;
      while (keep < open.length && keep < marks.length && sameMark(open[keep].mark, marks[keep])) keep++;
      close(keep);
      for (const mark of marks.slice(keep)) open.push({ mark, out: '' });
      append(this.inlineNode(node));
    }
    close(0);
    return root;
  }

  private inlineNode(node: JsonNode): string {
    const a = node.attrs ?? {};
    switch (node.type) {
      case 'text':
        return escapeText(node.text ?? '');
      case 'hardBreak':
        return '<br />';
      case 'storageInline':
        return str(a.xml);
      case 'image':
        return this.image(a);
      default:
        return this.block(node);
    }
  }

  private image(a: Record<string, unknown>): string {
    const common = { 'ac:alt': str(a.alt), 'ac:width': str(a.width), 'ac:height': str(a.height) };
    if (a.kind === 'attachment' && a.filename) {
      return `<ac:image${attrs(common)}><ri:attachment${attrs({ 'ri:filename': str(a.filename) })} /></ac:image>`;
    }
    if (a.kind === 'url') return `<ac:image${attrs(common)}><ri:url${attrs({ 'ri:value': str(a.src) })} /></ac:image>`;
    return `<img${attrs({ src: str(a.src), alt: str(a.alt), title: str(a.title) })} />`;
  }
}

export function editorJsonToStorage(doc: JsonNode): string {
  return new Serializer(doc).document(doc);
}
