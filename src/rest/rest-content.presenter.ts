import { pageUrl } from '../wiki/wiki-urls.js';
import type { ContentRow, VersionRow } from './content-query.service.js';
import type { Expand } from './rest-request.js';
import { presentContentRef, presentSpace } from './rest-space.presenter.js';
import { presentAnonymousUser, presentRestUser, type RestUserFields } from './rest-user.presenter.js';

export interface LabelRow {
  id: number;
  name: string;
}

/** Everything a batch of content needs besides its own rows, each loaded in one query. */
export interface ContentContext {
  baseUrl: string;
  viewerId: string | null;
  expand: Expand;
  users: Map<string, RestUserFields>;
  ancestors: Map<string, { id: string; title: string }>;
  labels: Map<string, LabelRow[]>;
  /** Rendered bodies (body.view), by page id. */
  views: Map<string, string>;
}

export function presentLabel(label: LabelRow) {
  return { prefix: 'global', name: label.name, id: String(label.id), label: label.name };
}

function presentUser(id: string | null, ctx: ContentContext) {
  const user = id ? ctx.users.get(id) : undefined;
  return user ? presentRestUser(user, ctx.baseUrl, user.id === ctx.viewerId) : presentAnonymousUser();
}

export function presentVersion(pageId: string, version: VersionRow, ctx: ContentContext) {
  return {
    by: presentUser(version.by, ctx),
    when: new Date(version.when).toISOString(),
    message: version.message,
    number: version.number,
    minorEdit: version.minorEdit,
    hidden: false,
    _links: { self: `${ctx.baseUrl}/rest/api/content/${pageId}/version/${version.number}` },
    _expandable: { content: `/rest/api/content/${pageId}` },
  };
}

function latestVersion(row: ContentRow): VersionRow {
  return { number: row.version, by: row.versionBy, when: row.versionAt, message: row.versionMessage, minorEdit: row.versionMinor };
}

/** The history object; `lastUpdated` when asked for (as `history.lastUpdated`, or `lastUpdated` on /history). */
export function presentHistory(row: ContentRow, ctx: ContentContext, withLastUpdated: boolean) {
  const expandable: Record<string, string> = { lastUpdated: '', previousVersion: '', contributors: '', nextVersion: '' };
  const out: Record<string, unknown> = {
    latest: true,
    createdBy: presentUser(row.createdBy, ctx),
    createdDate: new Date(row.createdAt).toISOString(),
  };
  if (withLastUpdated) {
    out.lastUpdated = presentVersion(row.id, latestVersion(row), ctx);
    delete expandable.lastUpdated;
  }
  out._links = { self: `${ctx.baseUrl}/rest/api/content/${row.id}/history` };
  out._expandable = expandable;
  return out;
}

function presentBody(row: ContentRow, ctx: ContentContext) {
  const expandable: Record<string, string> = {
    editor: '',
    view: '',
    export_view: '',
    styled_view: '',
    storage: '',
    anonymous_export_view: '',
  };
  const out: Record<string, unknown> = {};
  const self = { content: `/rest/api/content/${row.id}` };
  if (ctx.expand.has('body.storage') && row.body !== undefined) {
    out.storage = { value: row.body, representation: 'storage', _expandable: self };
    delete expandable.storage;
  }
  const view = ctx.views.get(row.id);
  if (ctx.expand.has('body.view') && view !== undefined) {
    out.view = { value: view, representation: 'view', _expandable: self };
    delete expandable.view;
  }
  out._expandable = expandable;
  return out;
}

/**
 * Confluence Server REST API v1 content shape. Only what `expand` names is filled in; the
 * rest is listed under `_expandable`, as Confluence does.
 */
export function presentContent(row: ContentRow, ctx: ContentContext) {
  const { expand, baseUrl } = ctx;
  const id = row.id;
  const space = { id: row.spaceId, key: row.spaceKey, name: row.spaceName, homepageId: row.spaceHomepageId };
  const webui = pageUrl(row.spaceKey, id, row.title);
  const expandable: Record<string, string> = {
    childTypes: '',
    container: `/rest/api/space/${row.spaceKey}`,
    metadata: '',
    operations: '',
    children: `/rest/api/content/${id}/child`,
    restrictions: '',
    history: `/rest/api/content/${id}/history`,
    ancestors: '',
    body: '',
    version: '',
    descendants: '',
    space: `/rest/api/space/${row.spaceKey}`,
  };
  const out: Record<string, unknown> = { id, type: 'page', status: row.status, title: row.title };
  const expanded = (key: string, value: () => unknown) => {
    if (!expand.has(key)) return;
    out[key] = value();
    delete expandable[key];
  };
  expanded('space', () => presentSpace(space, baseUrl));
  expanded('container', () => presentSpace(space, baseUrl));
  expanded('history', () => presentHistory(row, ctx, expand.has('history.lastUpdated')));
  expanded('version', () => presentVersion(id, latestVersion(row), ctx));
  expanded('ancestors', () =>
    row.ancestors
      .map((a) => ctx.ancestors.get(a))
      .filter((a) => a !== undefined)
      .map((a) => presentContentRef(a, baseUrl, pageUrl(row.spaceKey, a.id, a.title))),
  );
  expanded('body', () => presentBody(row, ctx));
  expanded('metadata', () => ({
    ...(expand.has('metadata.labels') ? { labels: labelList(id, ctx.labels.get(id) ?? [], baseUrl) } : {}),
    _expandable: { currentuser: '', properties: '', frontend: '', editorHtml: '', ...(expand.has('metadata.labels') ? {} : { labels: '' }) },
  }));
  out.extensions = { position: row.position };
  out._links = {
    webui,
    edit: `${webui.replace(/\/[^/]*$/, '')}/edit`,
    tinyui: `/pages/viewpage.action?pageId=${id}`,
    collection: '/rest/api/content',
    base: baseUrl,
    context: '',
    self: `${baseUrl}/rest/api/content/${id}`,
  };
  out._expandable = expandable;
  return out;
}

/** Labels of one page inline (metadata.labels), in the list envelope. */
function labelList(pageId: string, labels: LabelRow[], baseUrl: string) {
  return {
    results: labels.map(presentLabel),
    start: 0,
    limit: labels.length,
    size: labels.length,
    _links: { self: `${baseUrl}/rest/api/content/${pageId}/label` },
  };
}
