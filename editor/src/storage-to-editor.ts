import render from 'dom-serializer';
import { CDATA, Element, Text, type ChildNode } from 'domhandler';
import { textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { attrs, escapeAttr, escapeText, type MacroData } from './markup.js';

/**
 * Confluence storage format → the HTML the editor schema parses (editor/src/extensions.ts).
 * Whatever the editor cannot edit (unknown macros, links to attachments, ...) becomes an
 * opaque node holding its storage XML verbatim, so a round trip never loses content.
 */
export interface ToEditorOptions {
  /** URL of an attachment of the page being edited, to show ac:image in the editor. */
  attachmentUrl(filename: string): string;
}

const PANELS = new Set(['info', 'note', 'warning', 'tip']);
const CODE_MACROS = new Set(['code', 'noformat']);
const RENAME: Record<string, string> = { b: 'strong', i: 'em', del: 's', strike: 's' };
/** Elements written as they are (li, td, th and blockquote are block containers, below). */
const KEEP = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'thead', 'tbody', 'tfoot', 'tr',
  'strong', 'em', 'u', 's', 'sub', 'sup', 'code',
]);
const CONTAINERS = new Set(['li', 'td', 'th', 'blockquote']);
const VOID = new Set(['br', 'hr']);
const INLINE = new Set([
  'strong', 'b', 'em', 'i', 'u', 's', 'del', 'strike', 'sub', 'sup', 'code', 'a', 'span', 'br', 'img',
  'ac:link', 'ac:image',
]);
/** Elements whose content is inline, so a macro inside them is an inline node. */
const INLINE_PARENTS = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ac:link-body', ...[...INLINE].filter((t) => t !== 'br' && t !== 'img'),
]);
const KEPT_ATTRS: Record<string, string[]> = { ol: ['start'], th: ['colspan', 'rowspan'], td: ['colspan', 'rowspan'] };

function parse(storage: string) {
  return parseDocument(storage, {
    lowerCaseTags: true,
    lowerCaseAttributeNames: true,
    recognizeSelfClosing: true,
    recognizeCDATA: true,
  });
}

function isBlank(node: ChildNode): boolean {
  return node instanceof Text && !node.data.trim();
}

function isInlineNode(node: ChildNode): boolean {
  if (node instanceof Text || node instanceof CDATA) return true;
  return node instanceof Element && INLINE.has(node.name);
}

function child(node: Element, name: string): Element | undefined {
  return node.children.find((c): c is Element => c instanceof Element && c.name === name);
}

function elements(node: Element, name: string): Element[] {
  return node.children.filter((c): c is Element => c instanceof Element && c.name === name);
}

/** The storage XML of a node, kept as-is inside an opaque editor node. */
function xmlOf(node: Element): string {
  // CDATA becomes escaped text, as the server's sanitiser stores it.
  const unwrap = (parent: Element) => {
    parent.children = parent.children.map((c) => {
      if (c instanceof Element) unwrap(c);
      if (!(c instanceof CDATA)) return c;
      const text = new Text(textContent(c));
      text.parent = parent;
      return text;
    });
  };
  unwrap(node);
  return render(node, { xmlMode: true, encodeEntities: 'utf8' });
}

function opaque(node: Element, inline: boolean): string {
  const tag = inline ? 'span' : 'div';
  return `<${tag} data-storage="${escapeAttr(xmlOf(node))}"></${tag}>`;
}

function macroData(macro: Element): MacroData {
  const params: Record<string, string> = {};
  for (const p of elements(macro, 'ac:parameter')) params[p.attribs['ac:name'] ?? ''] = textContent(p);
  const own = Object.fromEntries(Object.entries(macro.attribs).filter(([k]) => k !== 'ac:name'));
  return { params, attrs: own };
}

class Converter {
  constructor(private readonly options: ToEditorOptions) {}

  /** Content of a block container: runs of inline content are wrapped in paragraphs. */
  blocks(nodes: ChildNode[]): string {
    let out = '';
    let run: ChildNode[] = [];
    const flush = () => {
      if (run.some((n) => !isBlank(n))) out += `<p>${this.inline(run)}</p>`;
      run = [];
    };
    const mixed = nodes.some((n) => isInlineNode(n) && !isBlank(n));
    for (const node of nodes) {
      if (isInlineNode(node) || (mixed && node instanceof Element && node.name === 'ac:structured-macro' && !this.isBlockMacro(node))) {
        run.push(node);
      } else {
        flush();
        out += this.node(node, false);
      }
    }
    flush();
    return out;
  }

  inline(nodes: ChildNode[]): string {
    return nodes.map((n) => this.node(n, true)).join('');
  }

  private isBlockMacro(macro: Element): boolean {
    const name = macro.attribs['ac:name'] ?? '';
    return PANELS.has(name) || CODE_MACROS.has(name);
  }

  private node(node: ChildNode, inline: boolean): string {
    if (node instanceof Text) return inline ? escapeText(node.data) : '';
    if (node instanceof CDATA) return escapeText(textContent(node));
    if (!(node instanceof Element)) return '';
    const name = node.name;
    if (VOID.has(name)) return `<${name}>`;
    if (CONTAINERS.has(name)) return this.container(node, name);
    if (KEEP.has(name) || RENAME[name]) {
      const tag = RENAME[name] ?? name;
      const pairs = Object.fromEntries((KEPT_ATTRS[tag] ?? []).map((a) => [a, node.attribs[a]]));
      const body = INLINE_PARENTS.has(name) ? this.inline(node.children) : this.blocks(node.children);
      return `<${tag}${attrs(pairs)}>${body}</${tag}>`;
    }
    switch (name) {
      case 'pre':
        return this.pre(node);
      case 'a':
        return node.attribs.href
          ? `<a${attrs({ href: node.attribs.href, title: node.attribs.title })}>${this.inline(node.children)}</a>`
          : this.inline(node.children);
      case 'img':
        return `<img${attrs({ src: node.attribs.src ?? '', alt: node.attribs.alt, title: node.attribs.title, 'data-kind': 'html' })}>`;
      case 'span':
        return this.inline(node.children);
      case 'div':
        return inline ? this.inline(node.children) : this.blocks(node.children);
      case 'colgroup':
      case 'col':
        return '';
      case 'ac:structured-macro':
        return this.macro(node, inline);
      case 'ac:link':
        return this.link(node);
      case 'ac:image':
        return this.image(node);
      case 'ac:task-list':
        return this.taskList(node);
      default:
        // Other storage elements are kept verbatim; unknown HTML keeps its text.
        if (name.includes(':')) return opaque(node, inline);
        return inline ? this.inline(node.children) : this.blocks(node.children);
    }
  }

  private container(node: Element, tag: string): string {
    const pairs = Object.fromEntries((KEPT_ATTRS[tag] ?? []).map((a) => [a, node.attribs[a]]));
    return `<${tag}${attrs(pairs)}>${this.blocks(node.children)}</${tag}>`;
  }

  private pre(node: Element): string {
    const code = child(node, 'code');
    const cls = `${code?.attribs.class ?? ''} ${node.attribs.class ?? ''}`;
    const language = /(?:^|\s)language-([a-z0-9+#-]+)/.exec(cls)?.[1];
    // Markdown fences end with a newline that is not part of the code.
    const text = textContent(node).replace(/\n$/, '');
    return `<pre><code${attrs({ class: language ? `language-${language}` : null })}>${escapeText(text)}</code></pre>`;
  }

  private macro(macro: Element, inline: boolean): string {
    const name = macro.attribs['ac:name'] ?? '';
    const data = macroData(macro);
    if (PANELS.has(name)) {
      const body = child(macro, 'ac:rich-text-body');
      return `<div${attrs({ 'data-panel': name, 'data-macro': JSON.stringify(data) })}>${this.blocks(body?.children ?? [])}</div>`;
    }
    if (CODE_MACROS.has(name)) {
      const body = child(macro, 'ac:plain-text-body');
      const language = (data.params.language ?? '').toLowerCase().replace(/[^a-z0-9+#-]/g, '');
      return (
        `<pre${attrs({ 'data-macro-name': name, 'data-macro': JSON.stringify(data) })}>` +
        `<code${attrs({ class: language ? `language-${language}` : null })}>${escapeText(body ? textContent(body) : '')}</code></pre>`
      );
    }
    return opaque(macro, inline);
  }

  private link(link: Element): string {
    const page = child(link, 'ri:page');
    if (!page || link.children.some((c) => c instanceof Element && c.name.startsWith('ri:') && c !== page)) return opaque(link, true);
    const title = page.attribs['ri:content-title'] ?? '';
    const rich = child(link, 'ac:link-body');
    const plain = child(link, 'ac:plain-text-link-body');
    const label = rich ? this.inline(rich.children) : plain ? escapeText(textContent(plain)) : escapeText(title);
    if (!label.trim()) return opaque(link, true);
    const pairs = { 'data-page-title': title, 'data-space-key': page.attribs['ri:space-key'], 'data-anchor': link.attribs['ac:anchor'] };
    return `<a${attrs(pairs)}>${label}</a>`;
  }

  private image(image: Element): string {
    const attachment = child(image, 'ri:attachment');
    const url = child(image, 'ri:url');
    const common = { alt: image.attribs['ac:alt'], 'data-width': image.attribs['ac:width'], 'data-height': image.attribs['ac:height'] };
    // An attachment of another page (ri:page inside) stays opaque: the editor shows only this page's files.
    if (attachment && !attachment.children.some((c) => c instanceof Element)) {
      const filename = attachment.attribs['ri:filename'] ?? '';
      return `<img${attrs({ src: this.options.attachmentUrl(filename), 'data-kind': 'attachment', 'data-filename': filename, ...common })}>`;
    }
    if (url?.attribs['ri:value']) return `<img${attrs({ src: url.attribs['ri:value'], 'data-kind': 'url', ...common })}>`;
    return opaque(image, true);
  }

  private taskList(list: Element): string {
    const items = elements(list, 'ac:task').map((task) => {
      const status = child(task, 'ac:task-status');
      const id = child(task, 'ac:task-id');
      const body = child(task, 'ac:task-body');
      const pairs = {
        'data-type': 'taskItem',
        'data-checked': status && textContent(status).trim() === 'complete' ? 'true' : 'false',
        'data-task-id': id ? textContent(id).trim() : null,
      };
      return `<li${attrs(pairs)}><div>${this.blocks(body?.children ?? []) || '<p></p>'}</div></li>`;
    });
    return items.length ? `<ul data-type="taskList">${items.join('')}</ul>` : '';
  }
}

export function storageToEditorHtml(storage: string, options: ToEditorOptions): string {
  return new Converter(options).blocks(parse(storage).children);
}
