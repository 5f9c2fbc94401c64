import { Injectable, NotFoundException } from '@nestjs/common';
import { PageService } from '../pages/page.service.js';
import type { Page } from '../pages/page.types.js';
import { PermissionService, type PageAction } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';

/** The page a comment, label or watch request is about, checked on the server. */
@Injectable()
export class PageAccessService {
  constructor(
    private readonly pages: PageService,
    private readonly permissions: PermissionService,
  ) {}

  /**
   * A current page on which the viewer may `action`: 404 when it is missing, in the trash or
   * hidden from them, 403 when they see it but may not. Returns what they hold there.
   */
  async requirePage(viewer: Viewer, id: string, action: PageAction): Promise<{ page: Page; held: Set<PageAction> }> {
    const page = await this.pages.findPage(id);
    if (!page || page.status !== 'current') throw new NotFoundException('There is no page here, or you may not see it.');
    const held = await this.permissions.assertPage(viewer, id, action);
    return { page, held };
  }
}
