import type { Page } from '../pages/page.types.js';
import type { Viewer } from '../permissions/viewer.js';
import { attachmentUrl } from '../wiki-urls.js';
import { servingOf } from './attachment-rules.js';
import { mayDelete } from './attachment.service.js';
import type { AttachmentRow, AttachmentVersionRow } from './attachment.types.js';

export function attachmentsListUrl(page: Pick<Page, 'id' | 'spaceKey'>): string {
  return `/spaces/${encodeURIComponent(page.spaceKey)}/pages/${page.id}/attachments`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Display values for one attachment; the template only prints them. */
export function attachmentItem(page: Page, row: AttachmentRow, held: Set<string>, viewer: Viewer) {
  return {
    id: row.id,
    filename: row.filename,
    version: row.version,
    mediaType: row.mediaType,
    size: formatSize(row.size),
    uploader: row.uploaderName ?? 'Unknown',
    updatedAt: row.updatedAt,
    isImage: servingOf(row.mediaType).disposition === 'inline',
    downloadUrl: attachmentUrl(page.id, row.filename),
    deleteUrl: `${attachmentsListUrl(page)}/${row.id}/delete`,
    canDelete: mayDelete(held, viewer, row),
  };
}

export function versionItems(page: Page, filename: string, versions: AttachmentVersionRow[]) {
  return versions.map((v) => ({
    version: v.version,
    size: formatSize(v.size),
    mediaType: v.mediaType,
    comment: v.comment,
    uploader: v.uploaderName ?? 'Unknown',
    createdAt: v.createdAt,
    downloadUrl: attachmentUrl(page.id, filename, v.version),
  }));
}
