import type { Request } from 'express';
import { UnauthenticatedException } from '../common/unauthenticated.exception.js';
import { viewerOf, type Viewer } from './permissions/viewer.js';

export function viewerFrom(req: Request): Viewer {
  return viewerOf(req.user ?? null);
}

/**
 * Public wiki routes serve anonymous visitors where a space allows it; otherwise an
 * anonymous visitor is sent to log in rather than told the page does not exist.
 */
export async function asViewer<T>(req: Request, work: (viewer: Viewer) => Promise<T>): Promise<T> {
  const viewer = viewerFrom(req);
  try {
    return await work(viewer);
  } catch (error) {
    const status = (error as { getStatus?: () => number }).getStatus?.();
    if (!viewer.userId && (status === 404 || status === 403)) throw new UnauthenticatedException();
    throw error;
  }
}
