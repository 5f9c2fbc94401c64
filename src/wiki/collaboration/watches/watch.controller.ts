import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated } from '../../../common/access.decorators.js';
import { safeRedirectPath } from '../../../common/safe-redirect.js';
import { SpaceService } from '../../spaces/space.service.js';
import { viewerFrom } from '../../wiki-viewer.js';
import { pageUrl, spaceUrl } from '../../wiki-urls.js';
import { PageService } from '../../pages/page.service.js';
import { WatchService } from './watch.service.js';

/** Watch and Unwatch buttons on the page screen; watchers need to be able to view what they watch. */
@Controller()
export class WatchController {
  constructor(
    private readonly pages: PageService,
    private readonly spaces: SpaceService,
    private readonly watches: WatchService,
  ) {}

  @Authenticated()
  @Post('pages/:pageId/watch')
  async watchPage(@Param('pageId') pageId: string, @Req() req: Request, @Res() res: Response) {
    await this.setPageWatch(pageId, true, req, res);
  }

  @Authenticated()
  @Post('pages/:pageId/unwatch')
  async unwatchPage(@Param('pageId') pageId: string, @Req() req: Request, @Res() res: Response) {
    await this.setPageWatch(pageId, false, req, res);
  }

  @Authenticated()
  @Post('spaces/:key/watch')
  async watchSpace(@Param('key') key: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    await this.setSpaceWatch(key, true, body, req, res);
  }

  @Authenticated()
  @Post('spaces/:key/unwatch')
  async unwatchSpace(@Param('key') key: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    await this.setSpaceWatch(key, false, body, req, res);
  }

  private async setPageWatch(pageId: string, watch: boolean, req: Request, res: Response) {
    const viewer = viewerFrom(req);
    const { page } = await this.pages.requireAccess(viewer, pageId, 'view');
    await this.watches.setPageWatch(viewer.userId!, page.id, watch);
    res.redirect(303, pageUrl(page.spaceKey, page.id, page.title));
  }

  /** The button sits on a page, which it names in returnTo to come back to. */
  private async setSpaceWatch(key: string, watch: boolean, body: Record<string, unknown>, req: Request, res: Response) {
    const viewer = viewerFrom(req);
    const space = await this.spaces.requireVisible(viewer, key);
    await this.watches.setSpaceWatch(viewer.userId!, space.id, watch);
    res.redirect(303, safeRedirectPath(body.returnTo, spaceUrl(space.key)));
  }
}
