import { Module } from '@nestjs/common';
import { AuditAdminController } from './audit/audit-admin.controller.js';
import { AuditQueryService } from './audit/audit-query.service.js';
import { AuditModule } from '../audit/audit.module.js';
import { LegacyLinksController } from './pages/legacy-links.controller.js';
import { PageEventsService } from './pages/page-events.service.js';
import { PageMoveController } from './pages/page-move.controller.js';
import { PageMoveService } from './pages/page-move.service.js';
import { PageScreenRegistry } from './pages/page-screen.registry.js';
import { PageLinksService } from './pages/page-links.service.js';
import { PageTreeService } from './pages/page-tree.service.js';
import { PageViewService } from './pages/page-view.service.js';
import { PageController } from './pages/page.controller.js';
import { PageService } from './pages/page.service.js';
import { GlobalPermissionsController } from './permissions/global-permissions.controller.js';
import { GlobalPermissionsService } from './permissions/global-permissions.service.js';
import { PageRestrictionsService } from './permissions/page-restrictions.service.js';
import { PermissionService } from './permissions/permission.service.js';
import { PermissionsController } from './permissions/permissions.controller.js';
import { SpacePermissionsService } from './permissions/space-permissions.service.js';
import { SpaceController } from './spaces/space.controller.js';
import { SpaceService } from './spaces/space.service.js';

/** Spaces, pages, versions, permissions: the wiki itself. */
@Module({
  imports: [AuditModule],
  controllers: [SpaceController, PageMoveController, PageController, LegacyLinksController, PermissionsController, GlobalPermissionsController, AuditAdminController],
  providers: [AuditQueryService, GlobalPermissionsService, PageMoveService, PageRestrictionsService, SpacePermissionsService, PageEventsService, PageLinksService, PageScreenRegistry, PageService, PageTreeService, PageViewService, PermissionService, SpaceService],
  exports: [AuditModule, PageEventsService, PageScreenRegistry, PageService, PageTreeService, PageViewService, PermissionService, SpaceService],
})
export class WikiModule {}
