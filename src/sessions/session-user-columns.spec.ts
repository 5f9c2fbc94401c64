import { SessionUserColumns } from './session-user-columns.js';

const USER = { userId: 'lu.id', isAdmin: 'is_admin' };

describe('SessionUserColumns', () => {
  it('names each registered column and reads it only for a signed-in user', () => {
    const columns = new SessionUserColumns();
    columns.register('unread', (u) => `SELECT count(*) FROM t WHERE t.user_id = ${u.userId} OR ${u.isAdmin}`);
    expect(columns.selectList(USER)).toEqual([
      'CASE WHEN lu.id IS NOT NULL THEN (SELECT count(*) FROM t WHERE t.user_id = lu.id OR is_admin) END AS "x:unread"',
    ]);
  });

  it('refuses names that could break the query, a name twice, and a column registered after the first read', () => {
    const columns = new SessionUserColumns();
    expect(() => columns.register('bad"name', () => '1')).toThrow(/Bad or repeated/);
    expect(() => columns.register('', () => '1')).toThrow(/Bad or repeated/);
    columns.register('one', () => '1');
    expect(() => columns.register('one', () => '2')).toThrow(/Bad or repeated/);
    expect(columns.selectList(USER)).toHaveLength(1);
    expect(() => columns.register('late', () => '3')).toThrow(/after the first session was read/);
    expect(columns.selectList(USER)).toHaveLength(1);
  });
});
