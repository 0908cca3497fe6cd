/**
 * BER Filter (RFC 4511 section 4.5.1) -> Filter AST.
 *
 * Iterative with an explicit stack of open and/or/not sets, so a filter nested 10,000 deep costs
 * heap, not call stack; the depth and node limits are checked before each element is decoded.
 * Depth counts filter elements from the root: `(cn=x)` is depth 1, `(!(cn=x))` depth 2.
 * Nodes count every filter element: and/or/not and each leaf.
 */
import type { Filter } from '../filter/ast.js';
import { BerError } from './ber-error.js';
import { hex, type BerReader } from './ber-reader.js';

/** Context-specific tags of the Filter CHOICE. */
export const FilterTag = {
  and: 0xa0,
  or: 0xa1,
  not: 0xa2,
  equality: 0xa3,
  substrings: 0xa4,
  greaterOrEqual: 0xa5,
  lessOrEqual: 0xa6,
  present: 0x87,
  approx: 0xa8,
  extensible: 0xa9,
} as const;

/** Tags inside SubstringFilter and MatchingRuleAssertion. */
export const SubstringTag = { initial: 0x80, any: 0x81, final: 0x82 } as const;
export const ExtensibleTag = {
  matchingRule: 0x81,
  type: 0x82,
  matchValue: 0x83,
  dnAttributes: 0x84,
} as const;

export interface FilterLimits {
  /** Deepest nesting accepted; a lone `(cn=x)` is depth 1. */
  readonly maxFilterDepth: number;
  /** Most filter elements accepted (and/or/not count as one each, like every leaf). */
  readonly maxFilterNodes: number;
}

export type FilterLimitName = keyof FilterLimits;

/** A filter beyond the configured limits: the server answers the search with adminLimitExceeded (11). */
export class FilterLimitError extends Error {
  override readonly name = 'FilterLimitError';

  constructor(
    readonly limit: FilterLimitName,
    readonly configured: number,
    /** Set by decodeRequest: the search that carried the filter. */
    readonly messageId?: number,
  ) {
    super(`search filter exceeds ${limit} (${configured})`);
  }

  withMessageId(messageId: number): FilterLimitError {
    return new FilterLimitError(this.limit, this.configured, messageId);
  }
}

type SetKind = 'and' | 'or' | 'not';

interface OpenSet {
  readonly kind: SetKind;
  readonly reader: BerReader;
  readonly children: Filter[];
}

const SET_KINDS = new Map<number, SetKind>([
  [FilterTag.and, 'and'],
  [FilterTag.or, 'or'],
  [FilterTag.not, 'not'],
]);

/** Reads exactly one Filter element from `reader`, leaving it positioned after that element. */
export function decodeFilter(reader: BerReader, limits: FilterLimits): Filter {
  const stack: OpenSet[] = [];
  let source = reader;
  let nodes = 0;
  for (;;) {
    if (++nodes > limits.maxFilterNodes) throw new FilterLimitError('maxFilterNodes', limits.maxFilterNodes);
    if (stack.length >= limits.maxFilterDepth)
      throw new FilterLimitError('maxFilterDepth', limits.maxFilterDepth);
    const at = source.offset;
    const tag = source.peekTag();
    if (tag === undefined) throw new BerError('filter: missing (end of data)', at);
    const kind = SET_KINDS.get(tag);
    let done: Filter;
    if (kind === undefined) {
      done = decodeLeaf(source, tag);
    } else {
      const content = source.readSequence(`filter ${kind}`, tag);
      if (content.hasMore()) {
        stack.push({ kind, reader: content, children: [] });
        source = content;
        continue;
      }
      if (kind === 'not') throw new BerError('filter not: contains no filter', at);
      // RFC 4526: an empty and is absolute true, an empty or absolute false.
      done = { type: kind, filters: [] };
    }
    // Attach the finished filter to its parent, closing every set it completes.
    for (;;) {
      const top = stack.at(-1);
      if (top === undefined) return done;
      top.children.push(done);
      if (top.reader.hasMore()) {
        if (top.kind === 'not')
          throw new BerError('filter not: contains more than one filter', top.reader.offset);
        source = top.reader;
        break;
      }
      stack.pop();
      done =
        top.kind === 'not'
          ? { type: 'not', filter: top.children[0]! }
          : { type: top.kind, filters: top.children };
    }
  }
}

function decodeLeaf(source: BerReader, tag: number): Filter {
  switch (tag) {
    case FilterTag.equality:
      return { type: 'equality', ...decodeAssertion(source, 'equalityMatch', tag) };
    case FilterTag.greaterOrEqual:
      return { type: 'greaterOrEqual', ...decodeAssertion(source, 'greaterOrEqual', tag) };
    case FilterTag.lessOrEqual:
      return { type: 'lessOrEqual', ...decodeAssertion(source, 'lessOrEqual', tag) };
    case FilterTag.approx:
      return { type: 'approx', ...decodeAssertion(source, 'approxMatch', tag) };
    case FilterTag.present:
      return { type: 'present', attribute: source.readString('filter present', tag) };
    case FilterTag.substrings:
      return decodeSubstrings(source.readSequence('filter substrings', tag));
    case FilterTag.extensible:
      return decodeExtensible(source.readSequence('filter extensibleMatch', tag));
    default:
      throw new BerError(`filter: unknown filter tag ${hex(tag)}`, source.offset);
  }
}

function decodeAssertion(source: BerReader, what: string, tag: number): { attribute: string; value: string } {
  const ava = source.readSequence(`filter ${what}`, tag);
  const attribute = ava.readString(`${what} attributeDesc`);
  const value = ava.readString(`${what} assertionValue`);
  return { attribute, value };
}

function decodeSubstrings(reader: BerReader): Filter {
  const attribute = reader.readString('substrings type');
  const list = reader.readSequence('substrings list');
  if (!list.hasMore()) throw new BerError('substrings: no initial, any or final component', list.offset);
  let initial: string | undefined;
  let final: string | undefined;
  const any: string[] = [];
  let first = true;
  while (list.hasMore()) {
    const at = list.offset;
    if (final !== undefined) throw new BerError('substrings: final must be the last component', at);
    const tag = list.peekTag()!;
    if (tag === SubstringTag.initial) {
      if (!first) throw new BerError('substrings: initial must be the first component', at);
      initial = list.readString('substrings initial', tag);
    } else if (tag === SubstringTag.any) {
      any.push(list.readString('substrings any', tag));
    } else if (tag === SubstringTag.final) {
      final = list.readString('substrings final', tag);
    } else {
      throw new BerError(`substrings: unknown component tag ${hex(tag)}`, at);
    }
    first = false;
  }
  return {
    type: 'substrings',
    attribute,
    ...(initial === undefined ? {} : { initial }),
    any,
    ...(final === undefined ? {} : { final }),
  };
}

function decodeExtensible(reader: BerReader): Filter {
  const at = reader.offset;
  const matchingRule = optionalString(reader, ExtensibleTag.matchingRule, 'extensibleMatch matchingRule');
  const attribute = optionalString(reader, ExtensibleTag.type, 'extensibleMatch type');
  // RFC 4511 4.5.1.7.7: without a matching rule the type is required.
  if (matchingRule === undefined && attribute === undefined) {
    throw new BerError('extensibleMatch: neither matchingRule nor type', at);
  }
  const value = reader.readString('extensibleMatch matchValue', ExtensibleTag.matchValue);
  const dnAttributes =
    reader.peekTag() === ExtensibleTag.dnAttributes &&
    reader.readBoolean('extensibleMatch dnAttributes', ExtensibleTag.dnAttributes);
  return {
    type: 'extensible',
    ...(matchingRule === undefined ? {} : { matchingRule }),
    ...(attribute === undefined ? {} : { attribute }),
    value,
    dnAttributes,
  };
}

function optionalString(reader: BerReader, tag: number, what: string): string | undefined {
  return reader.peekTag() === tag ? reader.readString(what, tag) : undefined;
}
