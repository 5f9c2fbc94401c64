import { Injectable } from '@nestjs/common';
import type { PageScreenPart } from '../pages/page-screen.registry.js';
import type { Page } from '../pages/page.types.js';
import { historyUrl } from './history-urls.js';

/** The page screen's "History" action (views/partials/page-history.hbs); needs no query. */
@Injectable()
export class HistoryScreenPart implements PageScreenPart {
  readonly name = 'history';

  buildPart(_viewer: unknown, page: Page): Record<string, unknown> {
    return { url: historyUrl(page.spaceKey, page.id), version: page.version };
  }
}
