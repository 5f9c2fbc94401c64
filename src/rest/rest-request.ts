import { BadRequestException } from '@nestjs/common';
import type { Request } from 'express';

export type RestQuery = Record<string, unknown>;

export interface Paging {
  start: number;
  limit: number;
}

/** Confluence's defaults: 25 results a page; larger limits are capped, not refused. */
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 200;
const MAX_START = 1_000_000;

/** One string query parameter; a repeated one is refused rather than guessed at. */
export function queryString(query: RestQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequestException(`The query parameter "${name}" must be given once.`);
  return value;
}

function queryInt(query: RestQuery, name: string, fallback: number, max: number): number {
  const raw = queryString(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new BadRequestException(`The query parameter "${name}" must be a whole number of 0 or more.`);
  return Math.min(Number(raw), max);
}

/** Bodies can be megabytes each, so pages of content with bodies are smaller (the envelope shows the limit used). */
export const MAX_LIMIT_WITH_BODY = 50;

export function pagingOf(query: RestQuery, expand?: Expand): Paging {
  const max = expand?.has('body') ? MAX_LIMIT_WITH_BODY : MAX_LIMIT;
  return { start: queryInt(query, 'start', 0, MAX_START), limit: queryInt(query, 'limit', Math.min(DEFAULT_LIMIT, max), max) };
}

/**
 * The `expand` parameter: comma-separated dotted paths. Asking for `body.storage` also
 * expands `body`, as Confluence does. A missing parameter means the endpoint's defaults.
 */
export class Expand {
  private readonly items: string[];
  private readonly paths = new Set<string>();

  constructor(raw: string) {
    this.items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    for (const item of this.items) {
      const parts = item.split('.').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) this.paths.add(parts.slice(0, i).join('.'));
    }
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** What is asked for inside `prefix`: `page.body.storage` under `page` is `body.storage`. */
  under(prefix: string): Expand {
    return new Expand(this.items.filter((i) => i.startsWith(`${prefix}.`)).map((i) => i.slice(prefix.length + 1)).join(','));
  }
}

export function expandOf(query: RestQuery, defaults = ''): Expand {
  return new Expand(queryString(query, 'expand') ?? defaults);
}

/** Ids are bigints; anything else cannot name a page. */
export function isContentId(id: string): boolean {
  return /^\d{1,18}$/.test(id);
}

/** Confluence's list envelope, with `next`/`prev` links that keep the caller's other parameters. */
export function listEnvelope<T>(req: Request, baseUrl: string, results: T[], paging: Paging, hasMore: boolean) {
  const link = (start: number) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(req.query)) {
      if (typeof value === 'string' && name !== 'start' && name !== 'limit') params.set(name, value);
    }
    params.set('limit', String(paging.limit));
    params.set('start', String(start));
    return `${req.path}?${params.toString()}`;
  };
  return {
    results,
    start: paging.start,
    limit: paging.limit,
    size: results.length,
    _links: {
      self: `${baseUrl}${req.originalUrl}`,
      ...(hasMore ? { next: link(paging.start + paging.limit) } : {}),
      ...(paging.start > 0 ? { prev: link(Math.max(0, paging.start - paging.limit)) } : {}),
      base: baseUrl,
      context: '',
    },
  };
}
