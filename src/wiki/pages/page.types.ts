/** A page row as the services use it. Ids are bigint in PostgreSQL, so strings here. */
export interface Page {
  id: string;
  spaceId: number;
  spaceKey: string;
  spaceName: string;
  parentId: string | null;
  ancestors: string[];
  position: number;
  title: string;
  status: 'current' | 'trashed';
  version: number;
  body: string;
  createdBy: string | null;
  createdAt: Date;
  updatedBy: string | null;
  updatedAt: Date;
}

/** The page's space as screens name it: breadcrumbs and the sidebar show the name, links use the key. */
export function pageSpace(page: Pick<Page, 'spaceKey' | 'spaceName'>): { key: string; name: string } {
  return { key: page.spaceKey, name: page.spaceName };
}

/** The columns of a Page, over `pages p JOIN spaces s`. */
export const PAGE_COLUMNS = `p.id::text, p.space_id AS "spaceId", s.key AS "spaceKey", s.name AS "spaceName", p.parent_id::text AS "parentId",
         p.ancestors::text[] AS ancestors, p.position, p.title, p.status, p.version, p.body,
         p.created_by AS "createdBy", p.created_at AS "createdAt", p.updated_by AS "updatedBy", p.updated_at AS "updatedAt"`;

export const SELECT_PAGE = `
  SELECT ${PAGE_COLUMNS}
    FROM pages p JOIN spaces s ON s.id = p.space_id`;

/** Optimistic concurrency: the page moved on since the editor loaded it. */
export class VersionConflictError extends Error {
  constructor(
    readonly current: Page,
    readonly baseVersion: number,
  ) {
    super(`Version ${current.version} was saved while you edited version ${baseVersion}.`);
  }
}
