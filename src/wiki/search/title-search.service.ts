import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { pageVisibleSql } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { pageUrl } from '../wiki-urls.js';

export const QUICK_RESULTS = 10;
/** pg_trgm needs three characters to narrow a LIKE through the index. */
export const QUICK_MIN_CHARS = 3;
const MAX_WORDS = 5;
/** Title matches looked at before ordering by similarity: bounded however common the letters. */
const CANDIDATES = 200;

export interface TitleSuggestion {
  title: string;
  url: string;
  spaceKey: string;
  spaceName: string;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Title suggestions while typing, through the pg_trgm index on lower(title). */
@Injectable()
export class TitleSearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async suggestTitles(viewer: Viewer, input: string): Promise<TitleSuggestion[]> {
    const text = input.trim().toLowerCase().replace(/\s+/g, ' ').slice(0, 100);
    // Every word of three or more letters must appear; shorter ones give pg_trgm nothing to look up.
    const words = [...new Set(text.split(' ').filter((w) => w.length >= QUICK_MIN_CHARS))].slice(0, MAX_WORDS);
    if (!words.length) return [];
    const params: unknown[] = [viewer.userId, text, `${escapeLike(text)}%`];
    const likes = words.map((w) => {
      params.push(`%${escapeLike(w)}%`);
      return `lower(p.title) LIKE $${params.length}`;
    });
    const rows: { id: string; title: string; spaceKey: string; spaceName: string }[] = await this.dataSource.query(
      `WITH matches AS MATERIALIZED (
         SELECT p.id, p.title, p.space_id FROM pages p
          WHERE ${likes.join(' AND ')} AND p.status = 'current' AND ${pageVisibleSql(viewer, 'p', '$1')} IS TRUE
          LIMIT ${CANDIDATES})
       SELECT m.id::text, m.title, s.key AS "spaceKey", s.name AS "spaceName"
         FROM matches m JOIN spaces s ON s.id = m.space_id
        ORDER BY lower(m.title) LIKE $3 DESC, similarity(lower(m.title), $2) DESC, m.title, m.id
        LIMIT ${QUICK_RESULTS}`,
      params,
    );
    return rows.map((r) => ({ title: r.title, url: pageUrl(r.spaceKey, r.id, r.title), spaceKey: r.spaceKey, spaceName: r.spaceName }));
  }
}
