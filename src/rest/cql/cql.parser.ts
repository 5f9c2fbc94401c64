/**
 * A parser for the subset of Confluence Query Language that scripts use: clauses such as
 * `space in (DOC, ENG)`, `title ~ "guide"` or `lastmodified > now("-1w")`, combined with
 * AND, OR, NOT and parentheses, then an optional ORDER BY. Anything else is refused with
 * a message that says what was not understood; nothing is guessed.
 * https://developer.atlassian.com/server/confluence/advanced-searching-using-cql/
 */

export class CqlError extends Error {}

export type CqlOperator = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<=' | 'in' | 'not in';

/** A literal, or a function call such as now("-4w") or currentUser(). */
export type CqlValue = { kind: 'text'; text: string } | { kind: 'call'; name: string; args: string[] };

export type CqlNode =
  | { kind: 'and' | 'or'; left: CqlNode; right: CqlNode }
  | { kind: 'not'; node: CqlNode }
  | { kind: 'clause'; field: string; op: CqlOperator; values: CqlValue[] };

export interface CqlOrder {
  field: string;
  desc: boolean;
}

export interface CqlQuery {
  where: CqlNode;
  orderBy: CqlOrder[];
}

type Token = { type: 'word' | 'string' | 'op' | 'punct'; text: string; at: number };

export const MAX_CQL_LENGTH = 2000;
const MAX_CLAUSES = 50;
const MAX_DEPTH = 20;
const OPERATORS = ['!=', '!~', '>=', '<=', '=', '~', '>', '<'];

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let text = '';
      let j = i + 1;
      for (; j < input.length && input[j] !== c; j++) {
        if (input[j] === '\\' && j + 1 < input.length) j++;
        text += input[j];
      }
      if (j >= input.length) throw new CqlError(`The quoted text starting at position ${i + 1} is not closed.`);
      tokens.push({ type: 'string', text, at: i });
      i = j + 1;
    } else if ('(),'.includes(c)) {
      tokens.push({ type: 'punct', text: c, at: i++ });
    } else if ('!=~<>'.includes(c)) {
      const op = OPERATORS.find((o) => input.startsWith(o, i));
      if (!op) throw new CqlError(`"${c}" at position ${i + 1} is not an operator.`);
      tokens.push({ type: 'op', text: op, at: i });
      i += op.length;
    } else {
      const word = /^[^\s"'(),!=~<>]+/.exec(input.slice(i))![0];
      tokens.push({ type: 'word', text: word, at: i });
      i += word.length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  private clauses = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): CqlQuery {
    if (!this.tokens.length) throw new CqlError('The CQL query is empty.');
    const where = this.or(0);
    const orderBy = this.keyword('order') ? this.orderBy() : [];
    const rest = this.peek();
    if (rest) throw new CqlError(`Unexpected "${rest.text}" at position ${rest.at + 1}.`);
    return { where, orderBy };
  }

  private or(depth: number): CqlNode {
    let node = this.and(depth);
    while (this.keyword('or')) node = { kind: 'or', left: node, right: this.and(depth) };
    return node;
  }

  private and(depth: number): CqlNode {
    let node = this.not(depth);
    while (this.keyword('and')) node = { kind: 'and', left: node, right: this.not(depth) };
    return node;
  }

  private not(depth: number): CqlNode {
    if (depth > MAX_DEPTH) throw new CqlError('The CQL query nests too deeply.');
    if (this.keyword('not')) return { kind: 'not', node: this.not(depth + 1) };
    if (this.punct('(')) {
      const node = this.or(depth + 1);
      this.expectPunct(')');
      return node;
    }
    return this.clause();
  }

  private clause(): CqlNode {
    const field = this.next('a field name such as space, title or text');
    if (field.type !== 'word') throw new CqlError(`Expected a field name at position ${field.at + 1}, found "${field.text}".`);
    if (++this.clauses > MAX_CLAUSES) throw new CqlError(`A CQL query may have at most ${MAX_CLAUSES} clauses.`);
    let op: CqlOperator;
    if (this.keyword('in')) op = 'in';
    else if (this.keyword('not')) {
      if (!this.keyword('in')) throw new CqlError(`Expected "in" after "${field.text} not".`);
      op = 'not in';
    } else {
      const token = this.next(`an operator after "${field.text}"`);
      if (token.type !== 'op') throw new CqlError(`Expected an operator after "${field.text}", found "${token.text}".`);
      op = token.text as CqlOperator;
    }
    const values = op === 'in' || op === 'not in' ? this.list() : [this.value()];
    return { kind: 'clause', field: field.text.toLowerCase(), op, values };
  }

  private list(): CqlValue[] {
    this.expectPunct('(');
    const values = [this.value()];
    while (this.punct(',')) values.push(this.value());
    this.expectPunct(')');
    return values;
  }

  private value(): CqlValue {
    const token = this.next('a value');
    if (token.type === 'string') return { kind: 'text', text: token.text };
    if (token.type !== 'word') throw new CqlError(`Expected a value at position ${token.at + 1}, found "${token.text}".`);
    if (!this.punct('(')) return { kind: 'text', text: token.text };
    const args: string[] = [];
    if (!this.punct(')')) {
      do {
        const arg = this.next('a function argument');
        if (arg.type !== 'string' && arg.type !== 'word') throw new CqlError(`Unexpected "${arg.text}" in ${token.text}().`);
        args.push(arg.text);
      } while (this.punct(','));
      this.expectPunct(')');
    }
    return { kind: 'call', name: token.text.toLowerCase(), args };
  }

  private orderBy(): CqlOrder[] {
    if (!this.keyword('by')) throw new CqlError('Expected "by" after "order".');
    const order: CqlOrder[] = [];
    do {
      const field = this.next('a field to order by');
      if (field.type !== 'word') throw new CqlError(`Expected a field to order by, found "${field.text}".`);
      const desc = this.keyword('desc');
      if (!desc) this.keyword('asc');
      order.push({ field: field.text.toLowerCase(), desc });
    } while (this.punct(','));
    return order;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(what: string): Token {
    const token = this.tokens[this.pos++];
    if (!token) throw new CqlError(`The CQL query ends where ${what} was expected.`);
    return token;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token?.type !== 'word' || token.text.toLowerCase() !== word) return false;
    this.pos++;
    return true;
  }

  private punct(text: string): boolean {
    const token = this.peek();
    if (token?.type !== 'punct' || token.text !== text) return false;
    this.pos++;
    return true;
  }

  private expectPunct(text: string): void {
    const token = this.peek();
    if (!this.punct(text)) {
      throw new CqlError(token ? `Expected "${text}" at position ${token.at + 1}, found "${token.text}".` : `The CQL query ends where "${text}" was expected.`);
    }
  }
}

export function parseCql(input: string): CqlQuery {
  if (input.length > MAX_CQL_LENGTH) throw new CqlError(`A CQL query may be at most ${MAX_CQL_LENGTH} characters.`);
  return new Parser(tokenize(input)).parse();
}
