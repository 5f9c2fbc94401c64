import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { preparedQuery } from './prepared-query.js';

const TYPED = `SELECT 9007199254740993::bigint AS big, '2026-01-02T03:04:05Z'::timestamptz AS at, $1::text AS echoed, ARRAY['a', 'b'] AS list`;
const PLUS_ONE = `SELECT $1::int + 1 AS n`;
const TIMES_TWO = `SELECT $1::int * 2 AS n`;
const LIST_PREPARED = `SELECT name, statement FROM pg_prepared_statements ORDER BY name`;

describe('preparedQuery', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection, so every call below runs on the same PostgreSQL session.
    dataSource = new DataSource({ type: 'postgres', url: database.url, extra: { max: 1 } });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('returns the rows that dataSource.query returns, typed the same way', async () => {
    const prepared = await preparedQuery(dataSource, TYPED, ['hello']);
    expect(prepared).toEqual(await dataSource.query(TYPED, ['hello']));
    expect(prepared[0]).toMatchObject({ big: '9007199254740993', echoed: 'hello', list: ['a', 'b'] });
    expect((prepared[0] as { at: Date }).at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('prepares each SQL text once per connection, under a name of its own', async () => {
    for (let i = 0; i < 3; i++) expect(await preparedQuery(dataSource, PLUS_ONE, [i])).toEqual([{ n: i + 1 }]);
    expect(await preparedQuery(dataSource, TIMES_TWO, [2])).toEqual([{ n: 4 }]);
    const listed = await preparedQuery<{ name: string; statement: string }>(dataSource, LIST_PREPARED, []);
    const ours = listed.filter((s) => s.name.startsWith('atrium_'));
    // Three calls of PLUS_ONE, one statement; the earlier test's statement is still there.
    expect(ours.map((s) => s.statement).sort()).toEqual([TYPED, PLUS_ONE, TIMES_TWO, LIST_PREPARED].sort());
    expect(new Set(ours.map((s) => s.name)).size).toBe(4);
  });
});
