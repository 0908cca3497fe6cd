/**
 * The OData `$filter` subset an admin writes to choose Graph users, read into a tree.
 *
 * Grammar, loosest first (OData's precedence, with a comparison binding tighter than `not`, so
 * `not mail eq 'x'` is `not (mail eq 'x')`, the only reading that means anything here):
 *
 *     or      := and ('or' and)*
 *     and     := unary ('and' unary)*
 *     unary   := 'not' unary | '(' or ')' | term
 *     term    := path op literal | path 'in' '(' literal (',' literal)* ')'
 *              | ('startswith' | 'endswith') '(' path ',' string ')'
 *              | path '/' ('any' | 'all') '(' [name ':' or] ')'
 *     path    := name ('/' name)*
 *
 * Keywords and function names are read without regard to case (`startsWith`, `AND`), as Graph does.
 * `and`/`or` chains become one node with a list of operands, so the tree is only as deep as the
 * nesting of parentheses, `not` and lambdas, which MAX_FILTER_DEPTH caps: neither parsing nor
 * evaluation can recurse without bound.
 */
import {
  clip,
  failAt,
  ODataFilterError,
  tokenize,
  type Punctuation,
  type Token,
} from './odata-filter-tokens.js';
import type { ComparisonOperator, ODataFilter, ODataLiteral, ODataPath } from './odata-filter-tree.js';

/** Longest filter read: Graph takes advanced queries of at most 2,048 characters of URL, so no real filter is near. */
export const MAX_FILTER_LENGTH = 4096;
/** Deepest nesting of parentheses, `not` and lambdas: far beyond anything written by hand. */
export const MAX_FILTER_DEPTH = 32;

const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const VALUE_HINT = "a value ('text', a number, true, false, null, a date or a GUID)";

/** Reads a filter, or throws ODataFilterError naming the position and what was expected there. */
export function parseODataFilter(text: string): ODataFilter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw failAt(MAX_FILTER_LENGTH, `the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  return new Parser(tokenize(text)).parse();
}

export { ODataFilterError };

class Parser {
  #at = 0;
  #depth = 0;
  /** Lambda variables in scope, innermost last. */
  readonly #variables: string[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): ODataFilter {
    if (this.#peek().type === 'end') throw failAt(0, 'the filter is empty');
    const filter = this.#or();
    const next = this.#peek();
    if (next.type !== 'end')
      throw failAt(next.at, `expected 'and', 'or' or the end of the filter, found ${describe(next)}`);
    return filter;
  }

  #or(): ODataFilter {
    const operands = [this.#and()];
    while (this.#takeKeyword('or')) operands.push(this.#and());
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  #and(): ODataFilter {
    const operands = [this.#unary()];
    while (this.#takeKeyword('and')) operands.push(this.#unary());
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  #unary(): ODataFilter {
    const token = this.#peek();
    if (isKeyword(token, 'not')) {
      this.#at++;
      return this.#nested(token, () => ({ kind: 'not', operand: this.#unary() }));
    }
    if (isPunctuation(token, '(')) {
      this.#at++;
      return this.#nested(token, () => {
        const inner = this.#or();
        this.#expect(')', `to close the '(' at ${token.at + 1}`);
        return inner;
      });
    }
    return this.#term();
  }

  #term(): ODataFilter {
    const first = this.#peek();
    if (first.type !== 'name') {
      throw failAt(first.at, `expected a property name, a function or '(', found ${describe(first)}`);
    }
    this.#at++;
    if (isPunctuation(this.#peek(), '(')) return this.#call(first);
    const properties = [first.text];
    while (isPunctuation(this.#peek(), '/')) {
      const segment = this.#segmentAfterSlash();
      const quantifier = segment.text.toLowerCase();
      if ((quantifier === 'any' || quantifier === 'all') && isPunctuation(this.#peek(), '(')) {
        return this.#lambda(quantifier, this.#path(properties), segment);
      }
      properties.push(segment.text);
    }
    return this.#operation(this.#path(properties), properties.join('/'));
  }

  /** What follows a path: a comparison or `in`. */
  #operation(path: ODataPath, written: string): ODataFilter {
    const token = this.#peek();
    const op = token.type === 'name' ? token.text.toLowerCase() : '';
    if (op === 'in') {
      this.#at++;
      return { kind: 'in', path, values: this.#list() };
    }
    if (!COMPARISONS.has(op)) {
      throw failAt(
        token.at,
        `expected eq, ne, gt, ge, lt, le or in after '${clip(written)}', found ${describe(token)}`,
      );
    }
    this.#at++;
    const valueToken = this.#peek();
    const value = this.#literal();
    if (op !== 'eq' && op !== 'ne' && (value.kind === 'null' || value.kind === 'boolean')) {
      throw failAt(valueToken.at, `${op} cannot compare with ${describe(valueToken)}: only eq and ne can`);
    }
    return { kind: 'compare', op: op as ComparisonOperator, path, value };
  }

  #call(name: Extract<Token, { type: 'name' }>): ODataFilter {
    const kind = name.text.toLowerCase();
    if (kind === 'contains') {
      throw failAt(
        name.at,
        'Graph does not support contains() on directory objects such as users: use startswith() or endswith()',
      );
    }
    if (kind !== 'startswith' && kind !== 'endswith') {
      throw failAt(name.at, `unknown function '${clip(name.text)}': use startswith() or endswith()`);
    }
    this.#expect('(', '');
    const path = this.#plainPath();
    this.#expect(',', `after the property in ${kind}()`);
    const value = this.#peek();
    if (value.type !== 'literal' || value.value.kind !== 'string') {
      throw failAt(
        value.at,
        `expected a 'quoted string' as the second argument of ${kind}(), found ${describe(value)}`,
      );
    }
    if (value.value.value === '') throw failAt(value.at, `${kind}() needs a non-empty string, as Graph does`);
    this.#at++;
    this.#expect(')', `to close ${kind}(`);
    return { kind, path, value: value.value.value };
  }

  /** `collection/any(x: body)`, `collection/all(x: body)`, or `collection/any()`. */
  #lambda(quantifier: 'any' | 'all', path: ODataPath, name: Token): ODataFilter {
    const open = this.#next();
    if (quantifier === 'any' && isPunctuation(this.#peek(), ')')) {
      this.#at++;
      return { kind: 'any', path };
    }
    const variable = this.#peek();
    if (variable.type !== 'name') {
      throw failAt(
        variable.at,
        `expected a variable name, as in ${quantifier}(x:x eq 'a'), found ${describe(variable)}`,
      );
    }
    this.#at++;
    this.#expect(':', `after the variable '${clip(variable.text)}'`);
    return this.#nested(name, () => {
      this.#variables.push(variable.text);
      const body = this.#or();
      this.#variables.pop();
      this.#expect(')', `to close the ${quantifier}( at ${open.at + 1}`);
      return { kind: quantifier, path, variable: variable.text, body };
    });
  }

  /**
   * Reads the `/` and the name after it. OData allows no space around `/`, and refusing it keeps
   * `mail/ eq 'x'` from reading as a property named `eq`.
   */
  #segmentAfterSlash(): Extract<Token, { type: 'name' }> {
    const slash = this.#next();
    const segment = this.#peek();
    if (segment.type !== 'name' || segment.at !== slash.at + 1) {
      throw failAt(slash.at + 1, `expected a property name right after '/', found ${describe(segment)}`);
    }
    this.#at++;
    return segment;
  }

  /** A path without lambdas, as a function's argument. */
  #plainPath(): ODataPath {
    const first = this.#peek();
    if (first.type !== 'name') throw failAt(first.at, `expected a property name, found ${describe(first)}`);
    this.#at++;
    const properties = [first.text];
    while (isPunctuation(this.#peek(), '/')) properties.push(this.#segmentAfterSlash().text);
    return this.#path(properties);
  }

  /** Binds the path's first name to the innermost lambda variable of that name (in any case). */
  #path(names: readonly string[]): ODataPath {
    const first = names[0]!.toLowerCase();
    const variable = this.#variables.findLast((name) => name.toLowerCase() === first);
    return variable === undefined ? { properties: names } : { variable, properties: names.slice(1) };
  }

  #list(): ODataLiteral[] {
    this.#expect('(', 'after in');
    const values = [this.#literal()];
    while (isPunctuation(this.#peek(), ',')) {
      this.#at++;
      values.push(this.#literal());
    }
    this.#expect(')', 'to close the list');
    return values;
  }

  #literal(): ODataLiteral {
    const token = this.#next();
    if (token.type === 'literal') return token.value;
    if (token.type === 'name') {
      const word = token.text.toLowerCase();
      if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
      if (word === 'null') return { kind: 'null' };
    }
    throw failAt(token.at, `expected ${VALUE_HINT}, found ${describe(token)}`);
  }

  /** Runs a nested part of the grammar, refusing to go deeper than MAX_FILTER_DEPTH. */
  #nested<T>(opener: Token, read: () => T): T {
    if (++this.#depth > MAX_FILTER_DEPTH) {
      throw failAt(opener.at, `the filter nests deeper than ${MAX_FILTER_DEPTH} levels`);
    }
    const result = read();
    this.#depth--;
    return result;
  }

  #expect(punctuation: Punctuation, why: string): void {
    const token = this.#peek();
    if (!isPunctuation(token, punctuation)) {
      const purpose = why === '' ? '' : ` ${why}`;
      throw failAt(token.at, `expected '${punctuation}'${purpose}, found ${describe(token)}`);
    }
    this.#at++;
  }

  #takeKeyword(keyword: string): boolean {
    if (!isKeyword(this.#peek(), keyword)) return false;
    this.#at++;
    return true;
  }

  #peek(): Token {
    // The last token is always 'end', and nothing reads past it.
    return this.tokens[Math.min(this.#at, this.tokens.length - 1)]!;
  }

  #next(): Token {
    const token = this.#peek();
    this.#at++;
    return token;
  }
}

function isKeyword(token: Token, keyword: string): boolean {
  return token.type === 'name' && token.text.toLowerCase() === keyword;
}

function isPunctuation(token: Token, punctuation: Punctuation): boolean {
  return token.type === 'punctuation' && token.text === punctuation;
}

/** A token as a message quotes it; a string literal already has its quotes. */
function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the filter';
  const quoted = token.type === 'literal' && token.value.kind === 'string' && token.text.startsWith("'");
  return quoted ? clip(token.text) : `'${clip(token.text)}'`;
}
