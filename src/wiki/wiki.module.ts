import { Module } from '@nestjs/common';
import { AuditService } from './audit/audit.service.js';
import { LegacyLinksController } from './pages/legacy-links.controller.js';
import { PageScreenRegistry } from './pages/page-screen.registry.js';
import { PageTreeService } from './pages/page-tree.service.js';
import { PageViewService } from './pages/page-view.service.js';
import { PageController } from './pages/page.controller.js';
import { PageService } from './pages/page.service.js';
import { PermissionService } from './permissions/permission.service.js';
import { SpaceController } from './spaces/space.controller.js';
import { SpaceService } from './spaces/space.service.js';

/** Spaces, pages, versions, permissions: the wiki itself. */
@Module({
  controllers: [SpaceController, PageController, LegacyLinksController],
  providers: [AuditService, PageScreenRegistry, PageService, PageTreeService, PageViewService, PermissionService, SpaceService],
  exports: [AuditService, PageScreenRegistry, PageService, PageTreeService, PageViewService, PermissionService, SpaceService],
})
export class WikiModule {}
