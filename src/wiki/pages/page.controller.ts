import { Body, Controller, Get, Next, NotFoundException, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Authenticated, Public } from '../../common/access.decorators.js';
import { setFlash } from '../../common/flash.js';
import { renderFormError } from '../../common/form-errors.js';
import { PermissionService } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { SpaceService } from '../spaces/space.service.js';
import { asViewer, viewerFrom } from '../wiki-viewer.js';
import { PAGE_SUBROUTES, pageUrl, slugify } from '../wiki-urls.js';
import { PageTreeService } from './page-tree.service.js';
import { PageViewService } from './page-view.service.js';
import { PageService } from './page.service.js';
import { diffUrl } from '../history/history-urls.js';
import { pageSpace, VersionConflictError, type Page } from './page.types.js';
import { TrashedPageError } from './trashed-page.error.js';
import { TrashedPageFilter } from './trashed-page.filter.js';

type Form = Record<string, unknown>;

@Controller('spaces/:key/pages')
@UseFilters(TrashedPageFilter)
export class PageController {
  constructor(
    private readonly spaces: SpaceService,
    private readonly pages: PageService,
    private readonly tree: PageTreeService,
    private readonly views: PageViewService,
    private readonly permissions: PermissionService,
  ) {}

  @Authenticated()
  @Get('new')
  async showCreatePage(@Param('key') key: string, @Query('parent') parent: string | undefined, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const space = await this.spaces.requireVisible(viewer, key);
    await this.permissions.assertSpace(viewer, space.id, 'edit');
    res.render('wiki/page-edit', { title: 'Create page', space, creating: true, values: { parentId: parent ?? space.homepageId ?? '' } });
  }

  @Authenticated()
  @Post()
  async createPage(@Param('key') key: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const space = await this.spaces.requireVisible(viewer, key);
    const parentId = typeof body.parentId === 'string' && body.parentId ? body.parentId : null;
    try {
      const page = await this.pages.createPage(viewer, space.id, parentId, body);
      res.redirect(303, pageUrl(space.key, page.id, page.title));
    } catch (error) {
      renderFormError(res, error, 'wiki/page-edit', { title: 'Create page', space, creating: true, values: body });
    }
  }

  @Authenticated()
  @Get(':id/edit')
  async showEditPage(@Param('key') key: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const page = await this.pageIn(viewer, key, id, 'edit');
    await this.permissions.assertPage(viewer, id, 'edit');
    res.render('wiki/page-edit', { title: `Edit ${page.title}`, ...(await this.pages.trail(page)), page, values: { ...page, baseVersion: page.version } });
  }

  @Authenticated()
  @Post(':id')
  async savePage(@Param('key') key: string, @Param('id') id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const page = await this.pageIn(viewer, key, id, 'edit');
    try {
      const saved = await this.pages.savePage(viewer, id, body, { unchangedSavesNothing: true });
      res.redirect(303, pageUrl(saved.spaceKey, saved.id, saved.title));
    } catch (error) {
      if (error instanceof VersionConflictError) {
        // Keep the person's work: both texts side by side, their version to save again.
        res.status(409).render('wiki/page-edit', {
          title: `Edit ${page.title}`,
          ...(await this.pages.trail(page)),
          page,
          conflict: {
            theirs: error.current,
            yourBase: error.baseVersion,
            changesUrl: diffUrl(page.spaceKey, page.id, error.baseVersion, error.current.version),
          },
          values: { ...body, baseVersion: error.current.version },
        });
        return;
      }
      renderFormError(res, error, 'wiki/page-edit', { title: `Edit ${page.title}`, ...(await this.pages.trail(page)), page, values: body });
    }
  }

  @Authenticated()
  @Post(':id/move')
  async movePage(@Param('key') key: string, @Param('id') id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    await this.pageIn(viewer, key, id);
    const target = await this.spaces.requireVisible(viewer, typeof body.spaceKey === 'string' && body.spaceKey ? body.spaceKey : key);
    const parentId = typeof body.parentId === 'string' && body.parentId ? body.parentId : null;
    const position = body.position === undefined || body.position === '' ? undefined : Number(body.position);
    const moved = await this.tree.movePage(viewer, id, { spaceId: target.id, parentId, position });
    res.redirect(303, pageUrl(moved.spaceKey, moved.id, moved.title));
  }

  @Authenticated()
  @Post(':id/copy')
  async copyPage(@Param('key') key: string, @Param('id') id: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    await this.pageIn(viewer, key, id);
    const copy = await this.pages.copyPage(viewer, id, body);
    res.redirect(303, pageUrl(copy.spaceKey, copy.id, copy.title));
  }

  @Authenticated()
  @Post(':id/delete')
  async trashPage(@Param('key') key: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const page = await this.pageIn(viewer, key, id);
    await this.pages.trashPage(viewer, id);
    setFlash(req, `“${page.title}” was moved to the space trash.`);
    // Straight to the parent's own address: a redirect on the way would show (and use up) the message.
    const parent = page.parentId ? await this.pages.findPage(page.parentId) : null;
    res.redirect(303, parent ? pageUrl(parent.spaceKey, parent.id, parent.title) : `/spaces/${page.spaceKey}`);
  }

  @Public()
  @Get(':id')
  async showPageWithoutSlug(@Param('key') key: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.showPage(key, id, '', req, res);
  }

  @Public()
  @Get(':id/:slug')
  async showPage(@Param('key') key: string, @Param('id') id: string, @Param('slug') slug: string, @Req() req: Request, @Res() res: Response, @Next() next?: NextFunction) {
    // /attachments, /history, … belong to controllers registered after this one.
    if (PAGE_SUBROUTES.has(slug)) return next?.();
    await asViewer(req, async (viewer) => {
      const view = await this.views.requirePageView(viewer, id);
      const { page } = view;
      // Old titles and moved spaces redirect to the canonical address.
      if (page.spaceKey !== key || slug !== slugify(page.title)) return res.redirect(301, pageUrl(page.spaceKey, page.id, page.title));
      const screen = await this.views.pageScreen(viewer, view);
      res.render('wiki/page', { title: page.title, page, space: pageSpace(page), ...screen });
    });
  }

  /**
   * A current page the viewer may see (404 otherwise); the key in the URL may be stale.
   * For editing, a trashed page the viewer could see is explained rather than hidden.
   */
  private async pageIn(viewer: Viewer, _key: string, id: string, purpose: 'view' | 'edit' = 'view'): Promise<Page> {
    const page = await this.pages.findPage(id);
    if (page?.status === 'trashed' && purpose === 'edit') {
      const held = await this.permissions.assertPage(viewer, id, 'view');
      throw new TrashedPageError(page, held.has('admin'));
    }
    if (!page || page.status !== 'current') throw new NotFoundException('There is no page here, or you may not see it.');
    await this.permissions.assertPage(viewer, id, 'view');
    return page;
  }
}
