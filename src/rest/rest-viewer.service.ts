import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { UnauthenticatedException } from '../common/unauthenticated.exception.js';
import type { Viewer } from '../wiki/permissions/viewer.js';
import { asViewer } from '../wiki/wiki-viewer.js';
import { SpaceQueryService } from './space-query.service.js';

/**
 * Who a REST read runs as. Anonymous callers are served only while some space is open to
 * them; otherwise they get 401, as Confluence answers when anonymous access is off. A
 * 404 or 403 for an anonymous caller also becomes 401: log in, rather than "not found".
 */
@Injectable()
export class RestViewerService {
  constructor(private readonly spaces: SpaceQueryService) {}

  read<T>(req: Request, work: (viewer: Viewer) => Promise<T>): Promise<T> {
    return asViewer(req, async (viewer) => {
      if (!viewer.userId && !(await this.spaces.anonymousAccessExists())) throw new UnauthenticatedException();
      return work(viewer);
    });
  }
}
