/**
 * The suffix order of number keys and its codes: the keys ending with a suffix are one range of
 * the order, found by the codes alone, the same keys a walk of the strings finds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_DEPTH, suffixCodes, suffixOrder, suffixRange } from '../../src/replica/suffix-order.js';

const dial = fc.constantFrom(...'0123456789*#'.split(''), '1', '2', '0');
const key = fc.array(dial, { minLength: 1, maxLength: 14 }).map((chars) => chars.join(''));

describe('suffix codes', () => {
  it('find exactly the keys ending with a suffix of up to CODE_DEPTH characters, and a superset for longer ones', () => {
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 300 }), key, (unsorted, asked) => {
        const keys = [...unsorted].sort();
        const bySuffix = suffixOrder(keys, undefined);
        const codes = suffixCodes(keys, bySuffix)!;
        expect(codes).toBeDefined();
        for (let i = 1; i < codes.length; i++) expect(codes[i]!).toBeGreaterThanOrEqual(codes[i - 1]!);
        // A suffix of a stored key as often as a made-up one.
        const pick = keys[asked.length % keys.length]!;
        for (const suffix of [asked, pick.slice(-1 - (asked.length % pick.length))]) {
          const [from, to] = suffixRange(codes, suffix)!;
          const found = Array.from(bySuffix.subarray(from, to), (k) => keys[k]!);
          const ending = keys.filter((k) => k.endsWith(suffix));
          if (suffix.length <= CODE_DEPTH) expect(found.sort()).toEqual(ending);
          else expect(found).toEqual(expect.arrayContaining(ending));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('cannot code keys or suffixes with other characters', () => {
    const keys = ['123', 'abc'];
    expect(suffixCodes(keys, suffixOrder(keys, undefined))).toBeUndefined();
    const digits = ['123', '456'];
    expect(suffixRange(suffixCodes(digits, suffixOrder(digits, undefined))!, 'x3')).toBeUndefined();
  });
});
