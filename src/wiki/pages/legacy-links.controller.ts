import { Controller, Get, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../common/access.decorators.js';
import { PermissionService } from '../permissions/permission.service.js';
import { SpaceService } from '../spaces/space.service.js';
import { asViewer } from '../wiki-viewer.js';
import { pageUrl } from '../wiki-urls.js';
import { PageService } from './page.service.js';

/** Confluence-style addresses, so links migrated from Confluence keep working. */
@Controller()
export class LegacyLinksController {
  constructor(
    private readonly spaces: SpaceService,
    private readonly pages: PageService,
    private readonly permissions: PermissionService,
  ) {}

  @Public()
  @Get('display/:key/:title')
  async displayPage(@Param('key') key: string, @Req() req: Request, @Res() res: Response) {
    // Confluence writes a space in these titles as "+" and a plus as "%2B": read the raw segment,
    // since the decoded parameter cannot tell them apart.
    const raw = req.path.split('/')[3] ?? '';
    let title: string;
    try {
      title = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      throw new NotFoundException('There is no page with this title, or you may not see it.');
    }
    await this.redirectToTitle(req, res, key, title);
  }

  /** `?pageId=123`, or Confluence's other form, `?spaceKey=KEY&title=Page+Title`. */
  @Public()
  @Get('pages/viewpage.action')
  async viewPageAction(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const { pageId, spaceKey, title } = query;
    if (typeof pageId !== 'string' && typeof spaceKey === 'string' && typeof title === 'string') {
      return this.redirectToTitle(req, res, spaceKey, title);
    }
    await asViewer(req, async (viewer) => {
      const { page } = await this.pages.requireAccess(viewer, typeof pageId === 'string' ? pageId : '', 'view');
      res.redirect(301, pageUrl(page.spaceKey, page.id, page.title));
    });
  }

  private async redirectToTitle(req: Request, res: Response, key: string, title: string): Promise<void> {
    await asViewer(req, async (viewer) => {
      const space = await this.spaces.requireVisible(viewer, key);
      const page = await this.pages.findByTitle(space.id, title);
      if (!page) throw new NotFoundException('There is no page with this title, or you may not see it.');
      await this.permissions.assertPage(viewer, page.id, 'view');
      res.redirect(301, pageUrl(page.spaceKey, page.id, page.title));
    });
  }
}
