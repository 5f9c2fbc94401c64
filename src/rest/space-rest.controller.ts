import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated, Public } from '../common/access.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SpaceService } from '../wiki/spaces/space.service.js';
import { viewerFrom } from '../wiki/wiki-viewer.js';
import { Expand, expandOf, listEnvelope, pagingOf, queryString, type RestQuery } from './rest-request.js';
import { presentSpace } from './rest-space.presenter.js';
import { RestViewerService } from './rest-viewer.service.js';
import { SpaceQueryService } from './space-query.service.js';

/** `{key, name, description: {plain: {value}}}`, Confluence's space body. */
function spaceInput(input: unknown): { key: unknown; name: unknown; description: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new BadRequestException('The request body must be a JSON object.');
  const { key, name, description } = input as Record<string, unknown>;
  if (typeof key !== 'string' || typeof name !== 'string') throw new BadRequestException('"key" and "name" are required strings.');
  const plain = (description as { plain?: { value?: unknown } } | undefined)?.plain?.value;
  if (description !== undefined && typeof plain !== 'string') throw new BadRequestException('"description" must look like {"plain": {"value": "…"}}.');
  return { key, name, description: typeof plain === 'string' ? plain : '' };
}

/** /rest/api/space: the spaces the caller may view, one by key, and creating one. */
@Controller('rest/api/space')
export class SpaceRestController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly spaces: SpaceQueryService,
    private readonly spaceService: SpaceService,
    private readonly restViewer: RestViewerService,
  ) {}

  @Public()
  @Get()
  listSpaces(@Query() query: RestQuery, @Req() req: Request) {
    const paging = pagingOf(query);
    const expand = expandOf(query);
    // spaceKey may repeat: ?spaceKey=DOC&spaceKey=ENG.
    const raw = query.spaceKey;
    const keys = raw === undefined ? null : [raw].flat().filter((k): k is string => typeof k === 'string').map((k) => k.toUpperCase());
    const type = queryString(query, 'type') ?? 'global';
    if (type !== 'global' && type !== 'personal') throw new BadRequestException('"type" must be "global" or "personal".');
    return this.restViewer.read(req, async (viewer) => {
      // Atrium has no personal spaces: asking for them is valid and finds nothing.
      const { rows, hasMore } = type === 'global' ? await this.spaces.listSpaces(viewer, keys, paging) : { rows: [], hasMore: false };
      const results = rows.map((s) => presentSpace(s, this.config.baseUrl, expand));
      return listEnvelope(req, this.config.baseUrl, results, paging, hasMore);
    });
  }

  @Public()
  @Get(':key')
  showSpace(@Param('key') key: string, @Query() query: RestQuery, @Req() req: Request) {
    const expand = expandOf(query);
    return this.restViewer.read(req, async (viewer) => presentSpace(await this.spaces.findVisible(viewer, key), this.config.baseUrl, expand));
  }

  @Authenticated()
  @Post()
  @HttpCode(200)
  async createSpace(@Body() body: unknown, @Req() req: Request) {
    const viewer = viewerFrom(req);
    const space = await this.spaceService.createSpace(viewer, spaceInput(body));
    return presentSpace(await this.spaces.findVisible(viewer, space.key), this.config.baseUrl, new Expand('description,homepage'));
  }
}
