import { BadRequestException, Injectable } from '@nestjs/common';
import { pageVisibleSql } from '../wiki/permissions/permission.service.js';
import type { Viewer } from '../wiki/permissions/viewer.js';
import { compileCql } from './cql/cql-sql.js';
import { CqlError, parseCql } from './cql/cql.parser.js';
import { ContentQueryService, contentSelect } from './content-query.service.js';
import type { Paging } from './rest-request.js';

/** /rest/api/content/search: CQL compiled to one SQL query, the permission filter inside it. */
@Injectable()
export class ContentSearchService {
  constructor(private readonly query: ContentQueryService) {}

  async search(viewer: Viewer, cql: string | undefined, paging: Paging, withBody: boolean) {
    if (!cql?.trim()) throw new BadRequestException('The cql parameter is required, for example cql=type=page AND space=DOC.');
    let compiled;
    try {
      compiled = compileCql(parseCql(cql), { viewerId: viewer.userId, firstParam: 1 });
    } catch (error) {
      if (error instanceof CqlError) throw new BadRequestException(`Could not parse cql: ${error.message}`);
      throw error;
    }
    return this.query.page(
      `${contentSelect(withBody)}
        WHERE p.status = 'current' AND ${pageVisibleSql(viewer, 'p', '$1')} AND (${compiled.where})
        ORDER BY ${compiled.orderBy}`,
      [viewer.userId, ...compiled.params],
      paging,
    );
  }
}
