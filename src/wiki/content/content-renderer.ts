import render from 'dom-serializer';
import { Element, Text, type ChildNode } from 'domhandler';
import { findAll, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { sanitizeView, unwrapCdata } from './storage-sanitizer.js';

export interface LinkTarget {
  title: string;
  url: string;
  /** The page's id, where the renderer needs more than its address (another page's attachment). */
  id?: string;
}

/** What the renderer needs from the database, fetched before rendering (no query per link). */
export interface RenderContext {
  /** Pages the links point at, by lower-case title (same space) or "KEY:lower-case title". */
  pages: Map<string, LinkTarget>;
  /** The visible children of the page, for the "Children display" macro. */
  children: LinkTarget[];
  spaceKey: string;
  /** An attachment of the page being rendered, or of another page (`pageId`, a resolved link). */
  attachmentUrl(filename: string, pageId?: string): string;
}

const PANELS = new Set(['info', 'note', 'warning', 'tip']);
const STATUS_COLOURS = new Set(['grey', 'red', 'yellow', 'green', 'blue']);

function parse(storage: string) {
  return parseDocument(storage, { lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true });
}

function el(name: string, attribs: Record<string, string>, children: ChildNode[] = []): Element {
  const node = new Element(name, attribs, children);
  for (const child of children) child.parent = node;
  return node;
}

function param(macro: Element, name: string): string | undefined {
  const p = macro.children.find(
    (c): c is Element => c instanceof Element && c.name === 'ac:parameter' && c.attribs['ac:name'] === name,
  );
  return p ? textContent(p).trim() : undefined;
}

/** How RenderContext.pages knows the page an ri:page names: its title, with the key when in another space. */
function pageKey(page: Element, ctx: RenderContext): string {
  const title = (page.attribs['ri:content-title'] ?? '').toLowerCase();
  const space = page.attribs['ri:space-key'];
  return space && space !== ctx.spaceKey ? `${space}:${title}` : title;
}

function childElement(node: Element, name: string): Element | undefined {
  return node.children.find((c): c is Element => c instanceof Element && c.name === name);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'section';
}

function replace(node: Element, replacement: ChildNode | ChildNode[]): void {
  const parent = node.parent;
  if (!parent) return;
  const list = Array.isArray(replacement) ? replacement : [replacement];
  const index = parent.children.indexOf(node);
  parent.children.splice(index, 1, ...list);
  for (const item of list) item.parent = parent;
}

/**
 * Storage format → view HTML: page links resolved by title, attachment images, panels,
 * code blocks, task lists, "Table of contents" and "Children display". What comes out passes the
 * view allowlist (sanitizeView), whatever went in: storage was sanitised when it was written, and
 * the render-time pass is on the output, the HTML the browser gets, so one pass suffices.
 */
export function renderStorage(storage: string, ctx: RenderContext): string {
  const doc = parse(unwrapCdata(storage));

  // Headings get ids for the table of contents.
  const headings = findAll((e) => /^h[1-6]$/.test(e.name), doc.children);
  const used = new Set<string>();
  for (const h of headings) {
    let id = slug(textContent(h));
    for (let n = 2; used.has(id); n++) id = `${slug(textContent(h))}-${n}`;
    used.add(id);
    h.attribs.id = id;
  }

  for (const link of findAll((e) => e.name === 'ac:link', doc.children)) {
    const page = childElement(link, 'ri:page');
    const body = childElement(link, 'ac:link-body') ?? childElement(link, 'ac:plain-text-link-body');
    const anchor = link.attribs['ac:anchor'] ? `#${encodeURIComponent(slug(link.attribs['ac:anchor']))}` : '';
    if (!page) {
      // A link to a heading of this page, or to nothing Atrium knows: its text stays.
      const label = body ? body.children : [new Text(link.attribs['ac:anchor'] ?? '')];
      replace(link, anchor ? el('a', { href: anchor }, label) : label);
      continue;
    }
    const title = page.attribs['ri:content-title'] ?? '';
    const target = ctx.pages.get(pageKey(page, ctx));
    const label = body ? body.children : [new Text(title)];
    replace(
      link,
      target ? el('a', { href: `${target.url}${anchor}`, class: 'page-link' }, label) : el('a', { class: 'missing-link', title: 'No page with this title' }, label),
    );
  }

  for (const image of findAll((e) => e.name === 'ac:image', doc.children)) {
    const attachment = childElement(image, 'ri:attachment');
    const url = childElement(image, 'ri:url');
    const filename = attachment?.attribs['ri:filename'] ?? '';
    // An attachment of another page names that page inside: shown when the viewer may see it.
    const owner = attachment && childElement(attachment, 'ri:page');
    const ownerId = owner ? ctx.pages.get(pageKey(owner, ctx))?.id : undefined;
    const src = !attachment ? url?.attribs['ri:value'] : owner ? ownerId && ctx.attachmentUrl(filename, ownerId) : ctx.attachmentUrl(filename);
    const alt = image.attribs['ac:alt'] ?? '';
    if (src) replace(image, el('img', { src, alt, class: 'attachment-image' }));
    else replace(image, owner ? el('span', { class: 'macro-error' }, [new Text(`Image not available: ${filename}`)]) : []);
  }

  for (const list of findAll((e) => e.name === 'ac:task-list', doc.children)) {
    const items = list.children
      .filter((c): c is Element => c instanceof Element && c.name === 'ac:task')
      .map((task) => {
        const done = textContent(childElement(task, 'ac:task-status') ?? task).trim() === 'complete';
        const body = childElement(task, 'ac:task-body');
        const box = el('input', { type: 'checkbox', disabled: 'disabled', ...(done ? { checked: 'checked' } : {}) });
        return el('li', { class: done ? 'task task-done' : 'task' }, [box, new Text(' '), ...(body?.children ?? [])]);
      });
    replace(list, el('ul', { class: 'task-list' }, items));
  }

  // Innermost macros first, so a panel can hold a code block.
  const macros = findAll((e) => e.name === 'ac:structured-macro', doc.children).reverse();
  for (const macro of macros) {
    const name = macro.attribs['ac:name'];
    const rich = childElement(macro, 'ac:rich-text-body');
    const plain = childElement(macro, 'ac:plain-text-body');
    if (name && PANELS.has(name)) {
      const title = param(macro, 'title');
      const body = [
        ...(title ? [el('div', { class: 'panel-title' }, [new Text(title)])] : []),
        el('div', { class: 'panel-body' }, rich?.children ?? []),
      ];
      replace(macro, el('div', { class: `panel panel-${name}` }, body));
    } else if (name === 'code' || name === 'noformat') {
      const language = param(macro, 'language')?.toLowerCase().replace(/[^a-z0-9+#-]/g, '');
      const code = el('code', language ? { class: `language-${language}` } : {}, [new Text(plain ? textContent(plain) : '')]);
      replace(macro, el('pre', {}, [code]));
    } else if (name === 'toc') {
      const items = headings.map((h) =>
        el('li', { class: `toc-${h.name}` }, [el('a', { href: `#${h.attribs.id}` }, [new Text(textContent(h))])]),
      );
      replace(macro, el('nav', { class: 'toc' }, [el('ul', { class: 'toc-list' }, items)]));
    } else if (name === 'expand') {
      // Confluence's "Expand": a title to click, the body hidden until then.
      const summary = el('summary', {}, [new Text(param(macro, 'title') || 'Click here to expand...')]);
      replace(macro, el('details', { class: 'expand' }, [summary, ...(rich?.children ?? [])]));
    } else if (name === 'status') {
      const colour = (param(macro, 'colour') ?? 'grey').toLowerCase();
      const known = STATUS_COLOURS.has(colour) ? colour : 'grey';
      replace(macro, el('span', { class: `status status-${known}` }, [new Text((param(macro, 'title') ?? '').toUpperCase() || known.toUpperCase())]));
    } else if (name === 'children') {
      const items = ctx.children.map((c) => el('li', {}, [el('a', { href: c.url, class: 'page-link' }, [new Text(c.title)])]));
      replace(macro, el('ul', { class: 'children-list' }, items));
    } else {
      replace(macro, el('span', { class: 'macro-error' }, [new Text(`Unknown macro: ${name ?? '(none)'}`)]));
    }
  }

  // The parser decoded entities in text and attributes (and the renderer adds plain text: titles,
  // headings), so serialising must encode them again: "List&lt;String&gt;" stays text.
  return sanitizeView(render(doc.children, { xmlMode: false, encodeEntities: 'utf8' }));
}
