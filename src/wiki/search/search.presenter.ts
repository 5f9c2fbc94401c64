import type { Space } from '../spaces/space.service.js';
import type { SearchForm } from './search-query.js';
import type { SearchResults } from './search.service.js';

/** /search with the same words and filters, on another results page. */
export function searchUrl(form: SearchForm, page: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value) params.set(name, value);
  if (page > 1) params.set('page', String(page));
  return `/search?${params.toString()}`;
}

export function spaceOptions(spaces: Space[], selectedKey: string | null) {
  return spaces.map((s) => ({ key: s.key, name: s.name, selected: s.key === selectedKey }));
}

function summary(results: SearchResults, byText: boolean): string {
  if (!results.total) return 'No pages match your search.';
  if (!results.hits.length) return 'There are no more results.';
  if (!results.capped) return results.total === 1 ? '1 page found.' : `${results.total} pages found.`;
  const which = byText
    ? 'the best matches among the most recently updated pages and those whose title matches'
    : 'the most recently updated';
  return `At least ${results.total} pages match; showing ${which}. Add words or filters to narrow the search.`;
}

/** Display values for the results list: the summary line and the pager links. */
export function presentResults(results: SearchResults, form: SearchForm) {
  const { page, pageCount } = results;
  return {
    hits: results.hits,
    summary: summary(results, !!form.q),
    page,
    pageCount,
    prev: page > 1 ? searchUrl(form, Math.min(page - 1, pageCount)) : null,
    next: page < pageCount ? searchUrl(form, page + 1) : null,
    showPager: pageCount > 1 || page > 1,
  };
}
