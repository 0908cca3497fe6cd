import { describe, expect, it } from 'vitest';
import type { Filter } from '../../src/filter/ast.js';
import { parseFilter } from '../../src/filter/parse.js';
import { BerError } from '../../src/protocol/ber-error.js';
import { BerReader } from '../../src/protocol/ber-reader.js';
import { decodeFilter, FilterLimitError, type FilterLimits } from '../../src/protocol/filter-decoder.js';
import { encodeFilter } from '../../src/protocol/filter-encoder.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { decodeRequest } from '../../src/protocol/request-decoder.js';
import { encodeRequest } from '../../src/protocol/request-encoder.js';
import { fromHex } from './hex-fixtures.js';

const DEFAULTS: FilterLimits = { maxFilterDepth: 64, maxFilterNodes: 2048 };

function decode(ber: Uint8Array, limits: FilterLimits = DEFAULTS): Filter {
  const reader = new BerReader(ber);
  const filter = decodeFilter(reader, limits);
  reader.expectEnd('filter');
  return filter;
}

function limitError(decodeIt: () => unknown): FilterLimitError {
  try {
    decodeIt();
  } catch (error) {
    expect(error).toBeInstanceOf(FilterLimitError);
    return error as FilterLimitError;
  }
  throw new Error('expected a FilterLimitError');
}

/** Minimal BER length octets. */
function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return [0x80 | octets.length, ...octets];
}

/** `(!(!(...(cn=*)...)))` with `nots` NOTs, built straight as bytes (no recursion, no encoder). */
function nestedNots(nots: number): Uint8Array {
  const leaf = [0x87, 0x02, 0x63, 0x6e];
  const lengths: number[] = [];
  let inner = leaf.length;
  for (let i = 0; i < nots; i++) {
    lengths.push(inner);
    inner += 1 + lengthOctets(inner).length;
  }
  const out = new Uint8Array(inner);
  let at = 0;
  for (let i = nots - 1; i >= 0; i--) {
    out[at++] = 0xa2;
    for (const octet of lengthOctets(lengths[i]!)) out[at++] = octet;
  }
  out.set(leaf, at);
  return out;
}

/** Depth of a filter, iteratively (the 10,000-deep AST would overflow a recursive walk). */
function depthOf(filter: Filter): number {
  let deepest = 0;
  const work: [Filter, number][] = [[filter, 1]];
  while (work.length > 0) {
    const [node, depth] = work.pop()!;
    deepest = Math.max(deepest, depth);
    if (node.type === 'not') work.push([node.filter, depth + 1]);
    if (node.type === 'and' || node.type === 'or')
      for (const child of node.filters) work.push([child, depth + 1]);
  }
  return deepest;
}

describe('filter depth limit', () => {
  it.each([
    ['a lone leaf', '(cn=x)', 1],
    ['one NOT', '(!(cn=x))', 2],
    ['and inside or', '(|(&(a=1)(b=2))(c=3))', 3],
    ['three NOTs', '(!(!(!(cn=*))))', 4],
    ['an empty and', '(&)', 1],
  ])('%s is depth %i: passes at that limit, fails one below', (_, text, depth) => {
    const ber = encodeFilter(parseFilter(text));
    expect(decode(ber, { maxFilterDepth: depth, maxFilterNodes: 100 })).toEqual(parseFilter(text));
    const error = limitError(() => decode(ber, { maxFilterDepth: depth - 1, maxFilterNodes: 100 }));
    expect(error.limit).toBe('maxFilterDepth');
    expect(error.configured).toBe(depth - 1);
    expect(error.message).toBe(`search filter exceeds maxFilterDepth (${depth - 1})`);
  });

  it('rejects a 10,000-deep NOT chain with FilterLimitError, not RangeError', () => {
    const error = limitError(() => decode(nestedNots(10_000)));
    expect(error.limit).toBe('maxFilterDepth');
  });

  it('decodes a 10,000-deep NOT chain when the limits allow it, without recursion', () => {
    const filter = decode(nestedNots(10_000), { maxFilterDepth: 10_001, maxFilterNodes: 10_001 });
    expect(depthOf(filter)).toBe(10_001);
    expect(Buffer.from(encodeFilter(filter)).equals(nestedNots(10_000))).toBe(true);
  });
});

describe('filter node limit', () => {
  const ors = (count: number): Filter => ({
    type: 'or',
    filters: Array.from({ length: count }, (_, i) => ({
      type: 'equality',
      attribute: 'uid',
      value: `u${i}`,
    })),
  });

  it('decodes 1,000 ORs under the default node limit', () => {
    const filter = ors(1000);
    expect(decode(encodeFilter(filter))).toEqual(filter);
  });

  it.each([
    [1, '(cn=x)'],
    [3, '(&(a=1)(b=2))'],
    [4, '(|(a=1)(!(b=2)))'],
    [5, '(&(a=1)(|(b=2)(c=3)))'],
  ])('counts %i nodes in %s: passes at that limit, fails one below', (nodes, text) => {
    const ber = encodeFilter(parseFilter(text));
    expect(decode(ber, { maxFilterDepth: 10, maxFilterNodes: nodes })).toEqual(parseFilter(text));
    const error = limitError(() => decode(ber, { maxFilterDepth: 10, maxFilterNodes: nodes - 1 }));
    expect(error.limit).toBe('maxFilterNodes');
    expect(error.configured).toBe(nodes - 1);
  });

  it('stops a huge flat OR at the limit', () => {
    expect(limitError(() => decode(encodeFilter(ors(5000)))).limit).toBe('maxFilterNodes');
  });

  it('carries the messageID of the search out of decodeRequest', () => {
    const frame = encodeRequest({
      messageId: 42,
      controls: [],
      request: {
        type: 'search',
        baseObject: '',
        scope: 'sub',
        derefAliases: 'never',
        sizeLimit: 0,
        timeLimit: 0,
        typesOnly: false,
        filter: ors(3000),
        attributes: [],
      },
    });
    const error = limitError(() => decodeRequest(frame, DEFAULTS));
    expect(error.messageId).toBe(42);
    expect(error.limit).toBe('maxFilterNodes');
  });
});

describe('filter structure', () => {
  it('accepts empty and/or (RFC 4526 absolute true and false)', () => {
    expect(decode(fromHex('a000'))).toEqual({ type: 'and', filters: [] });
    expect(decode(fromHex('a100'))).toEqual({ type: 'or', filters: [] });
  });

  it.each([
    ['an empty NOT', 'a200', /not: contains no filter/],
    ['a NOT with two filters', 'a208 8702636e 8702736e', /not: contains more than one filter/],
    ['an unknown filter tag', 'aa00', /unknown filter tag 0xaa/],
    ['present in constructed form', 'a704 0402636e', /unknown filter tag 0xa7/],
    ['substrings without components', 'a406 0402636e 3000', /no initial, any or final/],
    ['initial after any', 'a40c 0402636e 3006 810161 800162', /initial must be the first/],
    ['two initials', 'a40c 0402636e 3006 800161 800162', /initial must be the first/],
    ['final before any', 'a40c 0402636e 3006 820161 810162', /final must be the last/],
    ['two finals', 'a40c 0402636e 3006 820161 820162', /final must be the last/],
    ['an unknown substring tag', 'a409 0402636e 3003 830161', /unknown component tag 0x83/],
    ['extensible without rule or type', 'a903 830178', /neither matchingRule nor type/],
    ['extensible without matchValue', 'a904 8202636e', /matchValue: missing/],
    ['equality without value', 'a304 0402636e', /assertionValue: missing/],
    ['a truncated filter', 'a305 0402636e', /exceeds the 4 bytes available/],
  ])('rejects %s with BerError', (_, hex, message) => {
    let caught: unknown;
    try {
      decode(fromHex(hex));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BerError);
    expect((caught as BerError).message).toMatch(message);
  });

  it('accepts substrings with only any components, and all three kinds in order', () => {
    expect(decode(fromHex('a40f 0402636e 3009 810161 810162 810163'))).toEqual({
      type: 'substrings',
      attribute: 'cn',
      any: ['a', 'b', 'c'],
    });
    expect(decode(fromHex('a40f 0402636e 3009 800161 810162 820163'))).toEqual({
      type: 'substrings',
      attribute: 'cn',
      initial: 'a',
      any: ['b'],
      final: 'c',
    });
  });

  it('reads dnAttributes FALSE when a client sends the default explicitly', () => {
    expect(decode(fromHex('a90a 8202636e 830178 840100'))).toEqual({
      type: 'extensible',
      attribute: 'cn',
      value: 'x',
      dnAttributes: false,
    });
  });

  it('turns a bad filter inside a search into a ProtocolError for that search', () => {
    const good = encodeRequest({
      messageId: 7,
      controls: [],
      request: {
        type: 'search',
        baseObject: '',
        scope: 'base',
        derefAliases: 'never',
        sizeLimit: 0,
        timeLimit: 0,
        typesOnly: false,
        filter: { type: 'present', attribute: 'cn' },
        attributes: [],
      },
    });
    const bad = Uint8Array.from(good);
    bad[bad.indexOf(0x87)] = 0x8f;
    let caught: unknown;
    try {
      decodeRequest(bad, DEFAULTS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect(caught).toMatchObject({ messageId: 7, operation: 'search' });
    expect((caught as ProtocolError).cause).toBeInstanceOf(BerError);
  });
});

describe('filter encode/decode round trips', () => {
  it.each([
    '(objectClass=*)',
    '(|(cn=*abc*)(sn=*abc*))',
    '(&(objectCategory=person)(objectClass=user))',
    '(telephoneNumber=+49 30 1234*)',
    '(cn~=mull)',
    '(cn>=m)',
    '(cn<=m)',
    '(!(cn=x))',
    '(cn:caseExactMatch:=x)',
    '(:dn:2.5.13.5:=y)',
    '(cn:dn:=z)',
    '(userAccountControl:1.2.840.113556.1.4.803:=2)',
    '(cn=\\2a\\28\\29\\5c\\00)',
    '(sn=Müller)',
    '(cn=a*b*c*d)',
    '(&(|)(&)(!(&)))',
  ])('%s', (text) => {
    const filter = parseFilter(text);
    expect(decode(encodeFilter(filter))).toEqual(filter);
  });
});
