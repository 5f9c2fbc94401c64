import { Module, type OnModuleInit } from '@nestjs/common';
import { PageScreenRegistry } from '../pages/page-screen.registry.js';
import { WikiModule } from '../wiki.module.js';
import { HistoryScreenPart } from './history-screen.part.js';
import { PageDraftController } from './page-draft.controller.js';
import { PageDraftService } from './page-draft.service.js';
import { PageHistoryController } from './page-history.controller.js';
import { PageHistoryService } from './page-history.service.js';

/** Page history, version diffs, restore and drafts. */
@Module({
  imports: [WikiModule],
  controllers: [PageHistoryController, PageDraftController],
  providers: [HistoryScreenPart, PageDraftService, PageHistoryService],
})
export class WikiHistoryModule implements OnModuleInit {
  constructor(
    private readonly registry: PageScreenRegistry,
    private readonly part: HistoryScreenPart,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.part);
  }
}
