import { diffWords } from 'diff';
import { Element, Text, type ChildNode } from 'domhandler';
import { parseDocument } from 'htmlparser2';

export type DiffKind = 'same' | 'ins' | 'del' | 'gap';

/** One run of the diff; templates print `text` escaped, inside <ins>, <del> or a plain span. */
export interface DiffSegment {
  kind: DiffKind;
  text: string;
}

export interface VersionDiff {
  segments: DiffSegment[];
  changed: boolean;
  /** The word diff gave up (too large or too different) and shows old and new whole. */
  wholeText: boolean;
}

// Elements that end a line in the readable text.
const BLOCKS = new Set('p div h1 h2 h3 h4 h5 h6 li tr pre blockquote table ul ol hr ac:task ac:structured-macro'.split(' '));
/** Unchanged text longer than this is shortened to its ends, so a one-word edit is easy to spot. */
const CONTEXT = 200;
/** diff's own budget: a pathological pair of large versions must not hold the event loop. */
const DIFF_TIMEOUT_MS = 1000;

/**
 * The readable text of a storage-format body: tags dropped, one line per block, page links
 * and attachments by name. Diffing this (not the markup) keeps the diff free of page HTML.
 */
export function storageText(storage: string): string {
  const doc = parseDocument(storage, {
    lowerCaseTags: true,
    lowerCaseAttributeNames: true,
    recognizeSelfClosing: true,
  });
  const out: string[] = [];
  const atLineStart = () => out.length === 0 || out[out.length - 1].endsWith('\n');
  const walk = (nodes: ChildNode[], pre: boolean) => {
    for (const node of nodes) {
      if (node instanceof Text) {
        const text = pre ? node.data : node.data.replace(/\s+/g, ' ');
        out.push(!pre && atLineStart() ? text.trimStart() : text);
      }
      if (!(node instanceof Element)) continue;
      const name = node.name;
      if (name === 'ac:parameter') continue;
      if (name === 'br') out.push('\n');
      else if (name === 'ac:structured-macro') out.push(`\n[${node.attribs['ac:name'] ?? 'macro'}]\n`);
      else if (name === 'ri:page') out.push(node.attribs['ri:content-title'] ?? '');
      else if (name === 'ri:attachment') out.push(`[${node.attribs['ri:filename'] ?? 'attachment'}]`);
      else if (name === 'td' || name === 'th') out.push(' | ');
      const isPre = pre || name === 'pre' || name === 'ac:plain-text-body';
      // A link with its own text shows that text, not the target's title.
      const children =
        name === 'ac:link' && node.children.some((c) => c instanceof Element && c.name.endsWith('link-body'))
          ? node.children.filter((c) => !(c instanceof Element && c.name === 'ri:page'))
          : node.children;
      walk(children, isPre);
      if (BLOCKS.has(name)) out.push('\n');
    }
  };
  walk(doc.children, false);
  return out
    .join('')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim())
    .join('\n');
}

/** Long unchanged runs keep only the context next to a change. */
function shorten(segment: DiffSegment, first: boolean, last: boolean): DiffSegment[] {
  const text = segment.text;
  const keepHead = first ? 0 : CONTEXT;
  const keepTail = last ? 0 : CONTEXT;
  if (text.length <= keepHead + keepTail + 40) return [segment];
  const omitted = text.length - keepHead - keepTail;
  const parts: DiffSegment[] = [];
  if (keepHead) parts.push({ kind: 'same', text: text.slice(0, keepHead) });
  parts.push({
    kind: 'gap',
    text: `… ${omitted.toLocaleString('en')} unchanged characters …`,
  });
  if (keepTail) parts.push({ kind: 'same', text: text.slice(-keepTail) });
  return parts;
}

/** A word-level diff of two versions' text (npm `diff`). */
export function diffText(before: string, after: string): VersionDiff {
  if (before === after) return { segments: [], changed: false, wholeText: false };
  const changes = diffWords(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) {
    const segments: DiffSegment[] = [];
    if (before) segments.push({ kind: 'del', text: before });
    if (after) segments.push({ kind: 'ins', text: after });
    return { segments, changed: true, wholeText: true };
  }
  const raw: DiffSegment[] = changes.map((c) => ({
    kind: c.added ? 'ins' : c.removed ? 'del' : 'same',
    text: c.value,
  }));
  const segments = raw.flatMap((s, i) => (s.kind === 'same' ? shorten(s, i === 0, i === raw.length - 1) : [s]));
  return { segments, changed: true, wholeText: false };
}

/** Diffs two storage bodies through their readable text. */
export function diffStorage(before: string, after: string): VersionDiff {
  return diffText(storageText(before), storageText(after));
}
