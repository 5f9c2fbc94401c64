import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated, Public } from '../common/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Viewer } from '../wiki/permissions/viewer.js';
import { viewerFrom } from '../wiki/wiki-viewer.js';
import { ContentExpansionService } from './content-expansion.service.js';
import { ContentQueryService } from './content-query.service.js';
import { ContentWriteService } from './content-write.service.js';
import { Expand, expandOf, listEnvelope, pagingOf, queryString, type RestQuery } from './rest-request.js';
import { RestViewerService } from './rest-viewer.service.js';
import { SpaceQueryService } from './space-query.service.js';

/** What Confluence returns after a create or update. */
const WRITTEN = new Expand('body.storage,version,space,history,ancestors');

/** /rest/api/content: list, read, create, update and delete pages in Confluence's shapes. */
@Controller('rest/api/content')
export class ContentRestController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly content: ContentQueryService,
    private readonly expansion: ContentExpansionService,
    private readonly write: ContentWriteService,
    private readonly spaces: SpaceQueryService,
    private readonly restViewer: RestViewerService,
  ) {}

  @Public()
  @Get()
  listContent(@Query() query: RestQuery, @Req() req: Request) {
    const type = queryString(query, 'type') ?? 'page';
    if (type !== 'page' && type !== 'blogpost') throw new BadRequestException(`"type" must be "page" or "blogpost".`);
    if ((queryString(query, 'status') ?? 'current') !== 'current') throw new BadRequestException('Only current content is listed (status=current).');
    const spaceKey = queryString(query, 'spaceKey');
    const title = queryString(query, 'title');
    const expand = expandOf(query);
    const paging = pagingOf(query, expand);
    return this.restViewer.read(req, async (viewer) => {
      const space = spaceKey ? await this.spaces.findVisible(viewer, spaceKey) : undefined;
      // Atrium has no blog posts: asking for them is valid and finds nothing.
      const { rows, hasMore } =
        type === 'page' ? await this.content.listPages(viewer, { spaceId: space?.id, title }, paging, expand.has('body.storage')) : { rows: [], hasMore: false };
      return listEnvelope(req, this.config.baseUrl, await this.expansion.presentAll(viewer, rows, expand), paging, hasMore);
    });
  }

  @Public()
  @Get(':id')
  showContent(@Param('id') id: string, @Query() query: RestQuery, @Req() req: Request) {
    const expand = expandOf(query, 'space,history,version');
    return this.restViewer.read(req, async (viewer) => {
      const row = await this.content.findVisible(viewer, id, expand.has('body.storage'));
      return this.expansion.presentOne(viewer, row, expand);
    });
  }

  @Authenticated()
  @Post()
  @HttpCode(200)
  async createContent(@Body() body: unknown, @Req() req: Request) {
    const viewer = viewerFrom(req);
    const page = await this.write.createContent(viewer, body);
    return this.written(viewer, page.id);
  }

  @Authenticated()
  @Put(':id')
  async updateContent(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const viewer = viewerFrom(req);
    await this.write.updateContent(viewer, id, body);
    return this.written(viewer, id);
  }

  @Authenticated()
  @Delete(':id')
  @HttpCode(204)
  async deleteContent(@Param('id') id: string, @Query() query: RestQuery, @Req() req: Request): Promise<void> {
    await this.write.deleteContent(viewerFrom(req), id, queryString(query, 'status'));
  }

  private async written(viewer: Viewer, id: string) {
    return this.expansion.presentOne(viewer, await this.content.findVisible(viewer, id, true), WRITTEN);
  }
}
