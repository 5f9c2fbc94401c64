import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { renameLinks, rewritePageLinks, type PageLinkRef } from '../content/page-links.js';

/** A title as it appears in a stored ri:content-title attribute. */
function titleAttribute(title: string): string {
  return `ri:content-title="${title.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`;
}

const sameKey = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/**
 * Links by title survive renames and moves, as in Confluence: bodies that link to a page are
 * rewritten when its title or space changes. SQL only narrows the candidates (and locks them
 * against a concurrent save); the storage parser decides which links name the page, so a
 * same-titled page in another space and prose that looks like a link stay as they are.
 * Runs inside the transaction of the rename or move.
 */
@Injectable()
export class PageLinksService {
  /** Links to the old title in this space, from any space, now name the new title. */
  async renameTitle(
    tx: EntityManager,
    actorId: string | null,
    space: { id: number; key: string },
    oldTitle: string,
    newTitle: string,
  ): Promise<void> {
    const candidates = await this.candidates(tx, `p.space_id = $1 OR strpos(p.body, 'ri:space-key="' || $2 || '"') > 0`, [
      space.id,
      space.key,
      [titleAttribute(oldTitle)],
    ]);
    await this.save(
      tx,
      candidates.map((c) => ({ id: c.id, body: renameLinks(c.body, c.spaceKey, { spaceKey: space.key, title: oldTitle }, newTitle) })),
      actorId,
      `Links updated: "${oldTitle}" was renamed "${newTitle}".`,
    );
  }

  /**
   * After the page `rootId` and its subtree moved from one space to another: links elsewhere that
   * reached a moved page through the old space now name the new one, and links in the moved pages
   * that reached a page left behind (by title alone, meaning their own space) now name the old space.
   */
  async relinkMovedTree(
    tx: EntityManager,
    actorId: string | null,
    rootId: string,
    from: { id: number; key: string },
    to: { key: string },
  ): Promise<void> {
    const moved: { id: string; title: string; body: string; status: string }[] = await tx.query(
      `SELECT id::text, title, body, status FROM pages WHERE id = $1 OR ancestors @> ARRAY[$1::bigint] ORDER BY id FOR UPDATE`,
      [rootId],
    );
    // Titles are unique among current pages only: a trashed page in the moved tree may share its
    // title with a current page left behind, which links by that title still mean.
    const current = moved.filter((m) => m.status === 'current');
    const movedTitles = new Set(current.map((m) => m.title.toLowerCase()));
    const reachedMoved = (link: PageLinkRef, ownKey: string) =>
      sameKey(link.spaceKey ?? ownKey, from.key) && movedTitles.has(link.title.toLowerCase());

    const others = await this.candidates(
      tx,
      `NOT (p.id = $4 OR p.ancestors @> ARRAY[$4::bigint]) AND (p.space_id = $1 OR strpos(p.body, 'ri:space-key="' || $2 || '"') > 0)`,
      [from.id, from.key, current.map((m) => titleAttribute(m.title)), rootId],
    );
    const rewritten = others.map((c) => ({
      id: c.id,
      body: rewritePageLinks(c.body, (link) => (reachedMoved(link, c.spaceKey) ? { spaceKey: to.key } : null)),
    }));
    for (const page of current.filter((m) => m.body.includes('ri:page'))) {
      const body = rewritePageLinks(page.body, (link) => {
        if (!sameKey(link.spaceKey ?? from.key, from.key)) return null;
        if (movedTitles.has(link.title.toLowerCase())) return link.spaceKey ? { spaceKey: to.key } : null;
        return link.spaceKey ? null : { spaceKey: from.key };
      });
      rewritten.push({ id: page.id, body });
    }
    const root = moved.find((m) => m.id === rootId)?.title ?? 'A page';
    await this.save(tx, rewritten, actorId, `Links updated: "${root}" moved from ${from.key} to ${to.key}.`);
  }

  /** Current pages matching `where` whose body holds one of `$3` (title attributes, in any case), locked. */
  private candidates(tx: EntityManager, where: string, params: unknown[]): Promise<{ id: string; spaceKey: string; body: string }[]> {
    return tx.query(
      `SELECT p.id::text, s.key AS "spaceKey", p.body FROM pages p JOIN spaces s ON s.id = p.space_id
        WHERE p.status = 'current' AND (${where})
          AND EXISTS (SELECT 1 FROM unnest($3::text[]) AS t(attr) WHERE strpos(lower(p.body), lower(t.attr)) > 0)
        ORDER BY p.id FOR UPDATE OF p`,
      params,
    );
  }

  /** New bodies, each saved as a new minor version with `comment`, in one statement. */
  private async save(tx: EntityManager, pages: { id: string; body: string | null }[], actorId: string | null, comment: string) {
    const changed = pages.filter((p): p is { id: string; body: string } => p.body !== null);
    if (!changed.length) return;
    await tx.query(
      `WITH saved AS (
         UPDATE pages p SET body = r.body, version = p.version + 1, updated_by = $3, updated_at = now()
           FROM unnest($1::bigint[], $2::text[]) AS r(id, body) WHERE p.id = r.id
         RETURNING p.id, p.version, p.title, p.body)
       INSERT INTO page_versions (page_id, version, title, body, author_id, change_comment, minor_edit)
       SELECT id, version, title, body, $3, $4, true FROM saved`,
      [changed.map((r) => r.id), changed.map((r) => r.body), actorId, comment.slice(0, 500)],
    );
  }
}
