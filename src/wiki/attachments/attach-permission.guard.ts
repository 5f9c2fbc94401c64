import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { viewerFrom } from '../wiki-viewer.js';
import { AttachmentService } from './attachment.service.js';

/**
 * Refuses an upload before its body is read: without this, anyone signed in could make the
 * server buffer a full upload only to be told no. The service checks again when it writes.
 */
@Injectable()
export class AttachPermissionGuard implements CanActivate {
  constructor(private readonly attachments: AttachmentService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    await this.attachments.visiblePage(viewerFrom(req), String(req.params.id), 'attach');
    return true;
  }
}
