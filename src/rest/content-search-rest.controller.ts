import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../common/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ContentExpansionService } from './content-expansion.service.js';
import { ContentSearchService } from './content-search.service.js';
import { expandOf, listEnvelope, pagingOf, queryString, type RestQuery } from './rest-request.js';
import { RestViewerService } from './rest-viewer.service.js';

/** GET /rest/api/content/search?cql=…: registered before /content/:id so "search" is never read as an id. */
@Controller('rest/api/content/search')
export class ContentSearchRestController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly search: ContentSearchService,
    private readonly expansion: ContentExpansionService,
    private readonly restViewer: RestViewerService,
  ) {}

  @Public()
  @Get()
  searchContent(@Query() query: RestQuery, @Req() req: Request) {
    const cql = queryString(query, 'cql');
    const expand = expandOf(query);
    const paging = pagingOf(query, expand);
    return this.restViewer.read(req, async (viewer) => {
      const { rows, hasMore } = await this.search.search(viewer, cql, paging, expand.has('body.storage'));
      const results = await this.expansion.presentAll(viewer, rows, expand);
      return { ...listEnvelope(req, this.config.baseUrl, results, paging, hasMore), cqlQuery: cql };
    });
  }
}
