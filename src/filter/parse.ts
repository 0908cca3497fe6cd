/**
 * RFC 4515 string form -> Filter.
 *
 * Iterative with an explicit stack of open and/or/not sets, so any depth is safe. Values take `\xx`
 * hex escapes and raw UTF-8; the bytes they spell must be valid UTF-8, because the Filter AST holds
 * text and silently replacing bytes would change what a backend is asked. Empty `(&)` and `(|)` are
 * accepted (RFC 4526). A filter without the outer parentheses (`cn=x`) is read as `(cn=x)`, as
 * ldapsearch does. Errors are FilterSyntaxError with the 0-based position in the input.
 */
import type { Filter } from './ast.js';

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';

  constructor(
    readonly detail: string,
    /** 0-based index into the filter string where the problem was found. */
    readonly position: number,
  ) {
    super(`invalid LDAP filter: ${detail} at position ${position}`);
  }
}

type SetKind = 'and' | 'or' | 'not';

interface OpenSet {
  readonly kind: SetKind;
  readonly start: number;
  readonly children: Filter[];
}

const SET_KINDS: Readonly<Record<string, SetKind>> = { '&': 'and', '|': 'or', '!': 'not' };
/** Attribute descriptions (RFC 4512 descr or numericoid, with ;options); `_` tolerated as AD does. */
const ATTRIBUTE_CHAR = /[A-Za-z0-9.;_-]/;
const RULE_CHAR = /[A-Za-z0-9.\-_]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function parseFilter(text: string): Filter {
  const trimmed = text.trim();
  const lead = text.length - text.trimStart().length;
  if (trimmed === '') throw new FilterSyntaxError('empty filter', 0);
  if (trimmed.startsWith('(')) return new Parser(trimmed, lead).parse();
  // A bare item: positions still refer to the caller's string.
  return new Parser(`(${trimmed})`, lead - 1).parse();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    /** Added to positions in errors so they point into the caller's string. */
    private readonly shift: number,
  ) {}

  parse(): Filter {
    const stack: OpenSet[] = [];
    for (;;) {
      let done = this.openElement(stack);
      // Attach finished filters to their parents, closing every set that ends here.
      for (;;) {
        const top = stack.at(-1);
        if (done !== undefined) {
          if (top === undefined) return this.finish(done);
          top.children.push(done);
          done = undefined;
        } else if (top === undefined) {
          throw this.error("expected '('");
        }
        const next = this.text[this.pos];
        if (next === ')') {
          this.pos++;
          stack.pop();
          done = this.closeSet(top);
        } else if (next === '(') {
          if (top.kind === 'not' && top.children.length === 1)
            throw this.error("'!' takes exactly one filter");
          break;
        } else {
          throw this.error(next === undefined ? "missing ')'" : `expected '(' or ')', found '${next}'`);
        }
      }
    }
  }

  /** Reads `(` and either opens a set (returns undefined) or reads a whole item with its `)`. */
  private openElement(stack: OpenSet[]): Filter | undefined {
    if (this.text[this.pos] !== '(') throw this.error("expected '('");
    const start = this.pos++;
    const kind = SET_KINDS[this.text[this.pos] ?? ''];
    if (kind === undefined) return this.parseItem();
    this.pos++;
    stack.push({ kind, start, children: [] });
    return undefined;
  }

  private closeSet(set: OpenSet): Filter {
    if (set.kind !== 'not') return { type: set.kind, filters: set.children };
    const only = set.children[0];
    if (only === undefined) throw this.error("'!' takes exactly one filter", set.start);
    return { type: 'not', filter: only };
  }

  private finish(filter: Filter): Filter {
    if (this.pos !== this.text.length) throw this.error('unexpected text after the filter');
    return filter;
  }

  /** attr op value `)`, with the `(` already consumed. */
  private parseItem(): Filter {
    const attribute = this.readWhile(ATTRIBUTE_CHAR);
    const op = this.text[this.pos];
    if (op === ':') return this.parseExtensible(attribute);
    if (attribute === '') throw this.error('missing attribute description');
    if (op === '=') {
      this.pos++;
      return this.equalityOrSubstrings(attribute);
    }
    const type =
      op === '~' ? 'approx' : op === '>' ? 'greaterOrEqual' : op === '<' ? 'lessOrEqual' : undefined;
    if (type === undefined || this.text[this.pos + 1] !== '=') {
      throw this.error(
        op === undefined ? 'missing filter type' : `expected '=', '~=', '>=', '<=' or ':', found '${op}'`,
      );
    }
    this.pos += 2;
    return { type, attribute, value: this.readPlainValue() };
  }

  private equalityOrSubstrings(attribute: string): Filter {
    const start = this.pos;
    const parts = this.readValueParts();
    if (parts.length === 1) return { type: 'equality', attribute, value: parts[0]! };
    if (parts.length === 2 && parts[0] === '' && parts[1] === '') return { type: 'present', attribute };
    const initial = parts[0]!;
    const final = parts[parts.length - 1]!;
    const any = parts.slice(1, -1);
    const empty = any.indexOf('');
    if (empty >= 0) throw this.error("empty substring between two '*'", this.nthStar(start, empty + 1));
    return {
      type: 'substrings',
      attribute,
      ...(initial === '' ? {} : { initial }),
      any,
      ...(final === '' ? {} : { final }),
    };
  }

  /** `attr? (:dn)? (:rule)? := value`, positioned at the first `:`. */
  private parseExtensible(attribute: string): Filter {
    const start = this.pos;
    let dnAttributes = false;
    if (/^:dn:/i.test(this.text.slice(this.pos, this.pos + 4))) {
      dnAttributes = true;
      this.pos += 3;
    }
    let matchingRule: string | undefined;
    if (this.text[this.pos] === ':' && this.text[this.pos + 1] !== '=') {
      this.pos++;
      matchingRule = this.readWhile(RULE_CHAR);
      if (matchingRule === '') throw this.error('missing matching rule');
    }
    if (this.text[this.pos] !== ':' || this.text[this.pos + 1] !== '=') throw this.error("expected ':='");
    this.pos += 2;
    if (attribute === '' && matchingRule === undefined) {
      throw this.error('extensible match needs an attribute or a matching rule', start);
    }
    return {
      type: 'extensible',
      ...(matchingRule === undefined ? {} : { matchingRule }),
      ...(attribute === '' ? {} : { attribute }),
      value: this.readPlainValue(),
      dnAttributes,
    };
  }

  /** Position of the nth (0-based) unescaped `*` of the value starting at `start`. */
  private nthStar(start: number, nth: number): number {
    let at = start;
    for (let seen = -1; seen < nth; at++) if (this.text[at] === '*') seen++;
    return at - 1;
  }

  /** A value in which `*` is not allowed. */
  private readPlainValue(): string {
    const start = this.pos;
    const parts = this.readValueParts();
    if (parts.length > 1) throw this.error("unescaped '*' in a value that is not a substring", start);
    return parts[0]!;
  }

  /** The value up to and including `)`, split at unescaped `*`, each part unescaped. */
  private readValueParts(): string[] {
    const parts: string[] = [];
    let partStart = this.pos;
    let escaped = false;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) throw this.error("missing ')'");
      if (c === ')' || c === '*') {
        const segment = this.text.slice(partStart, this.pos);
        parts.push(escaped ? this.unescape(segment, partStart) : segment);
        this.pos++;
        partStart = this.pos;
        escaped = false;
        if (c === ')') return parts;
      } else if (c === '\\') {
        if (!/^[0-9A-Fa-f]{2}$/.test(this.text.slice(this.pos + 1, this.pos + 3))) {
          throw this.error("'\\' must be followed by two hex digits");
        }
        escaped = true;
        this.pos += 3;
      } else if (c === '(' || c === '\0') {
        throw this.error(`'${c === '(' ? c : '\\0'}' must be escaped in a value`);
      } else {
        this.pos++;
      }
    }
  }

  /** Replaces the (already validated) `\xx` escapes of a segment by their bytes, then reads UTF-8. */
  private unescape(segment: string, start: number): string {
    const source = Buffer.from(segment, 'utf8');
    const out = Buffer.allocUnsafe(source.length);
    let length = 0;
    for (let i = 0; i < source.length; i++) {
      const byte = source[i]!;
      if (byte === 0x5c) {
        out[length++] = parseInt(source.toString('latin1', i + 1, i + 3), 16);
        i += 2;
      } else {
        out[length++] = byte;
      }
    }
    try {
      return UTF8.decode(out.subarray(0, length));
    } catch {
      throw this.error('escaped bytes are not valid UTF-8', start);
    }
  }

  private readWhile(allowed: RegExp): string {
    const start = this.pos;
    while (this.pos < this.text.length && allowed.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private error(detail: string, at = this.pos): FilterSyntaxError {
    return new FilterSyntaxError(detail, at + this.shift);
  }
}
