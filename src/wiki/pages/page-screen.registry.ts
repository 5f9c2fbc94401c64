import { Injectable } from '@nestjs/common';
import type { Viewer } from '../permissions/viewer.js';
import type { Page } from './page.types.js';

/**
 * What a part's SQL may read in the page screen's query (PageViewService.requirePageView): the
 * page (bigint), the viewer (a uuid parameter, null when anonymous; a parameter rather than a column,
 * so permission checks on it are planned once, not per row) and the page's space (int).
 */
export const SCREEN = { pageId: 'screen.page_id', viewerId: '$2::uuid', spaceId: 'screen.space_id' } as const;

const PART_PREFIX = 'part:';

export function isPartColumn(column: string): boolean {
  return column.startsWith(PART_PREFIX);
}

/**
 * A section of the page screen owned by another wiki module (comments, labels,
 * attachments, history, watching). Its view partial `page-<name>` reads `parts.<name>`.
 */
export interface PageScreenPart {
  readonly name: string;
  /**
   * A bounded scalar subquery (usually json) with the section's data. The page screen runs every
   * part's in one query, so a page view costs one round trip for all its sections; it may use
   * the SCREEN columns. Left out when the section needs no data.
   */
  readonly dataSql?: string;
  /** The section from its data (null without dataSql); the viewer may already view the page. */
  buildPart(viewer: Viewer, page: Page, can: Set<string>, data: unknown): Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** Modules register their sections at start-up (onModuleInit); the page screen loads them together. */
@Injectable()
export class PageScreenRegistry {
  private readonly parts: PageScreenPart[] = [];

  register(part: PageScreenPart): void {
    this.parts.push(part);
  }

  /** The select-list entries for the page screen's query: one column per part with data. */
  columns(): string[] {
    return this.parts.filter((p) => p.dataSql).map((p) => `(${p.dataSql}) AS "${PART_PREFIX}${p.name}"`);
  }

  /** Every section, from the row the page screen's query returned. */
  async build(viewer: Viewer, page: Page, can: Set<string>, row: Record<string, unknown>) {
    const built = await Promise.all(
      this.parts.map(async (p) => [p.name, await p.buildPart(viewer, page, can, row[`${PART_PREFIX}${p.name}`] ?? null)] as const),
    );
    return Object.fromEntries(built);
  }
}
