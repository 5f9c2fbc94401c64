import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { pageVisibleSql } from '../permissions/permission.service.js';
import type { Viewer } from '../permissions/viewer.js';
import { pageUrl } from '../wiki-urls.js';
import { decodeEntities, highlightHtml } from './search-highlight.js';
import type { SearchQuery } from './search-query.js';
import {
  ESCAPED_TITLE,
  RANK_NORMALIZATION,
  RANK_WEIGHTS,
  SNIPPET_OPTIONS,
  TITLE_OPTIONS,
  queryWordsSql,
  snippetSourceSql,
  storageText,
  withTotals,
} from './search-sql.js';

export const PAGE_SIZE = 20;
/**
 * Ranking reads every candidate's tsvector, so it is bounded: the most recently updated
 * matches plus pages whose title matches. Below this many matches the ranking is exact.
 */
export const RANKED_CANDIDATES = 200;
const TITLE_CANDIDATES = 100;

export interface SearchHit {
  id: string;
  url: string;
  titleHtml: string;
  snippetHtml: string;
  spaceKey: string;
  spaceName: string;
  updatedAt: Date;
}

export interface SearchResults {
  hits: SearchHit[];
  /** Matches ranked; when `capped`, more pages match than were ranked. */
  total: number;
  capped: boolean;
  page: number;
  pageCount: number;
}

/** A hit joined onto the totals row; id is null when the requested page has no hits. */
interface HitRow {
  id: string | null;
  title: string;
  titleHeadline: string;
  snippet: string;
  spaceKey: string;
  spaceName: string;
  updatedAt: Date;
  total: number;
  capped: boolean;
}

/** Positional parameters built up alongside the SQL. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Full-text search over pages: weighted, ranked, highlighted, and filtered by permission inside SQL. */
@Injectable()
export class SearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async search(viewer: Viewer, query: SearchQuery): Promise<SearchResults> {
    const params = new Params();
    const where = this.conditions(viewer, query, params);
    const offset = (query.page - 1) * PAGE_SIZE;
    const rows = query.text ? await this.rankedHits(query, where, params, offset) : await this.recentHits(where, params, offset);
    const { total, capped } = rows[0] ?? { total: 0, capped: false };
    return {
      hits: rows
        .filter((r): r is HitRow & { id: string } => r.id !== null)
        .map((r) => ({
          id: r.id,
          url: pageUrl(r.spaceKey, r.id, r.title),
          titleHtml: highlightHtml(decodeEntities(r.titleHeadline)),
          snippetHtml: highlightHtml(decodeEntities(r.snippet.replace(/&[#a-z0-9]*$/i, ''))),
          spaceKey: r.spaceKey,
          spaceName: r.spaceName,
          updatedAt: r.updatedAt,
        })),
      total,
      capped,
      page: query.page,
      pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    };
  }

  /**
   * The filters and the permission check, shared by every candidate set. Conditions an index
   * on pages can serve stay top-level; the rest are checked row by row (IS TRUE keeps
   * PostgreSQL from turning them into joins, which either re-run the GIN scan once per visible
   * space or read the tsvector of every labelled page).
   */
  private conditions(viewer: Viewer, q: SearchQuery, params: Params): string {
    const indexed = [`p.status = 'current'`];
    const perRow = [pageVisibleSql(viewer, 'p', params.add(viewer.userId))];
    if (q.spaceKey) indexed.push(`p.space_id = (SELECT s.id FROM spaces s WHERE s.key = ${params.add(q.spaceKey)})`);
    if (q.updatedFrom) indexed.push(`p.updated_at >= ${params.add(`${q.updatedFrom}T00:00:00Z`)}::timestamptz`);
    if (q.updatedTo) indexed.push(`p.updated_at < ${params.add(`${q.updatedTo}T00:00:00Z`)}::timestamptz + interval '1 day'`);
    if (q.label) {
      perRow.push(`EXISTS (SELECT 1 FROM page_labels pl WHERE pl.page_id = p.id
        AND pl.label_id = (SELECT l.id FROM labels l WHERE l.name = ${params.add(q.label)}))`);
    }
    if (q.contributor) {
      // Created or edited: every save, the first included, is a version with its author.
      perRow.push(`EXISTS (SELECT 1 FROM page_versions v WHERE v.page_id = p.id
        AND v.author_id = (SELECT u.id FROM users u WHERE lower(u.username) = lower(${params.add(q.contributor)})))`);
    }
    return `${indexed.join(' AND ')} AND (${perRow.join(' AND ')}) IS TRUE`;
  }

  /**
   * Text search. Both candidate sets use an index (pages_search_idx, or pages_updated_idx
   * walked newest first when the words are common; pages_title_search_idx), stop at their
   * LIMIT, and only the candidates are ranked and highlighted.
   */
  private async rankedHits(query: SearchQuery, where: string, params: Params, offset: number): Promise<HitRow[]> {
    const tsquery = `websearch_to_tsquery('english', ${params.add(query.text)})`;
    // A label's words are in label_text, so in search_vector: the GIN scan narrows to them too.
    const matchQuery = query.label ? `(${tsquery} && plainto_tsquery('english', ${params.add(query.label)}))` : tsquery;
    const hits = `
      SELECT p.id::text, p.title, s.key AS "spaceKey", s.name AS "spaceName", p.updated_at AS "updatedAt", r.rank,
             ts_headline('english', ${ESCAPED_TITLE}, ${tsquery}, ${params.add(TITLE_OPTIONS)}) AS "titleHeadline",
             ts_headline('english', ${snippetSourceSql()}, ${tsquery}, ${params.add(SNIPPET_OPTIONS)}) AS snippet
        FROM (SELECT * FROM ranked ORDER BY rank DESC, updated_at DESC, id DESC LIMIT ${PAGE_SIZE} OFFSET ${params.add(offset)}) r
        JOIN pages p ON p.id = r.id
        JOIN spaces s ON s.id = p.space_id
        CROSS JOIN words`;
    // The candidate passes find row addresses, not tsvectors (a pass may sort every match); the
    // candidates are then ranked by fetching each row once by address, with no index lookup.
    const sql = `
      WITH recent AS MATERIALIZED (
        SELECT p.ctid AS row_address FROM pages p WHERE p.search_vector @@ ${matchQuery} AND ${where}
        ORDER BY p.updated_at DESC LIMIT ${RANKED_CANDIDATES}),
      titled AS MATERIALIZED (
        SELECT p.ctid AS row_address FROM pages p
         WHERE to_tsvector('english', p.title) @@ ${tsquery}
           -- a title match may still fail the whole query (an -excluded word in the body)
           AND p.search_vector @@ ${matchQuery} AND ${where}
         LIMIT ${TITLE_CANDIDATES}),
      ranked AS MATERIALIZED (
        SELECT p.id, p.updated_at, ts_rank('${RANK_WEIGHTS}', p.search_vector, ${tsquery}, ${RANK_NORMALIZATION}) AS rank
          FROM (SELECT row_address FROM recent UNION SELECT row_address FROM titled) c
          JOIN pages p ON p.ctid = c.row_address),
      words AS (${queryWordsSql(tsquery)})
      ${withTotals('(SELECT count(*) FROM ranked)', `(SELECT count(*) FROM recent) >= ${RANKED_CANDIDATES}`, hits, 'h.rank DESC, h."updatedAt" DESC, h.id DESC')}`;
    return this.dataSource.query(sql, params.values);
  }

  /** Filters without words: the most recently updated matching pages. */
  private async recentHits(where: string, params: Params, offset: number): Promise<HitRow[]> {
    const hits = `
      SELECT p.id::text, p.title, s.key AS "spaceKey", s.name AS "spaceName", p.updated_at AS "updatedAt",
             ${ESCAPED_TITLE} AS "titleHeadline", left(${storageText('left(p.body, 1000)')}, 240) AS snippet
        FROM (SELECT * FROM recent ORDER BY updated_at DESC, id DESC LIMIT ${PAGE_SIZE} OFFSET ${params.add(offset)}) r
        JOIN pages p ON p.id = r.id
        JOIN spaces s ON s.id = p.space_id`;
    const sql = `
      WITH recent AS MATERIALIZED (
        SELECT p.id, p.updated_at FROM pages p WHERE ${where}
        ORDER BY p.updated_at DESC, p.id DESC LIMIT ${RANKED_CANDIDATES})
      ${withTotals('(SELECT count(*) FROM recent)', `(SELECT count(*) FROM recent) >= ${RANKED_CANDIDATES}`, hits, 'h."updatedAt" DESC, h.id DESC')}`;
    return this.dataSource.query(sql, params.values);
  }
}
