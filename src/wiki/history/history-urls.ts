/** Addresses of a page's history screens, beside its readable /spaces/KEY/pages/123/slug URL. */
function pageBase(spaceKey: string, pageId: string): string {
  return `/spaces/${encodeURIComponent(spaceKey)}/pages/${pageId}`;
}

export function historyUrl(spaceKey: string, pageId: string, pageNumber = 1): string {
  return `${pageBase(spaceKey, pageId)}/history${pageNumber > 1 ? `?page=${pageNumber}` : ''}`;
}

export function versionUrl(spaceKey: string, pageId: string, version: number): string {
  return `${pageBase(spaceKey, pageId)}/history/${version}`;
}

export function diffUrl(spaceKey: string, pageId: string, from: number, to: number): string {
  return `${pageBase(spaceKey, pageId)}/diff?from=${from}&to=${to}`;
}
