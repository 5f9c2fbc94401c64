import { Module } from '@nestjs/common';
import { WikiModule } from '../wiki.module.js';

/** Page history, version diffs, restore and drafts. */
@Module({
  imports: [WikiModule],
})
export class WikiHistoryModule {}
