import { Module } from '@nestjs/common';
import { WikiModule } from '../wiki.module.js';
import { SearchController } from './search.controller.js';
import { SearchService } from './search.service.js';
import { TitleSearchService } from './title-search.service.js';

/** Full-text and title search. */
@Module({
  imports: [WikiModule],
  controllers: [SearchController],
  providers: [SearchService, TitleSearchService],
  exports: [SearchService],
})
export class WikiSearchModule {}
