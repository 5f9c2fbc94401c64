import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated, Public } from '../common/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { viewerFrom } from '../wiki/wiki-viewer.js';
import { ContentLabelService } from './content-label.service.js';
import { presentLabel } from './rest-content.presenter.js';
import { MAX_LIMIT, listEnvelope, pagingOf, queryString, type RestQuery } from './rest-request.js';
import { RestViewerService } from './rest-viewer.service.js';

/** /rest/api/content/{id}/label: list, add and remove global labels. */
@Controller('rest/api/content/:id/label')
export class ContentLabelRestController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly labels: ContentLabelService,
    private readonly restViewer: RestViewerService,
  ) {}

  @Public()
  @Get()
  listLabels(@Param('id') id: string, @Query() query: RestQuery, @Req() req: Request) {
    const paging = pagingOf(query);
    return this.restViewer.read(req, async (viewer) => {
      const { rows, hasMore } = await this.labels.listLabels(viewer, id, paging);
      return listEnvelope(req, this.config.baseUrl, rows.map(presentLabel), paging, hasMore);
    });
  }

  /** Answers with the page's labels after the change, as Confluence does. */
  @Authenticated()
  @Post()
  @HttpCode(200)
  async addLabels(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const viewer = viewerFrom(req);
    await this.labels.addLabels(viewer, id, body);
    const paging = { start: 0, limit: MAX_LIMIT };
    const { rows, hasMore } = await this.labels.listLabels(viewer, id, paging);
    return listEnvelope(req, this.config.baseUrl, rows.map(presentLabel), paging, hasMore);
  }

  /** DELETE …/label?name=x, for names a path segment cannot carry. */
  @Authenticated()
  @Delete()
  @HttpCode(204)
  async removeLabelByQuery(@Param('id') id: string, @Query() query: RestQuery, @Req() req: Request): Promise<void> {
    const name = queryString(query, 'name');
    if (!name) throw new BadRequestException('Name the label to remove: ?name=…');
    await this.labels.removeLabel(viewerFrom(req), id, name);
  }

  @Authenticated()
  @Delete(':name')
  @HttpCode(204)
  async removeLabel(@Param('id') id: string, @Param('name') name: string, @Req() req: Request): Promise<void> {
    await this.labels.removeLabel(viewerFrom(req), id, name);
  }
}
