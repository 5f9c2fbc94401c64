import { Injectable, Logger } from '@nestjs/common';

export type PageEventKind = 'created' | 'updated' | 'commented' | 'trashed' | 'moved' | 'restored';

/** Something happened to a page, already committed. */
export interface PageEvent {
  kind: PageEventKind;
  pageId: string;
  actorId: string | null;
  /** Minor edits do not notify watchers. */
  minorEdit?: boolean;
}

export type PageEventListener = (event: PageEvent) => Promise<void>;

/**
 * Page changes for other wiki modules (watch notifications) without PageService knowing them.
 * Emitted after commit; a listener's failure is logged and never undoes or fails the change.
 */
@Injectable()
export class PageEventsService {
  private readonly logger = new Logger(PageEventsService.name);
  private readonly listeners: PageEventListener[] = [];

  subscribe(listener: PageEventListener): void {
    this.listeners.push(listener);
  }

  async emit(event: PageEvent): Promise<void> {
    await Promise.all(
      this.listeners.map((listener) =>
        listener(event).catch((error: unknown) => {
          this.logger.error(`${event.kind} event for page ${event.pageId} failed: ${error instanceof Error ? error.stack : String(error)}`);
        }),
      ),
    );
  }
}
