import { compileCql } from './cql-sql.js';
import { CqlError, parseCql, type CqlNode } from './cql.parser.js';

const text = (t: string) => ({ kind: 'text', text: t });
const clause = (field: string, op: string, ...values: string[]): CqlNode =>
  ({ kind: 'clause', field, op, values: values.map(text) }) as CqlNode;

describe('parseCql', () => {
  it('reads clauses joined by AND, with quoted and bare values', () => {
    expect(parseCql('type = page AND space = DOC and title ~ "setup guide"')).toEqual({
      where: {
        kind: 'and',
        left: { kind: 'and', left: clause('type', '=', 'page'), right: clause('space', '=', 'DOC') },
        right: clause('title', '~', 'setup guide'),
      },
      orderBy: [],
    });
  });

  it('gives AND precedence over OR, and honours parentheses and NOT', () => {
    const q = parseCql('label = a OR label = b AND NOT (space in (X, "Y Z"))');
    expect(q.where).toEqual({
      kind: 'or',
      left: clause('label', '=', 'a'),
      right: { kind: 'and', left: clause('label', '=', 'b'), right: { kind: 'not', node: clause('space', 'in', 'X', 'Y Z') } },
    });
  });

  it('reads not in, functions, escapes and ORDER BY', () => {
    const q = parseCql(`space not in (A,B) and lastmodified > now("-4w") and title = 'it\\'s' order by lastmodified desc, title`);
    expect(q.where).toMatchObject({
      left: { left: clause('space', 'not in', 'A', 'B'), right: { field: 'lastmodified', op: '>', values: [{ kind: 'call', name: 'now', args: ['-4w'] }] } },
      right: clause('title', '=', "it's"),
    });
    expect(q.orderBy).toEqual([
      { field: 'lastmodified', desc: true },
      { field: 'title', desc: false },
    ]);
  });

  it.each([
    ['', 'empty'],
    ['space = ', 'ends where a value'],
    ['space DOC', 'Expected an operator'],
    ['title = "open', 'not closed'],
    ['space in (A, B', 'ends where ")"'],
    ['space = A B', 'Unexpected "B"'],
    ['(space = A', 'ends where ")"'],
    ['space = A order title', 'Expected "by"'],
    ['space == A', 'Expected a value'],
    ['space ! A', 'not an operator'],
    ['type = page AND', 'ends where a field'],
    [`${'('.repeat(30)}space = A${')'.repeat(30)}`, 'nests too deeply'],
    [Array.from({ length: 51 }, () => 'space = A').join(' AND '), 'at most 50 clauses'],
    ['x'.repeat(2001), 'at most 2000 characters'],
  ])('refuses %j with a message naming the problem', (input, message) => {
    expect(() => parseCql(input)).toThrow(CqlError);
    expect(() => parseCql(input)).toThrow(message);
  });
});

describe('compileCql', () => {
  const now = new Date('2024-06-15T12:00:00Z');
  const compile = (cql: string, viewerId: string | null = 'u-1') => compileCql(parseCql(cql), { viewerId, firstParam: 1, now });

  it('binds every value as a parameter, numbered after the viewer', () => {
    const c = compile(`space in (doc, eng) AND title = "x'; DROP TABLE pages; --" AND label = Howto`);
    expect(c.params).toEqual([['DOC', 'ENG'], ["x'; drop table pages; --"], ['howto']]);
    expect(c.where).toContain('s.key = ANY($2::text[])');
    expect(c.where).toContain('lower(p.title) = ANY($3::text[])');
    expect(c.where).toContain('l.name = ANY($4::text[])');
    expect(c.where).not.toContain('DROP');
  });

  it('turns title~ into a contains pattern with wildcards and escaped LIKE characters', () => {
    expect(compile('title ~ "50%_off"').params).toEqual(['%50\\%\\_off%']);
    expect(compile('title ~ "set*gu?de"').params).toEqual(['set%gu_de']);
  });

  it('ranks text~ results unless an order is given, and always ends on a unique key', () => {
    expect(compile('text ~ "deploy guide"').orderBy).toBe(
      `ts_rank(p.search_vector, websearch_to_tsquery('english', $2)) DESC, p.updated_at DESC, p.id DESC`,
    );
    expect(compile('space = A order by title').orderBy).toBe('lower(p.title) ASC, p.id DESC');
  });

  it('negates with IS NOT TRUE so NULL columns still match', () => {
    expect(compile('parent != 5').where).toBe('(p.parent_id = ANY($2::bigint[])) IS NOT TRUE');
    expect(compile('NOT label = x').where).toMatch(/^\(EXISTS .*\) IS NOT TRUE$/s);
  });

  it('reads dates as days, and now() offsets from the current time', () => {
    const day = compile('created = 2024-01-31');
    expect(day.where).toBe('(p.created_at >= $2::timestamptz AND p.created_at < $3::timestamptz)');
    expect(day.params).toEqual(['2024-01-31T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
    expect(compile('lastmodified > "2024/01/31 10:30"').params).toEqual(['2024-01-31T10:31:00.000Z']);
    expect(compile('lastmodified >= now("-1w")').params).toEqual(['2024-06-08T12:00:00.000Z']);
  });

  it('matches currentUser() to the viewer, and nobody for an anonymous viewer', () => {
    expect(compile('creator = currentUser()').params).toEqual([[], ['u-1']]);
    expect(compile('contributor in (bob, currentUser())', null).params).toEqual([['bob'], []]);
  });

  it.each([
    ['foo = bar', 'The CQL field "foo" is not supported'],
    ['text = deploy', 'does not support "="'],
    ['space ~ DOC', 'does not support "~"'],
    ['type = whiteboard', '"whiteboard" is not a content type'],
    ['id = abc', '"abc" is not one'],
    ['created > yesterday', 'is not a date'],
    ['created > 2024-02-30', 'is not a date'],
    ['created > 0099-01-01', 'is not a date'],
    ['created > now("soon")', 'is not understood'],
    ['created > now("-99999y")', 'too far away'],
    ['space = startOfDay()', 'does not take startofday()'],
    ['space = A order by popularity', 'Cannot order by "popularity"'],
  ])('refuses %j', (cql, message) => {
    expect(() => compile(cql)).toThrow(CqlError);
    expect(() => compile(cql)).toThrow(message);
  });
});
