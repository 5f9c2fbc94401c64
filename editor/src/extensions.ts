import { Mark, Node, mergeAttributes, type AnyExtension } from '@tiptap/core';
import { CodeBlockLowlight } from '@tiptap/extension-code-block-lowlight';
import { Image } from '@tiptap/extension-image';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { common, createLowlight } from 'lowlight';

/**
 * The editor schema. Every node and mark here has a storage counterpart in
 * editor-to-storage.ts and is parsed from the HTML that storage-to-editor.ts writes.
 */
export const lowlight = createLowlight(common);

export const PANEL_TYPES = ['info', 'note', 'warning', 'tip'] as const;

const PANEL_LABELS: Record<string, string> = { info: 'Info', note: 'Note', warning: 'Warning', tip: 'Tip' };
const MACRO_LABELS: Record<string, string> = { toc: 'Table of contents', children: 'Children display' };

/** An attribute stored in a data-* attribute of the editor HTML. */
function dataAttr(name: string, fallback: string | null = null) {
  return {
    default: fallback,
    parseHTML: (el: HTMLElement) => el.getAttribute(`data-${name}`) ?? fallback,
    renderHTML: (attrs: Record<string, unknown>) => {
      const key = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
      const value = attrs[key];
      return value === null || value === undefined || value === '' ? {} : { [`data-${name}`]: String(value) };
    },
  };
}

function unescapeAttr(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** What an opaque storage node shows in the editor, from its XML. */
export function storageLabel(xml: string): string {
  const macro = /^<ac:structured-macro[^>]*\bac:name="([^"]*)"/.exec(xml)?.[1];
  if (macro !== undefined) return MACRO_LABELS[macro] ?? `Macro: ${macro}`;
  if (xml.startsWith('<ac:link')) {
    const file = /ri:filename="([^"]*)"/.exec(xml)?.[1];
    return file ? `Link to ${unescapeAttr(file)}` : 'Link';
  }
  if (xml.startsWith('<ac:image')) return 'Image';
  return 'Storage format';
}

function storageNode(name: string, inline: boolean) {
  return Node.create({
    name,
    group: inline ? 'inline' : 'block',
    inline,
    atom: true,
    selectable: true,
    draggable: !inline,
    addAttributes() {
      return { xml: { default: '', parseHTML: (el: HTMLElement) => el.getAttribute('data-storage') ?? '', renderHTML: () => ({}) } };
    },
    parseHTML() {
      return [{ tag: `${inline ? 'span' : 'div'}[data-storage]` }];
    },
    renderHTML({ node }) {
      const xml = String(node.attrs.xml);
      const label = storageLabel(xml);
      return [inline ? 'span' : 'div', { 'data-storage': xml, class: 'storage-node', title: label }, label];
    },
  });
}

/** Unknown macros, links to attachments and the like, kept verbatim. */
export const StorageBlock = storageNode('storageBlock', false);
export const StorageInline = storageNode('storageInline', true);

/** Confluence info/note/warning/tip panels. */
export const Panel = Node.create({
  name: 'panel',
  group: 'block',
  content: 'block+',
  defining: true,
  addAttributes() {
    return {
      type: { default: 'info', parseHTML: (el: HTMLElement) => el.getAttribute('data-panel') ?? 'info', renderHTML: () => ({}) },
      macro: dataAttr('macro', ''),
    };
  },
  parseHTML() {
    return [{ tag: 'div[data-panel]' }];
  },
  renderHTML({ node, HTMLAttributes }) {
    const type = String(node.attrs.type);
    let title = '';
    try {
      title = (JSON.parse(String(node.attrs.macro || '{}')) as { params?: { title?: string } }).params?.title ?? '';
    } catch {
      // A damaged macro attribute only loses the label.
    }
    const label = `${PANEL_LABELS[type] ?? type}${title ? `: ${title}` : ''}`;
    return ['div', mergeAttributes(HTMLAttributes, { 'data-panel': type, 'data-label': label, class: `editor-panel panel-${type}` }), 0];
  },
});

/** A link to a wiki page by title (ac:link/ri:page), so it survives renames. */
export const PageLink = Mark.create({
  name: 'pageLink',
  priority: 1000,
  inclusive: false,
  excludes: 'link',
  addAttributes() {
    return {
      title: { default: '', parseHTML: (el: HTMLElement) => el.getAttribute('data-page-title') ?? '', renderHTML: () => ({}) },
      spaceKey: dataAttr('space-key'),
      anchor: dataAttr('anchor'),
    };
  },
  parseHTML() {
    return [{ tag: 'a[data-page-title]' }];
  },
  renderHTML({ mark, HTMLAttributes }) {
    const title = String(mark.attrs.title);
    return ['a', mergeAttributes(HTMLAttributes, { 'data-page-title': title, class: 'page-link', title: `Page: ${title}` }), 0];
  },
});

function simpleMark(name: string, tag: string, other: string) {
  return Mark.create({
    name,
    excludes: other,
    parseHTML: () => [{ tag }],
    renderHTML: () => [tag, 0],
  });
}

export const Subscript = simpleMark('subscript', 'sub', 'superscript');
export const Superscript = simpleMark('superscript', 'sup', 'subscript');

/** Attachment images (ac:image/ri:attachment), external ones (ri:url) and plain <img>. */
export const AttachmentImage = Image.extend({
  addAttributes() {
    return {
      src: { default: '' },
      alt: { default: null },
      title: { default: null },
      width: dataAttr('width'),
      height: dataAttr('height'),
      kind: dataAttr('kind', 'html'),
      filename: dataAttr('filename'),
    };
  },
}).configure({ inline: true, allowBase64: false });

/** Code blocks, remembering whether they came from a code macro and its other parameters. */
export const CodeBlock = CodeBlockLowlight.extend({
  addAttributes() {
    return { ...this.parent?.(), macroName: dataAttr('macro-name'), macro: dataAttr('macro', '') };
  },
}).configure({ lowlight, defaultLanguage: null });

// The default table markup carries style attributes, which the CSP (style-src 'self') refuses.
const CspTable = Table.extend({
  renderHTML({ HTMLAttributes }) {
    const { style: _style, ...rest } = HTMLAttributes as Record<string, unknown>;
    return ['table', mergeAttributes(this.options.HTMLAttributes, rest), ['tbody', 0]];
  },
}).configure({ resizable: false });

const TaskItemWithId = TaskItem.extend({
  addAttributes() {
    return { ...this.parent?.(), taskId: dataAttr('task-id') };
  },
}).configure({ nested: true });

export function editorExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      codeBlock: false,
      link: { openOnClick: false, autolink: true, defaultProtocol: 'https', HTMLAttributes: { target: null, rel: 'noopener nofollow' } },
    }),
    CodeBlock,
    CspTable,
    TableRow,
    TableHeader,
    TableCell,
    TaskList,
    TaskItemWithId,
    AttachmentImage,
    Panel,
    PageLink,
    Subscript,
    Superscript,
    StorageBlock,
    StorageInline,
  ];
}
