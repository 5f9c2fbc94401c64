import type { Page } from '../pages/page.types.js';
import type { PageAction } from '../permissions/permission.service.js';
import { diffUrl, historyUrl, versionUrl } from './history-urls.js';
import type { PageVersion, VersionList, VersionSummary } from './page-history.service.js';
import { diffStorage } from './version-diff.js';

/** Display values for the history screens; templates only print them. */
export function displayTime(value: Date | string): {
  iso: string;
  text: string;
} {
  const iso = new Date(value).toISOString();
  return { iso, text: `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` };
}


function versionRow(page: Page, v: VersionSummary, canEdit: boolean) {
  const isCurrent = v.version === page.version;
  return {
    ...v,
    authorName: v.authorName ?? 'Unknown',
    time: displayTime(v.createdAt),
    url: versionUrl(page.spaceKey, page.id, v.version),
    isCurrent,
    // The compare form starts on "previous version → current version".
    fromChecked: v.version === page.version - 1,
    toChecked: isCurrent,
    restoreAction: canEdit && !isCurrent ? `${versionUrl(page.spaceKey, page.id, v.version)}/restore` : null,
  };
}

export function historyScreen(page: Page, list: VersionList, can: Set<PageAction>) {
  return {
    title: `History of ${page.title}`,
    page,
    historyLink: historyUrl(page.spaceKey, page.id),
    diffAction: `/spaces/${encodeURIComponent(page.spaceKey)}/pages/${page.id}/diff`,
    canCompare: page.version > 1,
    versions: list.versions.map((v) => versionRow(page, v, can.has('edit'))),
    newerLink: list.pageNumber > 1 ? historyUrl(page.spaceKey, page.id, list.pageNumber - 1) : null,
    olderLink: list.pageNumber < list.pages ? historyUrl(page.spaceKey, page.id, list.pageNumber + 1) : null,
    paged: list.pages > 1,
    pageNumber: list.pageNumber,
    pages: list.pages,
  };
}

export function versionScreen(page: Page, version: PageVersion, html: string, can: Set<PageAction>) {
  const isCurrent = version.version === page.version;
  return {
    title: `${version.title} (version ${version.version})`,
    page,
    historyLink: historyUrl(page.spaceKey, page.id),
    version: {
      ...version,
      authorName: version.authorName ?? 'Unknown',
      time: displayTime(version.createdAt),
    },
    isCurrent,
    html,
    compareLink: isCurrent ? null : diffUrl(page.spaceKey, page.id, version.version, page.version),
    restoreAction: can.has('edit') && !isCurrent ? `${versionUrl(page.spaceKey, page.id, version.version)}/restore` : null,
  };
}

export function diffScreen(page: Page, from: PageVersion, to: PageVersion) {
  const describe = (v: PageVersion) => ({
    version: v.version,
    url: versionUrl(page.spaceKey, page.id, v.version),
    authorName: v.authorName ?? 'Unknown',
    time: displayTime(v.createdAt),
    changeComment: v.changeComment,
  });
  const body = diffStorage(from.body, to.body);
  return {
    title: `Compare versions of ${page.title}`,
    page,
    historyLink: historyUrl(page.spaceKey, page.id),
    from: describe(from),
    to: describe(to),
    titleChange: from.title === to.title ? null : { from: from.title, to: to.title },
    body,
  };
}
