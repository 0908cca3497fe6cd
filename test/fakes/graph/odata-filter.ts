/**
 * The OData `$filter` subset Graph's directory and Outlook accept: `eq ne gt ge lt le`, `in (...)`,
 * `startswith(p,'x')`, `endswith(p,'x')`, `not`, `and`, `or`, parentheses, and lambdas over
 * collections (`proxyAddresses/any(x:startswith(x,'smtp:'))`, `emailAddresses/any(a:a/address eq 'x')`).
 * Parsing is separate from what a resource allows (filter-rules.ts) and from evaluation, which
 * compares strings case-insensitively as Entra ID and Exchange do.
 */

export type Literal = string | number | boolean | null;

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  | {
      readonly kind: 'compare';
      readonly op: ComparisonOperator;
      readonly path: readonly string[];
      readonly value: Literal;
    }
  | { readonly kind: 'in'; readonly path: readonly string[]; readonly values: readonly Literal[] }
  | {
      readonly kind: 'call';
      readonly name: 'startswith' | 'endswith';
      readonly path: readonly string[];
      readonly value: string;
    }
  | {
      readonly kind: 'lambda';
      readonly quantifier: 'any' | 'all';
      readonly path: readonly string[];
      readonly variable: string;
      readonly body: FilterNode;
    };

/** A `$filter` the grammar cannot read; the caller words the Graph error. */
export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

type Token =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'word'; readonly value: string }
  | { readonly type: 'punct'; readonly value: '(' | ')' | ',' | ':' | '/' };

const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(text: string): FilterNode {
  const parser = new Parser(tokenize(text));
  const node = parser.expression();
  parser.expectEnd();
  return node;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (/\s/.test(char)) {
      at++;
    } else if (char === "'") {
      const [value, next] = readString(text, at);
      tokens.push({ type: 'string', value });
      at = next;
    } else if ('(),:/'.includes(char)) {
      tokens.push({ type: 'punct', value: char as '(' | ')' | ',' | ':' | '/' });
      at++;
    } else {
      const match = /^(-?\d+(?:\.\d+)?(?![\w])|[A-Za-z_$@][\w$@.-]*)/.exec(text.slice(at));
      if (match === null)
        throw new FilterSyntaxError(`Syntax error: character '${char}' is not valid at position ${at}.`);
      const word = match[0];
      tokens.push(
        /^-?\d/.test(word) ? { type: 'number', value: Number(word) } : { type: 'word', value: word },
      );
      at += word.length;
    }
  }
  return tokens;
}

/** An OData string literal: single quotes, a doubled quote inside stands for one. */
function readString(text: string, start: number): [string, number] {
  let value = '';
  let at = start + 1;
  while (at < text.length) {
    if (text[at] === "'") {
      if (text[at + 1] === "'") {
        value += "'";
        at += 2;
        continue;
      }
      return [value, at + 1];
    }
    value += text.charAt(at);
    at++;
  }
  throw new FilterSyntaxError(`Unterminated string literal at position ${start}.`);
}

class Parser {
  #at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  expression(): FilterNode {
    let left = this.#conjunction();
    while (this.#peekWord('or')) {
      this.#at++;
      left = { kind: 'or', left, right: this.#conjunction() };
    }
    return left;
  }

  expectEnd(): void {
    if (this.#at < this.tokens.length)
      throw new FilterSyntaxError(`Unexpected '${describe(this.tokens[this.#at]!)}'.`);
  }

  #conjunction(): FilterNode {
    let left = this.#unary();
    while (this.#peekWord('and')) {
      this.#at++;
      left = { kind: 'and', left, right: this.#unary() };
    }
    return left;
  }

  #unary(): FilterNode {
    if (this.#peekWord('not')) {
      this.#at++;
      return { kind: 'not', operand: this.#unary() };
    }
    if (this.#peekPunct('(')) {
      this.#at++;
      const inner = this.expression();
      this.#expectPunct(')');
      return inner;
    }
    return this.#term();
  }

  #term(): FilterNode {
    const word = this.#expectWord();
    if (this.#peekPunct('(')) return this.#call(word.toLowerCase());
    const path = this.#pathFrom(word);
    if (this.#peekPunct('/')) return this.#lambda(path);
    const operator = this.#expectWord().toLowerCase();
    if (operator === 'in') return { kind: 'in', path, values: this.#literalList() };
    if (!COMPARISONS.has(operator)) throw new FilterSyntaxError(`Unknown operator '${operator}'.`);
    return { kind: 'compare', op: operator as ComparisonOperator, path, value: this.#literal() };
  }

  #call(name: string): FilterNode {
    if (name !== 'startswith' && name !== 'endswith')
      throw new FilterSyntaxError(`Unknown function '${name}'.`);
    this.#expectPunct('(');
    const path = this.#pathFrom(this.#expectWord());
    this.#expectPunct(',');
    const value = this.#literal();
    this.#expectPunct(')');
    if (typeof value !== 'string') throw new FilterSyntaxError(`${name} needs a string literal.`);
    return { kind: 'call', name, path, value };
  }

  /** `path/any(v: body)`; the path's last `/` has been peeked. */
  #lambda(path: readonly string[]): FilterNode {
    this.#expectPunct('/');
    const quantifier = this.#expectWord().toLowerCase();
    if (quantifier !== 'any' && quantifier !== 'all')
      throw new FilterSyntaxError(`Unknown lambda '${quantifier}'.`);
    this.#expectPunct('(');
    const variable = this.#expectWord();
    this.#expectPunct(':');
    const body = this.expression();
    this.#expectPunct(')');
    return { kind: 'lambda', quantifier, path, variable, body };
  }

  /** A property path `a/b/c`, stopping before `/any` or `/all`. */
  #pathFrom(first: string): string[] {
    const path = [first];
    while (this.#peekPunct('/')) {
      const next = this.tokens[this.#at + 1];
      if (next?.type !== 'word' || ['any', 'all'].includes(next.value.toLowerCase())) break;
      path.push(next.value);
      this.#at += 2;
    }
    return path;
  }

  #literalList(): Literal[] {
    this.#expectPunct('(');
    const values = [this.#literal()];
    while (this.#peekPunct(',')) {
      this.#at++;
      values.push(this.#literal());
    }
    this.#expectPunct(')');
    return values;
  }

  #literal(): Literal {
    const token = this.tokens[this.#at++];
    if (token === undefined) throw new FilterSyntaxError('A value is missing at the end of the filter.');
    if (token.type === 'string' || token.type === 'number') return token.value;
    if (token.type === 'word') {
      const word = token.value.toLowerCase();
      if (word === 'true' || word === 'false') return word === 'true';
      if (word === 'null') return null;
    }
    throw new FilterSyntaxError(`Expected a value, found '${describe(token)}'.`);
  }

  #expectWord(): string {
    const token = this.tokens[this.#at++];
    if (token?.type !== 'word')
      throw new FilterSyntaxError(`Expected a name, found '${token ? describe(token) : 'the end'}'.`);
    return token.value;
  }

  #expectPunct(value: string): void {
    const token = this.tokens[this.#at++];
    if (token?.type !== 'punct' || token.value !== value) {
      throw new FilterSyntaxError(`Expected '${value}', found '${token ? describe(token) : 'the end'}'.`);
    }
  }

  #peekWord(value: string): boolean {
    const token = this.tokens[this.#at];
    return token?.type === 'word' && token.value.toLowerCase() === value;
  }

  #peekPunct(value: string): boolean {
    const token = this.tokens[this.#at];
    return token?.type === 'punct' && token.value === value;
  }
}

function describe(token: Token): string {
  return token.type === 'string' ? `'${token.value}'` : String(token.value);
}

// ---- Evaluation ----

type Scope = ReadonlyMap<string, unknown>;

/** Whether the object matches. Paths must already be in the object's own spelling (filter-rules.ts). */
export function matchesFilter(node: FilterNode, object: object): boolean {
  return evaluate(node, object, new Map());
}

function evaluate(node: FilterNode, object: object, scope: Scope): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, object, scope) && evaluate(node.right, object, scope);
    case 'or':
      return evaluate(node.left, object, scope) || evaluate(node.right, object, scope);
    case 'not':
      return !evaluate(node.operand, object, scope);
    case 'compare':
      return compare(node.op, resolve(node.path, object, scope), node.value);
    case 'in':
      return node.values.some((value) => compare('eq', resolve(node.path, object, scope), value));
    case 'call':
      return callMatches(node.name, resolve(node.path, object, scope), node.value);
    case 'lambda':
      return lambdaMatches(node, object, scope);
  }
}

function lambdaMatches(node: Extract<FilterNode, { kind: 'lambda' }>, object: object, scope: Scope): boolean {
  const collection = resolve(node.path, object, scope);
  if (!Array.isArray(collection)) return false;
  const test = (element: unknown): boolean =>
    evaluate(node.body, object, new Map([...scope, [node.variable, element]]));
  return node.quantifier === 'any' ? collection.some(test) : collection.every(test);
}

function resolve(path: readonly string[], object: object, scope: Scope): unknown {
  const [first, ...rest] = path;
  let value: unknown = scope.has(first!) ? scope.get(first!) : (object as Record<string, unknown>)[first!];
  for (const name of rest) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
  }
  return value;
}

function compare(op: ComparisonOperator, actual: unknown, expected: Literal): boolean {
  if (op === 'ne') return !compare('eq', actual, expected);
  if (expected === null) return op === 'eq' && (actual === null || actual === undefined);
  if (typeof actual !== 'string' && typeof actual !== 'number' && typeof actual !== 'boolean') return false;
  const [left, right] =
    typeof expected === 'string'
      ? [String(actual).toLowerCase(), expected.toLowerCase()]
      : [actual, expected];
  switch (op) {
    case 'eq':
      return left === right;
    case 'gt':
      return (left as string | number) > (right as string | number);
    case 'ge':
      return (left as string | number) >= (right as string | number);
    case 'lt':
      return (left as string | number) < (right as string | number);
    case 'le':
      return (left as string | number) <= (right as string | number);
  }
}

function callMatches(name: 'startswith' | 'endswith', actual: unknown, value: string): boolean {
  if (typeof actual !== 'string') return false;
  const text = actual.toLowerCase();
  const part = value.toLowerCase();
  return name === 'startswith' ? text.startsWith(part) : text.endsWith(part);
}
