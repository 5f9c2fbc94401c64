import { Injectable } from '@nestjs/common';
import type { Viewer } from '../permissions/viewer.js';
import type { Page } from './page.types.js';

/**
 * A section of the page screen owned by another wiki module (comments, labels,
 * attachments, history, watching). Its view partial `page-<name>` reads `parts.<name>`.
 */
export interface PageScreenPart {
  readonly name: string;
  /** Loads the section's data; the viewer may already view the page. Bounded queries only. */
  loadPart(viewer: Viewer, page: Page, can: Set<string>): Promise<Record<string, unknown>>;
}

/** Modules register their sections at start-up (onModuleInit); the page screen loads them in parallel. */
@Injectable()
export class PageScreenRegistry {
  private readonly parts: PageScreenPart[] = [];

  register(part: PageScreenPart): void {
    this.parts.push(part);
  }

  async load(viewer: Viewer, page: Page, can: Set<string>): Promise<Record<string, Record<string, unknown>>> {
    const loaded = await Promise.all(this.parts.map(async (p) => [p.name, await p.loadPart(viewer, page, can)] as const));
    return Object.fromEntries(loaded);
  }
}
