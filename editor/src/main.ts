import { Editor } from '@tiptap/core';
import { createAsk } from './dialog.js';
import { editorJsonToStorage, type JsonNode } from './editor-to-storage.js';
import { editorExtensions } from './extensions.js';
import { MarkdownPaste } from './markdown-paste.js';
import { storageToEditorHtml } from './storage-to-editor.js';
import { buildToolbar } from './toolbar.js';

/**
 * Progressive enhancement of the page editor: the storage-format textarea stays the form
 * field (and the fallback without JavaScript); the WYSIWYG editor writes it on every change.
 */
function mount(host: HTMLElement): void {
  const textarea = document.getElementById(host.dataset.richEditor ?? '');
  if (!(textarea instanceof HTMLTextAreaElement)) return;
  const pageId = host.dataset.pageId;
  const attachmentUrl = (filename: string) => (pageId ? `/pages/${pageId}/attachments/${encodeURIComponent(filename)}` : '');
  const toEditor = (storage: string) => storageToEditorHtml(storage, { attachmentUrl });

  const label = document.querySelector<HTMLLabelElement>(`label[for="${textarea.id}"]`);
  if (label && !label.id) label.id = `${textarea.id}-label`;
  const surface = document.createElement('div');
  surface.className = 'editor-surface';
  const editor = new Editor({
    element: surface,
    extensions: [...editorExtensions(), MarkdownPaste.configure({ toEditor })],
    content: toEditor(textarea.value),
    // TipTap's default injects a <style> element, which the CSP refuses; editor.css has those rules.
    injectCSS: false,
    editorProps: {
      attributes: {
        class: 'editor-content',
        role: 'textbox',
        'aria-multiline': 'true',
        ...(label ? { 'aria-labelledby': label.id } : {}),
      },
    },
  });

  // What the textarea holds as far as the editor knows; anything else was written by someone
  // else (a restored draft, the storage view) and is loaded into the editor.
  let written = textarea.value;
  let source = false;
  const write = () => {
    written = editorJsonToStorage(editor.getJSON() as JsonNode);
    textarea.value = written;
    // Listeners such as draft autosave see the change as if it had been typed.
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const load = () => {
    if (textarea.value === written) return;
    editor.commands.setContent(toEditor(textarea.value), { emitUpdate: false });
    written = textarea.value;
  };
  editor.on('update', write);
  for (const type of ['input', 'change']) textarea.addEventListener(type, () => !source && load());

  const toolbar = buildToolbar(
    editor,
    {
      ask: createAsk(host),
      spaceKey: host.dataset.spaceKey ?? '',
      toggleSource() {
        source = !source;
        if (!source) load();
        textarea.hidden = !source;
        surface.hidden = source;
        if (!source) editor.commands.focus();
        return source;
      },
    },
    attachmentUrl,
  );
  label?.addEventListener('click', () => !source && editor.commands.focus());
  host.append(toolbar, surface);
  host.classList.add('is-ready');
  textarea.hidden = true;
}

document.querySelectorAll<HTMLElement>('[data-rich-editor]').forEach(mount);
