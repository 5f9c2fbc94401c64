import { MARK_END, MARK_START } from './search-highlight.js';

/** SQL fragments for search over `pages p`: text for ts_headline, and where to cut it. */

/** ts_rank weights for {D, C, B, A}: the trigger files body under C, labels under B, title under A. */
export const RANK_WEIGHTS = '{0.05,0.1,0.4,1.0}';
/** Divide by 1 + log(length), so long pages do not win on repetition alone. */
export const RANK_NORMALIZATION = 1;

export const SNIPPET_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxFragments=2, MaxWords=20, MinWords=8, FragmentDelimiter=" … "`;
export const TITLE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;

/**
 * ts_headline parses every character it is given (about 0.3 µs each), so it gets a window of
 * the body around the first mention of a query word, not the whole page.
 */
const WINDOW_BEFORE = 200;
const WINDOW_CHARS = 800;

/**
 * Storage markup to text for ts_headline: tags (and tags cut at the window's edges) out,
 * entities kept so "<" in the text never looks like a tag to ts_headline (the app decodes
 * them, then escapes everything), and never our marker characters, so a page cannot forge
 * a highlight.
 */
export function storageText(raw: string): string {
  return `translate(regexp_replace(regexp_replace(regexp_replace(${raw}, '^[^<]*>', ''), '<[^>]*$', ''), '<[^>]*>', ' ', 'g'),
    '${MARK_START}${MARK_END}', '')`;
}

/** Titles are plain text; escaped like storage text so ts_headline keeps "<b>" in a title as words. */
export const ESCAPED_TITLE = `replace(replace(replace(translate(p.title, '${MARK_START}${MARK_END}', ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;

/**
 * The positive lexemes of the query (querytree drops negated ones), as a one-row CTE body.
 * English stems are nearly always prefixes of the words they come from ("deploy" of
 * "deployment"); one letter less also covers "polici" of "policy".
 */
export function queryWordsSql(tsquery: string): string {
  return `SELECT coalesce(array_agg(CASE WHEN length(w) > 4 THEN left(w, -1) ELSE w END), '{}') AS list
    FROM (SELECT replace(m[1], '''''', '''') AS w FROM regexp_matches(querytree(${tsquery}), '''((?:[^'']|'''')+)''', 'g') AS m) lexemes`;
}

/** The body around the first mention of any of `words.list` (or its start), as text. */
export function snippetSourceSql(): string {
  // lower() once per page, not once per query word.
  const firstMention = `(SELECT min(nullif(strpos(b.lowered, w), 0)) FROM (SELECT lower(p.body) AS lowered) b, unnest(words.list) AS w)`;
  return storageText(`substr(p.body, greatest(1, coalesce(${firstMention}, 1) - ${WINDOW_BEFORE}), ${WINDOW_CHARS})`);
}

/** One row with the totals even when the requested results page is empty; the hits join onto it. */
export function withTotals(total: string, capped: string, hits: string, order: string): string {
  return `SELECT t.total, t.capped, h.* FROM (SELECT ${total}::int AS total, ${capped} AS capped) t
    LEFT JOIN (${hits}) h ON true ORDER BY ${order}`;
}
