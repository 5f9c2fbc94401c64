import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The session table belongs to connect-pg-simple; this ends sessions by user. */
@Injectable()
export class SessionsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async endSessionsForUser(userId: string): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM sessions WHERE sess->>'userId' = $1`, [userId]);
    return count as number;
  }

  async countSessionsForUser(userId: string): Promise<number> {
    const rows = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM sessions WHERE sess->>'userId' = $1 AND expire > now()`,
      [userId],
    );
    return rows[0].n;
  }
}
