// The wiki bench's section of docs/benchmarks.md, between its own markers. It sits above the
// line that `npm run bench` rewrites (report.mjs MARKER), so either bench keeps the other's figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { MARKER } from './report.mjs';

export const WIKI_START = '<!-- wiki:start (written by `npm run bench:wiki`; do not edit by hand) -->';
export const WIKI_END = '<!-- wiki:end -->';

export function writeWikiSection(path, markdown) {
  const section = `${WIKI_START}\n${markdown.trim()}\n${WIKI_END}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(WIKI_START);
  const end = current.indexOf(WIKI_END);
  let next;
  if (start >= 0 && end > start) {
    next = current.slice(0, start) + section + current.slice(end + WIKI_END.length);
  } else {
    const at = current.indexOf(MARKER);
    next = at >= 0 ? `${current.slice(0, at)}${section}\n\n${current.slice(at)}` : `${current.trimEnd()}\n\n${section}\n`;
  }
  writeFileSync(path, next);
}
