import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Roles } from '../../common/access.decorators.js';
import { validDay } from '../search/search-query.js';
import { AuditQueryService, type AuditFilter } from './audit-query.service.js';

@Controller('admin/audit')
@Roles('admin')
export class AuditAdminController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  async listAudit(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const pick = (k: keyof AuditFilter) => (typeof query[k] === 'string' ? (query[k] as string).slice(0, 255) : undefined);
    const filter: AuditFilter = {
      action: pick('action'),
      spaceKey: pick('spaceKey'),
      actor: pick('actor'),
      from: pick('from'),
      to: pick('to'),
      before: pick('before'),
    };
    // A date the filter cannot use is said so, never silently dropped (nor left to PostgreSQL).
    const errors: Record<string, string> = {};
    for (const field of ['from', 'to'] as const) {
      if (filter[field] && !validDay(filter[field])) errors[field] = 'Enter a date as YYYY-MM-DD.';
    }
    const failed = Object.keys(errors).length > 0;
    const result = failed ? { entries: [], next: null, actions: await this.audit.listActions() } : await this.audit.listEntries(filter);
    const base = Object.entries({ ...filter, before: undefined }).filter(([, v]) => v) as [string, string][];
    res.status(failed ? 400 : 200).render('wiki/audit', {
      title: 'Audit log',
      section: 'audit',
      filter,
      errors: failed ? errors : undefined,
      entries: result.entries,
      actions: result.actions.map((a) => ({ value: a, selected: a === filter.action })),
      nextUrl: result.next ? `/admin/audit?${new URLSearchParams([...base, ['before', result.next]])}` : null,
      firstUrl: filter.before ? `/admin/audit?${new URLSearchParams(base)}` : null,
    });
  }
}
