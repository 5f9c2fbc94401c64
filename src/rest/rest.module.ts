import { Module } from '@nestjs/common';
import { WikiCollaborationModule } from '../wiki/collaboration/wiki-collaboration.module.js';
import { WikiModule } from '../wiki/wiki.module.js';
import { ContentExpansionService } from './content-expansion.service.js';
import { ContentLabelRestController } from './content-label-rest.controller.js';
import { ContentLabelService } from './content-label.service.js';
import { ContentQueryService } from './content-query.service.js';
import { ContentRestController } from './content-rest.controller.js';
import { ContentSearchRestController } from './content-search-rest.controller.js';
import { ContentSearchService } from './content-search.service.js';
import { ContentTreeRestController } from './content-tree-rest.controller.js';
import { ContentWriteService } from './content-write.service.js';
import { RestViewerService } from './rest-viewer.service.js';
import { SpaceQueryService } from './space-query.service.js';
import { SpaceRestController } from './space-rest.controller.js';
import { UserRestController } from './user-rest.controller.js';

/** The Confluence Server REST API v1 (/rest/api/…), so existing scripts and tools keep working. */
@Module({
  imports: [WikiModule, WikiCollaborationModule],
  controllers: [
    UserRestController,
    SpaceRestController,
    // Before ContentRestController: Express matches in order, and /content/search must not be read as /content/:id.
    ContentSearchRestController,
    ContentRestController,
    ContentTreeRestController,
    ContentLabelRestController,
  ],
  providers: [
    ContentExpansionService,
    ContentLabelService,
    ContentQueryService,
    ContentSearchService,
    ContentWriteService,
    RestViewerService,
    SpaceQueryService,
  ],
})
export class RestModule {}
