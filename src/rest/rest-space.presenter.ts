import { pageUrl, spaceUrl } from '../wiki/wiki-urls.js';
import type { Expand } from './rest-request.js';

export interface SpaceRow {
  id: number;
  key: string;
  name: string;
  description?: string;
  homepageId: string | null;
  homepageTitle?: string | null;
}

/** A page named from elsewhere (an ancestor, a space home page): just enough to follow it. */
export function presentContentRef(page: { id: string; title: string; status?: string }, baseUrl: string, webui: string) {
  return {
    id: page.id,
    type: 'page',
    status: page.status ?? 'current',
    title: page.title,
    _links: { webui, self: `${baseUrl}/rest/api/content/${page.id}` },
    _expandable: {
      container: '',
      metadata: '',
      operations: '',
      children: `/rest/api/content/${page.id}/child`,
      history: `/rest/api/content/${page.id}/history`,
      ancestors: '',
      body: '',
      version: '',
      space: '',
    },
  };
}

/** Confluence Server REST API v1 space shape; `description` and `homepage` on request. */
export function presentSpace(space: SpaceRow, baseUrl: string, expand?: Expand) {
  const expandable: Record<string, string> = { metadata: '', icon: '', description: '', homepage: '' };
  const out: Record<string, unknown> = { id: space.id, key: space.key, name: space.name, type: 'global', status: 'current' };
  if (expand?.has('description') && space.description !== undefined) {
    out.description = {
      plain: { value: space.description, representation: 'plain', embeddedContent: [] },
      _expandable: { view: '' },
    };
    delete expandable.description;
  }
  if (space.homepageId) {
    if (expand?.has('homepage') && space.homepageTitle) {
      out.homepage = presentContentRef({ id: space.homepageId, title: space.homepageTitle }, baseUrl, pageUrl(space.key, space.homepageId, space.homepageTitle));
      delete expandable.homepage;
    } else {
      expandable.homepage = `/rest/api/content/${space.homepageId}`;
    }
  }
  out._links = {
    webui: spaceUrl(space.key),
    collection: '/rest/api/space',
    base: baseUrl,
    context: '',
    self: `${baseUrl}/rest/api/space/${encodeURIComponent(space.key)}`,
  };
  out._expandable = expandable;
  return out;
}
