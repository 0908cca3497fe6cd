/**
 * A KeyTable answers on code units what its strings would answer: JS string order (code unit by
 * code unit, also past ASCII and for surrogates), prefixes, suffixes and substring patterns, and
 * decodes each key back to its string.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyTable, KeyTableBuilder } from '../../src/replica/key-table.js';
import { matchesSubstrings, type SubstringPattern } from '../../src/schema/text-fold.js';

/** Short strings over a small alphabet of ASCII, Latin-1, wider BMP characters and an astral one. */
const text = fc
  .array(
    fc.constantFrom('a', 'b', 'z', 'A', '0', ' ', 'ä', 'ö', 'ß', 'é', 'Ł', 'ę', 'Ω', '中', '😀', '\ud800'),
    {
      maxLength: 6,
    },
  )
  .map((chars) => chars.join(''));
const sortedKeys = fc.uniqueArray(text, { maxLength: 60 }).map((keys) => [...keys].sort());
const pattern: fc.Arbitrary<SubstringPattern> = fc.record(
  {
    initial: text.filter((part) => part !== ''),
    any: fc.array(
      text.filter((part) => part !== ''),
      { maxLength: 2 },
    ),
    final: text.filter((part) => part !== ''),
  },
  { requiredKeys: ['any'] },
);

describe('KeyTable', () => {
  it('orders, finds and decodes keys as their strings do', () => {
    fc.assert(
      fc.property(sortedKeys, text, (keys, asked) => {
        const table = KeyTable.of(keys);
        expect(table.length).toBe(keys.length);
        expect(keys.map((_, k) => table.at(k))).toEqual(keys);
        const bound = keys.findIndex((key) => !(key < asked));
        expect(table.lowerBound(asked)).toBe(bound < 0 ? keys.length : bound);
        keys.forEach((key, k) => {
          expect(Math.sign(table.compare(k, asked))).toBe(key < asked ? -1 : key > asked ? 1 : 0);
          expect(table.equals(k, asked)).toBe(key === asked);
          expect(table.startsWith(k, asked)).toBe(key.startsWith(asked));
          expect(table.endsWith(k, asked)).toBe(key.endsWith(asked));
          expect(table.lengthOf(k)).toBe(key.length);
          for (let i = 0; i < key.length; i++) expect(table.charCodeAt(k, i)).toBe(key.charCodeAt(i));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('matches substring patterns as matchesSubstrings matches the key', () => {
    fc.assert(
      fc.property(sortedKeys, pattern, (keys, asked) => {
        const table = KeyTable.of(keys);
        keys.forEach((key, k) => expect(table.matches(k, asked)).toBe(matchesSubstrings(key, asked)));
      }),
      { numRuns: 500 },
    );
  });

  it('compares keys of two tables, and builds a table from other tables’ keys', () => {
    fc.assert(
      fc.property(sortedKeys, sortedKeys, (a, b) => {
        const left = KeyTable.of(a);
        const right = KeyTable.of(b);
        a.forEach((x, i) =>
          b.forEach((y, j) =>
            expect(Math.sign(KeyTable.compareKeys(left, i, right, j))).toBe(x < y ? -1 : x > y ? 1 : 0),
          ),
        );
        const builder = new KeyTableBuilder(1);
        a.forEach((_, i) => builder.pushKey(left, i));
        b.forEach((_, j) => builder.pushKey(right, j));
        const built = builder.build();
        expect(Array.from({ length: built.length }, (_, k) => built.at(k))).toEqual([...a, ...b]);
        expect(built.units.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(built.starts.buffer).toBeInstanceOf(SharedArrayBuffer);
      }),
      { numRuns: 200 },
    );
  });

  it('holds the empty key, first in order, and an empty table', () => {
    const table = KeyTable.of(['', 'a', 'ab']);
    expect(table.at(0)).toBe('');
    expect(table.lengthOf(0)).toBe(0);
    expect(table.lowerBound('')).toBe(0);
    expect(table.equals(0, '')).toBe(true);
    expect(table.startsWith(0, '')).toBe(true);
    expect(table.startsWith(0, 'a')).toBe(false);
    expect(table.matches(0, { any: [] })).toBe(true);
    expect(table.matches(0, { initial: 'a', any: [] })).toBe(false);
    expect(table.lowerBound('aa')).toBe(2);
    expect(KeyTable.EMPTY.length).toBe(0);
    expect(KeyTable.EMPTY.lowerBound('x')).toBe(0);
  });

  it('decodes a key longer than one decoding chunk', () => {
    const long = 'ü'.repeat(10_000) + 'x';
    expect(KeyTable.of(['a', long]).at(1)).toBe(long);
  });

  it('keeps non-ASCII keys in JS string order, not by code point or byte', () => {
    // U+FF21 sorts after a surrogate pair's lead unit (U+D83D) in UTF-16, before it by code point.
    const keys = ['z', 'é', '中', '😀', 'Ａ'].sort();
    const table = KeyTable.of(keys);
    expect(keys).toEqual(['z', 'é', '中', '😀', 'Ａ']);
    expect(table.lowerBound('Ａ')).toBe(4);
    expect(table.lowerBound('😀')).toBe(3);
    expect(table.compare(3, 'Ａ')).toBeLessThan(0);
  });
});
