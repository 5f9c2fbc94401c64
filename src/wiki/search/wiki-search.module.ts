import { Module } from '@nestjs/common';
import { WikiModule } from '../wiki.module.js';

/** Full-text and title search. */
@Module({
  imports: [WikiModule],
})
export class WikiSearchModule {}
