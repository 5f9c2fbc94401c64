import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../common/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ContentExpansionService } from './content-expansion.service.js';
import { ContentQueryService } from './content-query.service.js';
import { presentHistory, presentVersion } from './rest-content.presenter.js';
import { Expand, expandOf, listEnvelope, pagingOf, type RestQuery } from './rest-request.js';
import { RestViewerService } from './rest-viewer.service.js';

/** Children, history and versions of one page; each checks the page is visible first. */
@Controller('rest/api/content/:id')
export class ContentTreeRestController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly content: ContentQueryService,
    private readonly expansion: ContentExpansionService,
    private readonly restViewer: RestViewerService,
  ) {}

  /** The child types; pages are listed with ?expand=page (attachments and comments live elsewhere). */
  @Public()
  @Get('child')
  showChildren(@Param('id') id: string, @Query() query: RestQuery, @Req() req: Request) {
    const expand = expandOf(query);
    const paging = pagingOf(query, expand.under('page'));
    return this.restViewer.read(req, async (viewer) => {
      const links = { base: this.config.baseUrl, context: '', self: `${this.config.baseUrl}/rest/api/content/${id}/child` };
      if (!expand.has('page')) {
        await this.content.findVisible(viewer, id, false);
        return { _links: links, _expandable: { attachment: '', comment: '', page: `/rest/api/content/${id}/child/page` } };
      }
      const pageExpand = expand.under('page');
      const { rows, hasMore } = await this.content.childPages(viewer, id, paging, pageExpand.has('body.storage'));
      const results = await this.expansion.presentAll(viewer, rows, pageExpand);
      const page = listEnvelope(req, this.config.baseUrl, results, paging, hasMore);
      return { page, _links: links, _expandable: { attachment: '', comment: '' } };
    });
  }

  @Public()
  @Get('child/page')
  listChildPages(@Param('id') id: string, @Query() query: RestQuery, @Req() req: Request) {
    const expand = expandOf(query);
    const paging = pagingOf(query, expand);
    return this.restViewer.read(req, async (viewer) => {
      const { rows, hasMore } = await this.content.childPages(viewer, id, paging, expand.has('body.storage'));
      return listEnvelope(req, this.config.baseUrl, await this.expansion.presentAll(viewer, rows, expand), paging, hasMore);
    });
  }

  @Public()
  @Get('history')
  showHistory(@Param('id') id: string, @Query() query: RestQuery, @Req() req: Request) {
    const withLastUpdated = expandOf(query).has('lastUpdated');
    return this.restViewer.read(req, async (viewer) => {
      const row = await this.content.findVisible(viewer, id, false);
      const ctx = await this.expansion.context(viewer, [row], new Expand(withLastUpdated ? 'history.lastUpdated' : 'history'));
      return presentHistory(row, ctx, withLastUpdated);
    });
  }

  @Public()
  @Get('version')
  listVersions(@Param('id') id: string, @Query() query: RestQuery, @Req() req: Request) {
    const paging = pagingOf(query);
    return this.restViewer.read(req, async (viewer) => {
      const { rows, hasMore } = await this.content.versions(viewer, id, paging);
      const ctx = await this.expansion.context(viewer, [], new Expand(''), rows);
      return listEnvelope(req, this.config.baseUrl, rows.map((v) => presentVersion(id, v, ctx)), paging, hasMore);
    });
  }

  @Public()
  @Get('version/:number')
  showVersion(@Param('id') id: string, @Param('number') number: string, @Req() req: Request) {
    return this.restViewer.read(req, async (viewer) => {
      const { row } = await this.content.version(viewer, id, number);
      const ctx = await this.expansion.context(viewer, [], new Expand(''), [row]);
      return presentVersion(id, row, ctx);
    });
  }
}
