import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated } from '../../common/access.decorators.js';
import { viewerFrom } from '../wiki-viewer.js';
import { PageDraftService, type Draft, type DraftTarget } from './page-draft.service.js';

function answer(target: DraftTarget, draft: Draft | null) {
  return { draft, pageVersion: target.pageVersion };
}

/**
 * JSON endpoints behind public/js/drafts.js: the signed-in user's draft of a page, or of a
 * new page under `?parent=`. Writes carry the CSRF token in X-CSRF-Token.
 */
@Controller('spaces/:key/pages')
export class PageDraftController {
  constructor(private readonly drafts: PageDraftService) {}

  @Authenticated()
  @Get('new/draft')
  async showNewPageDraft(@Param('key') key: string, @Query('parent') parent: unknown, @Req() req: Request) {
    const target = await this.drafts.newPageTarget(viewerFrom(req), key, parent);
    return answer(target, await this.drafts.findDraft(target));
  }

  @Authenticated()
  @Put('new/draft')
  async saveNewPageDraft(@Param('key') key: string, @Query('parent') parent: unknown, @Body() body: unknown, @Req() req: Request) {
    const target = await this.drafts.newPageTarget(viewerFrom(req), key, parent);
    return answer(target, await this.drafts.saveDraft(target, body));
  }

  @Authenticated()
  @Delete('new/draft')
  @HttpCode(204)
  async discardNewPageDraft(@Param('key') key: string, @Query('parent') parent: unknown, @Req() req: Request) {
    await this.drafts.discardDraft(await this.drafts.newPageTarget(viewerFrom(req), key, parent));
  }

  @Authenticated()
  @Get(':id/draft')
  async showDraft(@Param('id') id: string, @Req() req: Request) {
    const target = await this.drafts.pageTarget(viewerFrom(req), id);
    return answer(target, await this.drafts.findDraft(target));
  }

  @Authenticated()
  @Put(':id/draft')
  async saveDraft(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const target = await this.drafts.pageTarget(viewerFrom(req), id);
    return answer(target, await this.drafts.saveDraft(target, body));
  }

  @Authenticated()
  @Delete(':id/draft')
  @HttpCode(204)
  async discardDraft(@Param('id') id: string, @Req() req: Request) {
    await this.drafts.discardDraft(await this.drafts.pageTarget(viewerFrom(req), id));
  }
}
