import { Module, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { SessionsModule } from '../../sessions/sessions.module.js';
import { PageScreenRegistry } from '../pages/page-screen.registry.js';
import { WikiModule } from '../wiki.module.js';
import { RecentPagesService } from './activity/recent-pages.service.js';
import { AnonymousCommentLimit } from './comments/anonymous-comment-limit.js';
import { CommentController } from './comments/comment.controller.js';
import { CommentService } from './comments/comment.service.js';
import { LabelController } from './labels/label.controller.js';
import { LabelService } from './labels/label.service.js';
import { NotificationMailer } from './notifications/notification-mailer.service.js';
import { NotificationController } from './notifications/notification.controller.js';
import { NotificationService } from './notifications/notification.service.js';
import { UnreadCountInterceptor } from './notifications/unread-count.interceptor.js';
import { WatchController } from './watches/watch.controller.js';
import { WatchService } from './watches/watch.service.js';

/** Comments, labels, watching, notifications, and the dashboard's page lists. */
@Module({
  imports: [WikiModule, SessionsModule],
  controllers: [CommentController, LabelController, WatchController, NotificationController],
  providers: [
    AnonymousCommentLimit,
    CommentService,
    LabelService,
    NotificationMailer,
    NotificationService,
    RecentPagesService,
    WatchService,
    { provide: APP_INTERCEPTOR, useClass: UnreadCountInterceptor },
  ],
  exports: [LabelService, RecentPagesService],
})
export class WikiCollaborationModule implements OnModuleInit {
  constructor(
    private readonly registry: PageScreenRegistry,
    private readonly comments: CommentService,
    private readonly labels: LabelService,
    private readonly watches: WatchService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.comments);
    this.registry.register(this.labels);
    this.registry.register(this.watches);
  }
}
