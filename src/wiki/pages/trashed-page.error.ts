import type { Page } from './page.types.js';

export const TRASHED_PAGE_MESSAGE = 'This page is in the trash. A space admin can restore it from the space trash.';

/** Editing or saving a page that is in the trash: explained, not a bare 404. */
export class TrashedPageError extends Error {
  constructor(
    readonly page: Page,
    /** The viewer may restore it (space admin), so the answer links to the trash. */
    readonly canRestore: boolean,
  ) {
    super(TRASHED_PAGE_MESSAGE);
  }
}
