import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

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

  /** Counts this comment; refuses it, counting nothing more, once the window is full. */
  async take(ip: string): Promise<void> {
    const [row] = await this.dataSource.query(
      `INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_counters.window_start > now() - make_interval(secs => $2)
                     THEN least(rate_counters.hits + 1, $3 + 1) ELSE 1 END,
         window_start = CASE WHEN rate_counters.window_start > now() - make_interval(secs => $2)
                             THEN rate_counters.window_start ELSE now() END
       RETURNING hits`,
      [`anonymous-comment:${ip}`.slice(0, 300), WINDOW_SECONDS, ANONYMOUS_COMMENTS_PER_WINDOW],
    );
    if (row.hits > ANONYMOUS_COMMENTS_PER_WINDOW) throw new AnonymousCommentLimitException();
  }
}
