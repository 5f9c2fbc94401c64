import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { hasRichHtml, looksLikeMarkdown, markdownToStorage } from './markdown.js';

export interface MarkdownPasteOptions {
  /** Storage format → editor HTML, as used to load the page. */
  toEditor(storage: string): string;
}

/** Pasted plain text that looks like Markdown is inserted as rich content. */
export const MarkdownPaste = Extension.create<MarkdownPasteOptions>({
  name: 'markdownPaste',
  addOptions() {
    return { toEditor: (storage: string) => storage };
  },
  addProseMirrorPlugins() {
    const editor = this.editor;
    const { toEditor } = this.options;
    return [
      new Plugin({
        key: new PluginKey('markdownPaste'),
        props: {
          handlePaste(_view, event) {
            const text = event.clipboardData?.getData('text/plain') ?? '';
            const html = event.clipboardData?.getData('text/html') ?? '';
            if (!text || hasRichHtml(html) || !looksLikeMarkdown(text) || editor.isActive('codeBlock')) return false;
            return editor.commands.insertContent(toEditor(markdownToStorage(text)));
          },
        },
      }),
    ];
  },
});
