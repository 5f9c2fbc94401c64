import { Module } from '@nestjs/common';
import { WikiModule } from '../wiki.module.js';

/** Page attachments. */
@Module({
  imports: [WikiModule],
})
export class WikiAttachmentsModule {}
