import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated } from '../../common/access.decorators.js';
import { setFlash } from '../../common/flash.js';
import { renderFormError } from '../../common/form-errors.js';
import { viewerFrom } from '../wiki-viewer.js';
import { pageUrl } from '../wiki-urls.js';
import { PageMoveService, moveFormFrom } from './page-move.service.js';

type Form = Record<string, unknown>;
const VIEW = 'wiki/page-move';

/**
 * The move screen: another parent (typed by title) or space, a place among siblings, and
 * quick up/down reordering. Registered before PageController, whose /:id/:slug would
 * otherwise take GET /move.
 */
@Controller('spaces/:key/pages/:id')
export class PageMoveController {
  constructor(private readonly moves: PageMoveService) {}

  @Authenticated()
  @Get('move')
  async showMovePage(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const page = await this.moves.movablePage(viewer, id);
    res.render(VIEW, await this.moves.moveScreen(viewer, page));
  }

  /** The positions under a typed parent, for the form's script (JSON). */
  @Authenticated()
  @Get('move/siblings')
  async listSiblings(@Param('id') id: string, @Query() query: Form, @Req() req: Request) {
    const viewer = viewerFrom(req);
    const page = await this.moves.movablePage(viewer, id);
    const siblings = await this.moves.siblingsFor(viewer, page, moveFormFrom(query));
    return { children: siblings.map((s) => ({ id: s.id, title: s.title })) };
  }

  @Authenticated()
  @Post('move-form')
  async movePage(@Param('id') id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const page = await this.moves.movablePage(viewer, id);
    const form = moveFormFrom(body);
    try {
      const moved = await this.moves.moveByForm(viewer, page, form);
      setFlash(req, `“${moved.title}” was moved.`);
      res.redirect(303, pageUrl(moved.spaceKey, moved.id, moved.title));
    } catch (error) {
      renderFormError(res, error, VIEW, await this.moves.moveScreen(viewer, page, form));
    }
  }

  /** Move up / Move down: a new place under the same parent. */
  @Authenticated()
  @Post('reorder')
  async reorderPage(@Param('id') id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const page = await this.moves.movablePage(viewer, id);
    try {
      await this.moves.reorder(viewer, page, typeof body.position === 'string' ? body.position : '');
      setFlash(req, `“${page.title}” has a new place among its siblings.`);
      res.redirect(303, `/spaces/${encodeURIComponent(page.spaceKey)}/pages/${page.id}/move`);
    } catch (error) {
      renderFormError(res, error, VIEW, await this.moves.moveScreen(viewer, page));
    }
  }
}
