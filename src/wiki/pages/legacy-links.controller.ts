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
  async displayPage(@Param('key') key: string, @Param('title') title: string, @Req() req: Request, @Res() res: Response) {
    await asViewer(req, async (viewer) => {
      const space = await this.spaces.requireVisible(viewer, key);
      // Confluence writes spaces as "+" in these titles.
      const page = await this.pages.findByTitle(space.id, title.replace(/\+/g, ' '));
      if (!page) throw new NotFoundException('There is no page with this title, or you may not see it.');
      await this.permissions.assertPage(viewer, page.id, 'view');
      res.redirect(301, pageUrl(page.spaceKey, page.id, page.title));
    });
  }

  @Public()
  @Get('pages/viewpage.action')
  async viewPageAction(@Query('pageId') pageId: string, @Req() req: Request, @Res() res: Response) {
    await asViewer(req, async (viewer) => {
      const { page } = await this.pages.requireAccess(viewer, pageId, 'view');
      res.redirect(301, pageUrl(page.spaceKey, page.id, page.title));
    });
  }
}
