import { UserInputError } from '../../../users/user-input.error.js';
import { sanitizeStorage } from '../../content/storage-sanitizer.js';

export const MAX_COMMENT_BYTES = 50 * 1024;
/** Replies deeper than this are drawn at this indent, so long threads stay readable. */
export const MAX_INDENT = 6;

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A textarea with no tags in it is plain text: blank lines make paragraphs, newlines breaks. */
function plainTextToStorage(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeText(p).replace(/\n/g, '<br />')}</p>`)
    .join('');
}

/**
 * Storage sent as a comment (by REST clients, or pasted) starts with a block element; prose that
 * merely mentions a tag ("use the <div> tag", "if a<b") is plain text and is shown as typed.
 */
function looksLikeMarkup(text: string): boolean {
  return /^\s*<(p|h[1-6]|ul|ol|table|blockquote|pre|div|ac:[a-z-]+)[\s/>]/i.test(text);
}

function unescapeText(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|#x27|nbsp|#160|amp);/g, (_m, e: string) =>
    ({ lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ', '#160': ' ', amp: '&' })[e]!,
  );
}

/**
 * What the author's edit box shows: the text they typed when the comment is plain paragraphs
 * (as plainTextToStorage wrote it), its storage otherwise.
 */
export function commentEditText(storage: string): string {
  const paragraphs = storage.match(/^(?:<p>(?:[^<]|<br \/>)*<\/p>)+$/) ? [...storage.matchAll(/<p>((?:[^<]|<br \/>)*)<\/p>/g)] : null;
  if (!paragraphs) return storage;
  return paragraphs.map((m) => unescapeText(m[1].replace(/<br \/>/g, '\n'))).join('\n\n');
}

/** True when sanitised storage shows something: text, or an image. */
function hasContent(storage: string): boolean {
  if (/<(img|ac:image)\b/.test(storage)) return true;
  return storage.replace(/<[^>]*>/g, '').replace(/&nbsp;|&#160;/g, ' ').trim() !== '';
}

/**
 * A comment body as stored: storage format (or plain text, converted), sanitised. Refuses
 * an empty or over-long comment with a message for the form.
 */
export function commentStorage(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : '';
  if (Buffer.byteLength(text) > MAX_COMMENT_BYTES) {
    throw new UserInputError({ body: 'The comment is too long (at most 50 KB).' });
  }
  const storage = sanitizeStorage(looksLikeMarkup(text) ? text : plainTextToStorage(text));
  if (!hasContent(storage)) throw new UserInputError({ body: 'Enter a comment.' });
  return storage;
}

export interface ThreadItem {
  id: string;
  parentId: string | null;
}

/**
 * Orders comments as threads (each reply after its parent, oldest first) with their depth.
 * A reply whose parent is not in the list (past the cap) starts its own thread.
 */
export function threadComments<T extends ThreadItem>(rows: T[]): (T & { depth: number; indent: number })[] {
  const ids = new Set(rows.map((r) => r.id));
  const replies = new Map<string, T[]>();
  const roots: T[] = [];
  for (const row of rows) {
    if (row.parentId && ids.has(row.parentId)) {
      const list = replies.get(row.parentId) ?? [];
      list.push(row);
      replies.set(row.parentId, list);
    } else {
      roots.push(row);
    }
  }
  const out: (T & { depth: number; indent: number })[] = [];
  // Iterative, so a thread thousands deep cannot overflow the stack.
  const stack = roots.reverse().map((row) => ({ row, depth: 0 }));
  while (stack.length) {
    const { row, depth } = stack.pop()!;
    out.push({ ...row, depth, indent: Math.min(depth, MAX_INDENT) });
    const children = replies.get(row.id) ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ row: children[i], depth: depth + 1 });
  }
  return out;
}
