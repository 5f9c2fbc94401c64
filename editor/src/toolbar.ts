import type { Editor, JSONContent } from '@tiptap/core';
import { NodeSelection } from '@tiptap/pm/state';
import type { Ask, Suggestion } from './dialog.js';
import { lowlight, PANEL_TYPES } from './extensions.js';

export interface ToolbarHooks {
  ask: Ask;
  /** Key of the space the page is in: links to pages elsewhere name their space. */
  spaceKey: string;
  /** Switches between the editor and the storage-format textarea; returns true when the source shows. */
  toggleSource(): boolean;
}

interface Control {
  el: HTMLElement;
  update(): void;
}

type Run = (editor: Editor, hooks: ToolbarHooks) => unknown;

const STORAGE = {
  toc: '<ac:structured-macro ac:name="toc" ac:schema-version="1" />',
  children: '<ac:structured-macro ac:name="children" ac:schema-version="2" />',
};

function button(editor: Editor, hooks: ToolbarHooks, text: string, name: string, run: Run, active?: (e: Editor) => boolean): Control {
  const el = document.createElement('button');
  el.type = 'button';
  el.className = 'tb-button';
  el.textContent = text;
  el.title = name;
  el.setAttribute('aria-label', name);
  // Keep the selection in the editor while clicking.
  el.addEventListener('mousedown', (event) => event.preventDefault());
  el.addEventListener('click', () => void run(editor, hooks));
  return {
    el,
    update() {
      if (active) el.setAttribute('aria-pressed', String(active(editor)));
    },
  };
}

function select(name: string, options: [string, string][], onChange: (value: string) => void, current: () => string): Control {
  const el = document.createElement('select');
  el.className = 'tb-select';
  el.title = name;
  el.setAttribute('aria-label', name);
  for (const [value, label] of options) el.add(new Option(label, value));
  el.addEventListener('change', () => onChange(el.value));
  return {
    el,
    update() {
      const value = current();
      if (![...el.options].some((o) => o.value === value)) el.add(new Option(value, value));
      el.value = value;
    },
  };
}

function group(label: string, controls: Control[]): Control {
  const el = document.createElement('div');
  el.className = 'tb-group';
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', label);
  el.append(...controls.map((c) => c.el));
  return { el, update: () => controls.forEach((c) => c.update()) };
}

async function editLink(editor: Editor, hooks: ToolbarHooks) {
  const current = String(editor.getAttributes('link').href ?? '');
  const href = await hooks.ask({ label: 'Link address', value: current, hint: 'Leave empty to remove the link.' });
  if (href === null) return;
  const chain = editor.chain().focus().extendMarkRange('link');
  if (!href) return chain.unsetLink().run();
  if (editor.state.selection.empty && !current) {
    return chain.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run();
  }
  return chain.setLink({ href }).run();
}

interface TitleHit {
  title: string;
  spaceKey: string;
  spaceName: string;
}

/** Page titles the viewer may see, from the quick title search (GET /search/quick). */
async function findTitles(text: string): Promise<TitleHit[]> {
  if (text.trim().length < 3) return [];
  const response = await fetch(`/search/quick?q=${encodeURIComponent(text)}`, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  });
  return response.ok ? ((await response.json()) as { results: TitleHit[] }).results : [];
}

async function linkPage(editor: Editor, hooks: ToolbarHooks) {
  const current = String(editor.getAttributes('pageLink').title ?? '');
  let hits: TitleHit[] = [];
  const suggest = async (text: string): Promise<Suggestion[]> => {
    hits = await findTitles(text);
    return hits.map((h) => ({ value: h.title, label: `${h.spaceName} (${h.spaceKey})` }));
  };
  const title = await hooks.ask({ label: 'Page title', value: current, hint: 'Links by title keep working when the page is renamed.', suggest });
  if (title === null) return;
  const chain = editor.chain().focus().extendMarkRange('pageLink');
  if (!title) return chain.unsetMark('pageLink').run();
  // A title found only in another space links there; otherwise the link stays in this space.
  const matches = hits.filter((h) => h.title.toLowerCase() === title.toLowerCase());
  const elsewhere = matches.length && !matches.some((h) => h.spaceKey === hooks.spaceKey) ? matches[0].spaceKey : null;
  const kept = title === current ? (editor.getAttributes('pageLink').spaceKey ?? null) : null;
  const attrs = { title, spaceKey: elsewhere ?? kept };
  if (editor.state.selection.empty && !current) {
    return chain.insertContent({ type: 'text', text: title, marks: [{ type: 'pageLink', attrs }] }).run();
  }
  return chain.setMark('pageLink', attrs).run();
}

async function insertImage(editor: Editor, hooks: ToolbarHooks, attachmentUrl: (f: string) => string) {
  const filename = await hooks.ask({ label: 'Attachment file name', hint: 'An image attached to this page, e.g. diagram.png.' });
  if (!filename) return;
  editor
    .chain()
    .focus()
    .insertContent({ type: 'image', attrs: { src: attachmentUrl(filename), alt: filename, kind: 'attachment', filename } })
    .run();
}

/** Inserts a block node (a macro) and leaves the cursor in a paragraph after it, not on it. */
function insertBlock(editor: Editor, node: JSONContent) {
  editor.chain().focus().insertContent(node).run();
  const { selection, doc } = editor.state;
  if (!(selection instanceof NodeSelection)) return;
  const after = selection.to;
  if (doc.resolve(after).nodeAfter?.isTextblock) editor.commands.setTextSelection(after + 1);
  else editor.chain().insertContentAt(after, { type: 'paragraph' }).setTextSelection(after + 1).run();
}

function setTextStyle(editor: Editor, value: string) {
  const chain = editor.chain().focus();
  if (value === 'p') chain.setParagraph().run();
  else chain.setHeading({ level: Number(value.slice(1)) as 1 | 2 | 3 | 4 | 5 | 6 }).run();
}

function setPanel(editor: Editor, value: string) {
  const chain = editor.chain().focus();
  if (!value) chain.lift('panel').run();
  else if (editor.isActive('panel')) chain.updateAttributes('panel', { type: value }).run();
  else chain.wrapIn('panel', { type: value }).run();
}

/** The toolbar: a button or list for every feature, with states that follow the selection. */
export function buildToolbar(editor: Editor, hooks: ToolbarHooks, attachmentUrl: (f: string) => string): HTMLElement {
  const b = (text: string, name: string, run: Run, active?: (e: Editor) => boolean) => button(editor, hooks, text, name, run, active);
  const is = (name: string, attrs?: Record<string, unknown>) => (e: Editor) => e.isActive(name, attrs);
  const languages = lowlight.listLanguages().sort();

  const tableTools = group('Table tools', [
    b('+Row', 'Add row below', (e) => e.chain().focus().addRowAfter().run()),
    b('+Col', 'Add column after', (e) => e.chain().focus().addColumnAfter().run()),
    b('−Row', 'Delete row', (e) => e.chain().focus().deleteRow().run()),
    b('−Col', 'Delete column', (e) => e.chain().focus().deleteColumn().run()),
    b('Hdr', 'Toggle header row', (e) => e.chain().focus().toggleHeaderRow().run()),
    b('✕', 'Delete table', (e) => e.chain().focus().deleteTable().run()),
  ]);
  const language = select(
    'Code language',
    [['', 'Plain text'], ...languages.map((l): [string, string] => [l, l])],
    (value) => editor.chain().focus().updateAttributes('codeBlock', { language: value || null }).run(),
    () => String(editor.getAttributes('codeBlock').language ?? ''),
  );

  const controls: Control[] = [
    select(
      'Text style',
      [['p', 'Paragraph'], ...[1, 2, 3, 4, 5, 6].map((n): [string, string] => [`h${n}`, `Heading ${n}`])],
      (value) => setTextStyle(editor, value),
      () => {
        for (let n = 1; n <= 6; n++) if (editor.isActive('heading', { level: n })) return `h${n}`;
        return 'p';
      },
    ),
    group('Text', [
      b('B', 'Bold', (e) => e.chain().focus().toggleBold().run(), is('bold')),
      b('I', 'Italic', (e) => e.chain().focus().toggleItalic().run(), is('italic')),
      b('S', 'Strikethrough', (e) => e.chain().focus().toggleStrike().run(), is('strike')),
      b('U', 'Underline', (e) => e.chain().focus().toggleUnderline().run(), is('underline')),
      b('</>', 'Inline code', (e) => e.chain().focus().toggleCode().run(), is('code')),
    ]),
    group('Lists', [
      b('• List', 'Bullet list', (e) => e.chain().focus().toggleBulletList().run(), is('bulletList')),
      b('1. List', 'Numbered list', (e) => e.chain().focus().toggleOrderedList().run(), is('orderedList')),
      b('☑ Tasks', 'Task list', (e) => e.chain().focus().toggleTaskList().run(), is('taskList')),
    ]),
    group('Blocks', [
      b('❝', 'Quote', (e) => e.chain().focus().toggleBlockquote().run(), is('blockquote')),
      b('{ }', 'Code block', (e) => e.chain().focus().toggleCodeBlock().run(), is('codeBlock')),
      language,
      select(
        'Panel',
        [['', 'No panel'], ...PANEL_TYPES.map((t): [string, string] => [t, `${t[0].toUpperCase()}${t.slice(1)} panel`])],
        (value) => setPanel(editor, value),
        () => String(editor.isActive('panel') ? editor.getAttributes('panel').type : ''),
      ),
    ]),
    group('Insert', [
      b('Link', 'Link', (e, h) => editLink(e, h), is('link')),
      b('Page', 'Page link', (e, h) => linkPage(e, h), is('pageLink')),
      b('Image', 'Image from attachment', (e, h) => insertImage(e, h, attachmentUrl)),
      b('Table', 'Insert table', (e) => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()),
      b('TOC', 'Table of contents', (e) => insertBlock(e, { type: 'storageBlock', attrs: { xml: STORAGE.toc } })),
      b('Children', 'Children display', (e) => insertBlock(e, { type: 'storageBlock', attrs: { xml: STORAGE.children } })),
    ]),
    tableTools,
    group('History', [
      b('↶', 'Undo', (e) => e.chain().focus().undo().run()),
      b('↷', 'Redo', (e) => e.chain().focus().redo().run()),
    ]),
  ];
  const source = button(editor, hooks, 'Source', 'Storage format', (_e, h) => {
    const showing = h.toggleSource();
    source.el.setAttribute('aria-pressed', String(showing));
    for (const c of controls) c.el.toggleAttribute('inert', showing);
  });
  source.el.setAttribute('aria-pressed', 'false');

  const bar = document.createElement('div');
  bar.className = 'editor-toolbar';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Formatting');
  bar.append(...controls.map((c) => c.el), source.el);
  const update = () => {
    controls.forEach((c) => c.update());
    tableTools.el.hidden = !editor.isActive('table');
    (language.el as HTMLSelectElement).disabled = !editor.isActive('codeBlock');
  };
  editor.on('transaction', update);
  update();
  return bar;
}
