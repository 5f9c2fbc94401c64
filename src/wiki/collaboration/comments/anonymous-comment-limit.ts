import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { countInWindow } from '../../../database/fixed-window-counter.js';

/** Comments one address may post anonymously per window, across every process. */
export const ANONYMOUS_COMMENTS_PER_WINDOW = 20;
const WINDOW_SECONDS = 3600;

export class AnonymousCommentLimitException extends HttpException {
  constructor() {
    super('Too many comments from your address. Wait a while, or log in to comment.', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Where a space lets anonymous visitors comment, one address may post at most
 * ANONYMOUS_COMMENTS_PER_WINDOW an hour (a fixed window in PostgreSQL, shared by all processes),
 * so an open space cannot be flooded. Signed-in people are not limited.
 */
@Injectable()
export class AnonymousCommentLimit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts this comment; refuses it once the window is full. */
  async take(ip: string): Promise<void> {
    const key = `anonymous-comment:${ip}`.slice(0, 300);
    const counts = await countInWindow(this.dataSource, { table: 'rate_counters', column: 'hits' }, [key], WINDOW_SECONDS);
    if (counts.get(key)! > ANONYMOUS_COMMENTS_PER_WINDOW) throw new AnonymousCommentLimitException();
  }
}
