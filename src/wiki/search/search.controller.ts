import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../common/access.decorators.js';
import { renderFormError } from '../../common/form-errors.js';
import { SpaceService } from '../spaces/space.service.js';
import { viewerFrom } from '../wiki-viewer.js';
import { SearchInputError, hasCriteria, parseSearchQuery } from './search-query.js';
import { presentResults, spaceOptions } from './search.presenter.js';
import { SearchService } from './search.service.js';
import { TitleSearchService } from './title-search.service.js';

const VIEW = 'wiki/search/results';

/** Search is public: anonymous visitors find pages in the spaces open to them, nothing else. */
@Controller('search')
export class SearchController {
  constructor(
    private readonly search: SearchService,
    private readonly titles: TitleSearchService,
    private readonly spaces: SpaceService,
  ) {}

  @Public()
  @Get()
  async searchPages(@Query() raw: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const viewer = viewerFrom(req);
    const spaces = await this.spaces.listSpaces(viewer);
    let parsed: ReturnType<typeof parseSearchQuery>;
    try {
      parsed = parseSearchQuery(raw);
    } catch (error) {
      const form = error instanceof SearchInputError ? error.form : undefined;
      return renderFormError(res, error, VIEW, { title: 'Search', values: form, spaces: spaceOptions(spaces, form?.space.toUpperCase() ?? null) });
    }
    const { query, form } = parsed;
    const results = hasCriteria(query) ? presentResults(await this.search.search(viewer, query), form) : null;
    res.render(VIEW, { title: query.text ? `Search: ${query.text}` : 'Search', values: form, spaces: spaceOptions(spaces, query.spaceKey), results });
  }

  /** Title suggestions for the header search box, as JSON. */
  @Public()
  @Get('quick')
  async suggestTitles(@Query('q') q: unknown, @Req() req: Request) {
    return { results: typeof q === 'string' ? await this.titles.suggestTitles(viewerFrom(req), q) : [] };
  }
}
