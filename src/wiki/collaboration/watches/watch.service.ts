import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SCREEN, type PageScreenPart } from '../../pages/page-screen.registry.js';
import type { Page } from '../../pages/page.types.js';
import type { Viewer } from '../../permissions/viewer.js';
import { pageUrl } from '../../wiki-urls.js';

/**
 * Who watches which page or space. Queries name the watches_key expressions
 * (user_id, COALESCE(page_id, 0), COALESCE(space_id, 0)) so they use that index.
 */
@Injectable()
export class WatchService implements PageScreenPart {
  readonly name = 'watch';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  readonly dataSql = `SELECT json_build_object(
      'page', EXISTS (SELECT 1 FROM watches WHERE user_id = ${SCREEN.viewerId} AND COALESCE(page_id, 0) = ${SCREEN.pageId}
                        AND COALESCE(space_id, 0) = 0),
      'space', EXISTS (SELECT 1 FROM watches WHERE user_id = ${SCREEN.viewerId} AND COALESCE(page_id, 0) = 0
                         AND COALESCE(space_id, 0) = ${SCREEN.spaceId}))`;

  buildPart(viewer: Viewer, page: Page, _can: Set<string>, watching: { page: boolean; space: boolean }): Record<string, unknown> {
    if (!viewer.userId) return {};
    return {
      signedIn: true,
      watchingPage: watching.page,
      watchingSpace: watching.space,
      pageAction: `/pages/${page.id}`,
      spaceAction: `/spaces/${encodeURIComponent(page.spaceKey)}`,
      returnTo: pageUrl(page.spaceKey, page.id, page.title),
    };
  }

  /** The caller checked that the viewer may view the page or space. */
  async setPageWatch(userId: string, pageId: string, watch: boolean): Promise<void> {
    if (watch) {
      await this.dataSource.query(`INSERT INTO watches (user_id, page_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [userId, pageId]);
    } else {
      await this.dataSource.query(
        `DELETE FROM watches WHERE user_id = $1 AND COALESCE(page_id, 0) = $2 AND COALESCE(space_id, 0) = 0`,
        [userId, pageId],
      );
    }
  }

  async setSpaceWatch(userId: string, spaceId: number, watch: boolean): Promise<void> {
    if (watch) {
      await this.dataSource.query(`INSERT INTO watches (user_id, space_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [userId, spaceId]);
    } else {
      await this.dataSource.query(
        `DELETE FROM watches WHERE user_id = $1 AND COALESCE(page_id, 0) = 0 AND COALESCE(space_id, 0) = $2`,
        [userId, spaceId],
      );
    }
  }
}
