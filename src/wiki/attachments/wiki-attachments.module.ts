import { Module, type OnModuleInit } from '@nestjs/common';
import { PageScreenRegistry } from '../pages/page-screen.registry.js';
import { WikiModule } from '../wiki.module.js';
import { AttachPermissionGuard } from './attach-permission.guard.js';
import { AttachmentDownloadController } from './attachment-download.controller.js';
import { AttachmentScreenPart } from './attachment-screen.part.js';
import { AttachmentUploadInterceptor } from './attachment-upload.interceptor.js';
import { AttachmentController } from './attachment.controller.js';
import { AttachmentService } from './attachment.service.js';

/** Page attachments: versioned uploads, listing, download with safe headers, delete. */
@Module({
  imports: [WikiModule],
  controllers: [AttachmentController, AttachmentDownloadController],
  providers: [AttachmentService, AttachmentScreenPart, AttachmentUploadInterceptor, AttachPermissionGuard],
  exports: [AttachmentService],
})
export class WikiAttachmentsModule implements OnModuleInit {
  constructor(
    private readonly registry: PageScreenRegistry,
    private readonly part: AttachmentScreenPart,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.part);
  }
}
