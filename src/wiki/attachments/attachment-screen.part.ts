import { Injectable } from '@nestjs/common';
import { SCREEN, type PageScreenPart } from '../pages/page-screen.registry.js';
import type { Page } from '../pages/page.types.js';
import type { Viewer } from '../permissions/viewer.js';
import { MAX_FILES_PER_UPLOAD } from './attachment-upload.interceptor.js';
import { attachmentItem, attachmentsListUrl } from './attachment.presenter.js';
import { AttachmentService, type AttachmentJsonRow } from './attachment.service.js';

/** The page screen shows this many; the full list page has the rest. */
const SHOWN_ON_PAGE = 50;

/** The "Attachments" section of the page screen (views/partials/page-attachments.hbs). */
@Injectable()
export class AttachmentScreenPart implements PageScreenPart {
  readonly name = 'attachments';

  constructor(private readonly attachments: AttachmentService) {}

  get dataSql(): string {
    return this.attachments.pageListJsonSql(SCREEN.pageId, SHOWN_ON_PAGE);
  }

  buildPart(viewer: Viewer, page: Page, can: Set<string>, data: { total: number; rows: AttachmentJsonRow[] }): Record<string, unknown> {
    const { total } = data;
    const rows = data.rows.map((row) => ({ ...row, updatedAt: new Date(row.updatedAt) }));
    return {
      items: rows.map((row) => attachmentItem(page, row, can, viewer)),
      total,
      more: total - rows.length,
      canUpload: can.has('attach'),
      listUrl: attachmentsListUrl(page),
      maxMb: this.attachments.maxMb,
      maxFiles: MAX_FILES_PER_UPLOAD,
    };
  }
}
