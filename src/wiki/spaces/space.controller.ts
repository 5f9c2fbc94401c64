import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated, Public } from '../../common/access.decorators.js';
import { setFlash } from '../../common/flash.js';
import { renderFormError } from '../../common/form-errors.js';
import { PageTreeService } from '../pages/page-tree.service.js';
import { PageService } from '../pages/page.service.js';
import { PermissionService } from '../permissions/permission.service.js';
import { asViewer, viewerFrom } from '../wiki-viewer.js';
import { pageUrl, spaceUrl } from '../wiki-urls.js';
import { SpaceService } from './space.service.js';

type Form = Record<string, unknown>;

@Controller('spaces')
export class SpaceController {
  constructor(
    private readonly spaces: SpaceService,
    private readonly pages: PageService,
    private readonly tree: PageTreeService,
    private readonly permissions: PermissionService,
  ) {}

  @Public()
  @Get()
  async listSpaces(@Req() req: Request, @Res() res: Response): Promise<void> {
    const spaces = await this.spaces.listSpaces(viewerFrom(req));
    res.render('wiki/space-directory', {
      title: 'Spaces',
      spaces: spaces.map((s) => ({ ...s, url: spaceUrl(s.key) })),
      canCreate: !!req.user && (await this.permissions.canUse(viewerFrom(req))),
    });
  }

  @Authenticated()
  @Get('new')
  async showCreateSpace(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.permissions.assertCanCreateSpace(viewerFrom(req));
    res.render('wiki/space-new', { title: 'Create space', values: {} });
  }

  @Authenticated()
  @Post()
  async createSpace(@Body() body: Form, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const space = await this.spaces.createSpace(viewerFrom(req), body);
      res.redirect(303, spaceUrl(space.key));
    } catch (error) {
      renderFormError(res, error, 'wiki/space-new', { title: 'Create space', values: { key: body.key, name: body.name, description: body.description } });
    }
  }

  /** A space's address leads to its home page. */
  @Public()
  @Get(':key')
  async showSpace(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const space = await asViewer(req, (viewer) => this.spaces.requireVisible(viewer, key));
    const home = space.homepageId ? await this.pages.findPage(space.homepageId) : null;
    if (home) return res.redirect(302, pageUrl(space.key, home.id, home.title));
    res.render('wiki/space-empty', { title: space.name, space });
  }

  /** Lazy page tree: one level of children as JSON. */
  @Public()
  @Get(':key/tree')
  async showTreeLevel(@Param('key') key: string, @Query('parent') parent: string | undefined, @Req() req: Request) {
    return asViewer(req, async (viewer) => {
      const space = await this.spaces.requireVisible(viewer, key);
      const parentId = parent && /^\d{1,18}$/.test(parent) ? parent : null;
      if (parentId) await this.permissions.assertPage(viewer, parentId, 'view');
      return { children: await this.tree.children(viewer, space, parentId) };
    });
  }

  @Authenticated()
  @Get(':key/settings')
  async showSettings(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const viewer = viewerFrom(req);
    const space = await this.spaces.requireVisible(viewer, key);
    await this.permissions.assertSpace(viewer, space.id, 'admin');
    res.render('wiki/space-settings', { title: `${space.name}: settings`, space, values: space });
  }

  @Authenticated()
  @Post(':key/settings')
  async saveSettings(@Param('key') key: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    try {
      await this.spaces.updateSpace(viewer, key, body);
      res.redirect(303, `${spaceUrl(key)}/settings`);
    } catch (error) {
      const space = await this.spaces.requireVisible(viewer, key);
      renderFormError(res, error, 'wiki/space-settings', { title: `${space.name}: settings`, space, values: body });
    }
  }

  @Authenticated()
  @Get(':key/trash')
  async showTrash(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const viewer = viewerFrom(req);
    const space = await this.spaces.requireVisible(viewer, key);
    const trashed = await this.pages.listTrash(viewer, space.id);
    res.render('wiki/space-trash', { title: `${space.name}: trash`, space, pages: trashed });
  }

  @Authenticated()
  @Post(':key/trash/:id/restore')
  async restorePage(@Param('key') key: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const page = await this.pages.restorePage(viewerFrom(req), id);
    res.redirect(303, pageUrl(page.spaceKey, page.id, page.title));
  }

  @Authenticated()
  @Post(':key/trash/:id/purge')
  async purgePage(@Param('key') key: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    const title = await this.pages.purgePage(viewerFrom(req), id);
    setFlash(req, `“${title}” was deleted for good.`);
    res.redirect(303, `${spaceUrl(key)}/trash`);
  }
}
