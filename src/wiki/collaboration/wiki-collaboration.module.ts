import { Module } from '@nestjs/common';
import { WikiModule } from '../wiki.module.js';

/** Comments, labels, watching, notifications. */
@Module({
  imports: [WikiModule],
})
export class WikiCollaborationModule {}
