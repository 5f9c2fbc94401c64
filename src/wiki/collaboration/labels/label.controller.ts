import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated, Public } from '../../../common/access.decorators.js';
import { renderFormError } from '../../../common/form-errors.js';
import { viewerFrom } from '../../wiki-viewer.js';
import { pageUrl } from '../../wiki-urls.js';
import { PageService } from '../../pages/page.service.js';
import { pageNumber } from '../page-number.js';
import { LabelService, labelUrl } from './label.service.js';

type Form = Record<string, unknown>;

@Controller()
export class LabelController {
  constructor(
    private readonly pages: PageService,
    private readonly labels: LabelService,
  ) {}

  @Authenticated()
  @Post('pages/:pageId/labels')
  async addLabels(@Param('pageId') pageId: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const { page } = await this.pages.requireAccess(viewer, pageId, 'edit');
    const back = pageUrl(page.spaceKey, page.id, page.title);
    try {
      await this.labels.addLabels(viewer, page, body.labels);
      res.redirect(303, `${back}#labels`);
    } catch (error) {
      renderFormError(res, error, 'wiki/collaboration/label-form', {
        title: 'Add labels',
        page: { title: page.title, url: back },
        action: `/pages/${page.id}/labels`,
        values: { labels: typeof body.labels === 'string' ? body.labels : '' },
      });
    }
  }

  @Authenticated()
  @Post('pages/:pageId/labels/:name/delete')
  async removeLabel(@Param('pageId') pageId: string, @Param('name') name: string, @Req() req: Request, @Res() res: Response) {
    const { page } = await this.pages.requireAccess(viewerFrom(req), pageId, 'edit');
    await this.labels.removeLabel(page, name);
    res.redirect(303, `${pageUrl(page.spaceKey, page.id, page.title)}#labels`);
  }

  /** Anyone may ask; the list holds only pages the viewer may see. */
  @Public()
  @Get('labels/:name')
  async showLabel(@Param('name') name: string, @Query('page') page: unknown, @Req() req: Request, @Res() res: Response) {
    const n = pageNumber(page);
    const result = await this.labels.pagesWithLabel(viewerFrom(req), name, n);
    res.render('wiki/collaboration/label-pages', {
      title: `Label: ${result.name}`,
      ...result,
      previousUrl: n > 1 ? `${labelUrl(result.name)}?page=${n - 1}` : null,
      nextUrl: result.hasMore ? `${labelUrl(result.name)}?page=${n + 1}` : null,
    });
  }
}
