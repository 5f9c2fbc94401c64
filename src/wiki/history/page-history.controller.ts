import { BadRequestException, Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated, Public } from '../../common/access.decorators.js';
import { setFlash } from '../../common/flash.js';
import { PageViewService } from '../pages/page-view.service.js';
import { PageService } from '../pages/page.service.js';
import { asViewer, viewerFrom } from '../wiki-viewer.js';
import { pageUrl } from '../wiki-urls.js';
import { diffScreen, historyScreen, versionScreen } from './page-history.presenter.js';
import { PageHistoryService, parseVersion } from './page-history.service.js';

/** A page's version list, any old version, a diff of two, and restoring one. */
@Controller('spaces/:key/pages/:id')
export class PageHistoryController {
  constructor(
    private readonly history: PageHistoryService,
    private readonly views: PageViewService,
    private readonly pages: PageService,
  ) {}

  @Public()
  @Get('history')
  async showHistory(@Param('id') id: string, @Query('page') pageParam: unknown, @Req() req: Request, @Res() res: Response) {
    await asViewer(req, async (viewer) => {
      const { page, can } = await this.history.visiblePage(viewer, id);
      const list = await this.history.listVersions(page, parseVersion(pageParam) ?? 1);
      res.render('wiki/history/page-history', { ...historyScreen(page, list, can), ...(await this.pages.trail(page)) });
    });
  }

  @Public()
  @Get('history/:version')
  async showVersion(@Param('id') id: string, @Param('version') versionParam: string, @Req() req: Request, @Res() res: Response) {
    await asViewer(req, async (viewer) => {
      const { page, can } = await this.history.visiblePage(viewer, id);
      const number = parseVersion(versionParam);
      if (number === null) throw new NotFoundException('There is no such version of this page.');
      const version = (await this.history.findVersions(page, [number])).get(number)!;
      const html = await this.views.renderBody(viewer, page, version.body);
      res.render('wiki/history/page-version', { ...versionScreen(page, version, html, can), ...(await this.pages.trail(page)) });
    });
  }

  /** Without from/to it compares the current version with the one before. */
  @Public()
  @Get('diff')
  async showDiff(
    @Param('id') id: string,
    @Query('from') fromParam: unknown,
    @Query('to') toParam: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await asViewer(req, async (viewer) => {
      const { page } = await this.history.visiblePage(viewer, id);
      const to = toParam === undefined ? page.version : parseVersion(toParam);
      const from = fromParam === undefined && to !== null ? Math.max(1, to - 1) : parseVersion(fromParam);
      if (from === null || to === null) throw new BadRequestException('Choose two versions of this page to compare.');
      const versions = await this.history.findVersions(page, [from, to]);
      res.render('wiki/history/page-diff', { ...diffScreen(page, versions.get(from)!, versions.get(to)!), ...(await this.pages.trail(page)) });
    });
  }

  @Authenticated()
  @Post('history/:version/restore')
  async restoreVersion(@Param('id') id: string, @Param('version') versionParam: string, @Req() req: Request, @Res() res: Response) {
    const number = parseVersion(versionParam);
    if (number === null) throw new NotFoundException('There is no such version of this page.');
    const saved = await this.history.restoreVersion(viewerFrom(req), id, number);
    setFlash(req, `Version ${number} was restored as version ${saved.version}.`);
    res.redirect(303, pageUrl(saved.spaceKey, saved.id, saved.title));
  }
}
