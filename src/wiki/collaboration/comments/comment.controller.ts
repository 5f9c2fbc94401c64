import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authenticated, Public } from '../../../common/access.decorators.js';
import { renderFormError } from '../../../common/form-errors.js';
import type { Page } from '../../pages/page.types.js';
import { asViewer, viewerFrom } from '../../wiki-viewer.js';
import { pageUrl } from '../../wiki-urls.js';
import { PageService } from '../../pages/page.service.js';
import { AnonymousCommentLimit } from './anonymous-comment-limit.js';
import { CommentService } from './comment.service.js';

type Form = Record<string, unknown>;

/** Comment forms live on the page screen; after bad input the form is shown again on its own. */
@Controller('pages/:pageId/comments')
export class CommentController {
  constructor(
    private readonly pages: PageService,
    private readonly comments: CommentService,
    private readonly anonymousLimit: AnonymousCommentLimit,
  ) {}

  /** Open to anonymous visitors where the space grants them "comment" (their comments have no author). */
  @Public()
  @Post()
  async addComment(@Param('pageId') pageId: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const { page } = await asViewer(req, () => this.pages.requireAccess(viewer, pageId, 'comment'));
    if (!viewer.userId) await this.anonymousLimit.take(req.ip ?? 'unknown');
    try {
      const id = await this.comments.addComment(viewer, page, body);
      res.redirect(303, this.comments.commentUrl(page, id));
    } catch (error) {
      renderFormError(res, error, 'wiki/collaboration/comment-form', this.form(page, `/pages/${page.id}/comments`, body, 'Add comment'));
    }
  }

  @Authenticated()
  @Post(':commentId')
  async editComment(
    @Param('pageId') pageId: string,
    @Param('commentId') commentId: string,
    @Body() body: Form,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const viewer = viewerFrom(req);
    const { page, held } = await this.pages.requireAccess(viewer, pageId, 'view');
    try {
      await this.comments.editComment(viewer, page, held, commentId, body);
      res.redirect(303, this.comments.commentUrl(page, commentId));
    } catch (error) {
      renderFormError(res, error, 'wiki/collaboration/comment-form', this.form(page, `/pages/${page.id}/comments/${commentId}`, body, 'Edit comment'));
    }
  }

  @Authenticated()
  @Post(':commentId/delete')
  async deleteComment(@Param('pageId') pageId: string, @Param('commentId') commentId: string, @Req() req: Request, @Res() res: Response) {
    const viewer = viewerFrom(req);
    const { page, held } = await this.pages.requireAccess(viewer, pageId, 'view');
    await this.comments.deleteComment(viewer, page, held, commentId);
    res.redirect(303, this.comments.commentUrl(page));
  }

  private form(page: Page, action: string, body: Form, heading: string) {
    return {
      title: heading,
      heading,
      action,
      page: { title: page.title, url: pageUrl(page.spaceKey, page.id, page.title) },
      values: { body: typeof body.body === 'string' ? body.body : '', parentId: typeof body.parentId === 'string' ? body.parentId : '' },
    };
  }
}
