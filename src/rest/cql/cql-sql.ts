import { CqlError, type CqlNode, type CqlOperator, type CqlQuery, type CqlValue } from './cql.parser.js';

/** A WHERE fragment and ORDER BY over `pages p JOIN spaces s`; every value is a bound parameter. */
export interface CompiledCql {
  where: string;
  orderBy: string;
  params: unknown[];
}

interface Scope {
  viewerId: string | null;
  now: Date;
  params: unknown[];
  /** Parameter numbers of text~ queries, for ranking. */
  textParams: string[];
}

const EQUALITY: CqlOperator[] = ['=', '!=', 'in', 'not in'];
const MATCH: CqlOperator[] = ['~', '!~'];
const COMPARE: CqlOperator[] = ['=', '!=', '>', '>=', '<', '<='];
const NEGATED = new Set<CqlOperator>(['!=', 'not in', '!~']);
const CONTENT_TYPES = new Set(['page', 'blogpost', 'comment', 'attachment', 'space', 'user']);

type FieldCompiler = (values: CqlValue[], op: CqlOperator, scope: Scope) => string;

function bind(scope: Scope, value: unknown): string {
  scope.params.push(value);
  return `$${scope.params.length}`;
}

function texts(field: string, values: CqlValue[]): string[] {
  return values.map((v) => {
    if (v.kind !== 'text') throw new CqlError(`The field ${field} does not take ${v.name}().`);
    return v.text;
  });
}

function ids(field: string, values: CqlValue[]): string[] {
  const list = texts(field, values);
  const bad = list.find((id) => !/^\d{1,18}$/.test(id));
  if (bad !== undefined) throw new CqlError(`The field ${field} takes content ids; "${bad}" is not one.`);
  return list;
}

/** `title ~ "guide"` finds titles containing "guide"; `*` and `?` are wildcards. */
function likePattern(text: string): string {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return /[*?]/.test(text) ? escaped.replace(/\*/g, '%').replace(/\?/g, '_') : `%${escaped}%`;
}

/** Users named by username, or currentUser(). */
function userFilter(field: string, values: CqlValue[], scope: Scope): string {
  const names: string[] = [];
  const self: string[] = [];
  for (const v of values) {
    if (v.kind === 'call' && v.name === 'currentuser') {
      if (scope.viewerId) self.push(scope.viewerId);
    } else if (v.kind === 'text') names.push(v.text.toLowerCase());
    else throw new CqlError(`The field ${field} takes usernames or currentUser(), not ${v.name}().`);
  }
  return `SELECT u.id FROM users u WHERE lower(u.username) = ANY(${bind(scope, names)}::text[]) OR u.id = ANY(${bind(scope, self)}::uuid[])`;
}

const UNITS: Record<string, string> = { y: 'years', M: 'months', w: 'weeks', d: 'days', h: 'hours', m: 'minutes' };

/** A date value as the range it names: a day, a minute, or the instant now() gives. */
function dateRange(field: string, value: CqlValue, now: Date): { from: Date; to: Date } {
  if (value.kind === 'call') {
    if (value.name !== 'now') throw new CqlError(`The field ${field} takes a date or now("-1w"), not ${value.name}().`);
    const offset = value.args[0] ?? '';
    const m = /^([+-]?)(\d{1,6})([yMwdhm])$/.exec(offset.trim());
    if (offset && !m) throw new CqlError(`now("${offset}") is not understood; use an offset such as "-4w", "-2d" or "+1h".`);
    const at = new Date(now);
    if (m) {
      const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
      const unit = UNITS[m[3]];
      if (unit === 'years') at.setUTCFullYear(at.getUTCFullYear() + n);
      else if (unit === 'months') at.setUTCMonth(at.getUTCMonth() + n);
      else at.setTime(at.getTime() + n * { weeks: 604_800_000, days: 86_400_000, hours: 3_600_000, minutes: 60_000 }[unit]!);
    }
    if (!(at.getUTCFullYear() >= 1970 && at.getUTCFullYear() <= 9999)) throw new CqlError(`now("${offset}") is too far away.`);
    return { from: at, to: at };
  }
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T]([01]\d|2[0-3]):([0-5]\d))?$/.exec(value.text.trim());
  const from = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0)) : null;
  // Date.UTC maps years 0-99 to 19xx, and rolls 2024-02-31 over into March: both are refused.
  if (!from || from.getUTCFullYear() !== +m![1] || from.getUTCMonth() !== +m![2] - 1 || from.getUTCDate() !== +m![3]) {
    throw new CqlError(`"${value.text}" is not a date; use yyyy-MM-dd, yyyy/MM/dd or "yyyy-MM-dd HH:mm".`);
  }
  return { from, to: new Date(from.getTime() + (m![4] ? 60_000 : 86_400_000)) };
}

function dateField(column: string): FieldCompiler {
  return (values, op, scope) => {
    const { from, to } = dateRange(column === 'p.created_at' ? 'created' : 'lastmodified', values[0], scope.now);
    const at = (d: Date) => `${bind(scope, d.toISOString())}::timestamptz`;
    if (op === '=' || op === '!=') {
      return from.getTime() === to.getTime() ? `${column} = ${at(from)}` : `(${column} >= ${at(from)} AND ${column} < ${at(to)})`;
    }
    // "after a day" means after the whole day; "before a day" means before it starts.
    if (op === '>') return `${column} >= ${at(to)}`;
    if (op === '>=') return `${column} >= ${at(from)}`;
    if (op === '<') return `${column} < ${at(from)}`;
    return `${column} < ${at(to)}`;
  };
}

const FIELDS: Record<string, { ops: CqlOperator[]; sql: FieldCompiler }> = {
  type: {
    ops: EQUALITY,
    sql: (values) => {
      const list = texts('type', values).map((t) => t.toLowerCase());
      const unknown = list.find((t) => !CONTENT_TYPES.has(t));
      if (unknown) throw new CqlError(`"${unknown}" is not a content type; Atrium has pages (type = page).`);
      return list.includes('page') ? 'TRUE' : 'FALSE';
    },
  },
  space: { ops: EQUALITY, sql: (v, _op, s) => `s.key = ANY(${bind(s, texts('space', v).map((k) => k.toUpperCase()))}::text[])` },
  title: {
    ops: [...EQUALITY, ...MATCH],
    sql: (values, op, scope) =>
      MATCH.includes(op)
        ? `lower(p.title) LIKE ${bind(scope, likePattern(texts('title', values)[0]))}`
        : `lower(p.title) = ANY(${bind(scope, texts('title', values).map((t) => t.toLowerCase()))}::text[])`,
  },
  text: {
    ops: MATCH,
    sql: (values, _op, scope) => {
      const param = bind(scope, texts('text', values)[0]);
      scope.textParams.push(param);
      return `p.search_vector @@ websearch_to_tsquery('english', ${param})`;
    },
  },
  label: {
    ops: EQUALITY,
    sql: (values, _op, scope) =>
      `EXISTS (SELECT 1 FROM page_labels pl JOIN labels l ON l.id = pl.label_id WHERE pl.page_id = p.id
         AND l.name = ANY(${bind(scope, texts('label', values).map((t) => t.toLowerCase()))}::text[]))`,
  },
  id: { ops: EQUALITY, sql: (v, _op, s) => `p.id = ANY(${bind(s, ids('id', v))}::bigint[])` },
  parent: { ops: EQUALITY, sql: (v, _op, s) => `p.parent_id = ANY(${bind(s, ids('parent', v))}::bigint[])` },
  ancestor: { ops: EQUALITY, sql: (v, _op, s) => `p.ancestors && ${bind(s, ids('ancestor', v))}::bigint[]` },
  creator: { ops: EQUALITY, sql: (v, _op, s) => `p.created_by IN (${userFilter('creator', v, s)})` },
  contributor: {
    ops: EQUALITY,
    sql: (v, _op, s) => `EXISTS (SELECT 1 FROM page_versions cv WHERE cv.page_id = p.id AND cv.author_id IN (${userFilter('contributor', v, s)}))`,
  },
  created: { ops: COMPARE, sql: dateField('p.created_at') },
  lastmodified: { ops: COMPARE, sql: dateField('p.updated_at') },
};
const ALIASES: Record<string, string> = { 'space.key': 'space', content: 'id', sitesearch: 'text' };

const ORDER_COLUMNS: Record<string, string> = {
  title: 'lower(p.title)',
  created: 'p.created_at',
  lastmodified: 'p.updated_at',
  id: 'p.id',
  space: 's.key',
};

function compileNode(node: CqlNode, scope: Scope): string {
  // IS NOT TRUE, not NOT: "parent != 5" must keep top-level pages, whose parent is NULL.
  if (node.kind === 'not') return `(${compileNode(node.node, scope)}) IS NOT TRUE`;
  if (node.kind !== 'clause') {
    return `(${compileNode(node.left, scope)} ${node.kind.toUpperCase()} ${compileNode(node.right, scope)})`;
  }
  const name = ALIASES[node.field] ?? node.field;
  const field = FIELDS[name];
  if (!field) {
    throw new CqlError(`The CQL field "${node.field}" is not supported. Use: ${Object.keys(FIELDS).join(', ')}.`);
  }
  if (!field.ops.includes(node.op)) {
    throw new CqlError(`The field ${node.field} does not support "${node.op}"; use ${field.ops.map((o) => `"${o}"`).join(', ')}.`);
  }
  // Fields compile the positive match; "!=", "not in" and "!~" negate it ("not within that day" for dates).
  const sql = field.sql(node.values, node.op, scope);
  return NEGATED.has(node.op) ? `(${sql}) IS NOT TRUE` : sql;
}

/** `firstParam` is how many parameters come before (the viewer is $1). */
export function compileCql(query: CqlQuery, options: { viewerId: string | null; firstParam: number; now?: Date }): CompiledCql {
  const scope: Scope = {
    viewerId: options.viewerId,
    now: options.now ?? new Date(),
    params: Array.from({ length: options.firstParam }, () => null),
    textParams: [],
  };
  const where = compileNode(query.where, scope);
  const order = query.orderBy.map((o) => {
    const column = ORDER_COLUMNS[o.field];
    if (!column) throw new CqlError(`Cannot order by "${o.field}". Use: ${Object.keys(ORDER_COLUMNS).join(', ')}.`);
    return `${column} ${o.desc ? 'DESC' : 'ASC'}`;
  });
  if (!order.length) {
    if (scope.textParams.length) {
      order.push(`${scope.textParams.map((param) => `ts_rank(p.search_vector, websearch_to_tsquery('english', ${param}))`).join(' + ')} DESC`);
    }
    order.push('p.updated_at DESC');
  }
  order.push('p.id DESC');
  return { where, orderBy: order.join(', '), params: scope.params.slice(options.firstParam) };
}
