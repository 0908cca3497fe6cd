import { describe, expect, it } from 'vitest';
import { foldSubstrings, foldText, matchesSubstrings } from '../../src/schema/text-fold.js';

describe('foldText', () => {
  it.each([
    ['Müller', 'muller'],
    ['Jörg', 'jorg'],
    ['Čapek', 'capek'],
    ['François', 'francois'],
    ['Straße', 'strasse'],
    ['STRAẞE', 'strasse'],
    ['Søren Ørsted', 'soren orsted'],
    ['Ægir', 'aegir'],
    ['Cœur', 'coeur'],
    ['Łukasz Łęcki', 'lukasz lecki'],
    ['Đorđe', 'dorde'],
    ['Ðóra', 'dora'],
    ['Þór', 'thor'],
    ['Kırşehir', 'kirsehir'],
    ['İstanbul', 'istanbul'],
    ['Ｍüller', 'muller'],
    ['ﬁnn', 'finn'],
    ['  Anna   Müller  ', 'anna muller'],
    ['Anna\t\nMüller', 'anna muller'],
    ['Anna\u00a0Müller', 'anna muller'],
    ['Mül\u00adler', 'muller'],
    ['anna muller', 'anna muller'],
    ['ANNA', 'anna'],
    ['', ''],
    ['   ', ''],
  ])('%j -> %j', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });

  it('returns an already folded ASCII value itself (no allocation on the fast path)', () => {
    const value = 'anna.muller@example.com';
    expect(foldText(value)).toBe(value);
  });

  it('folds precomposed and decomposed accents alike', () => {
    expect(foldText('Mu\u0308ller')).toBe(foldText('M\u00fcller'));
  });
});

describe('foldSubstrings and matchesSubstrings', () => {
  it.each([
    ['anna muller', 'Anna', [], undefined, true],
    ['anna muller', 'anna ', [], undefined, true],
    ['annabelle muller', 'anna ', [], undefined, false],
    ['anna muller', undefined, ['MÜL'], undefined, true],
    ['anna muller', undefined, [], 'Müller', true],
    ['anna muller', undefined, [], ' muller', true],
    ['anna muller', 'an', ['na', 'mu'], 'ler', true],
    ['anna muller', 'anna', ['anna'], undefined, false],
    ['abc', 'ab', [], 'bc', false],
    ['abcbc', 'ab', [], 'bc', true],
    ['anna muller', '  anna', [], 'muller  ', true],
  ] as const)('%j matches initial=%j any=%j final=%j: %s', (value, initial, any, final, expected) => {
    expect(matchesSubstrings(value, foldSubstrings(initial, any, final))).toBe(expected);
  });

  it('drops empty components', () => {
    expect(foldSubstrings('', ['', 'a'], '')).toEqual({ any: ['a'] });
  });

  it('drops components of spaces only where they cannot matter (start and end)', () => {
    expect(foldSubstrings('  ', ['a'], '  ')).toEqual({ any: ['a'] });
    expect(matchesSubstrings('anna muller', foldSubstrings(undefined, [' '], undefined))).toBe(true);
  });

  it.each([
    ['a NUL', undefined, ['\u0000'], undefined],
    ['a NUL as the initial component', '\u0000', [], undefined],
    ['a NUL as the final component', undefined, [], '\u0000'],
    ['controls', undefined, ['\u0001\u007f'], undefined],
    ['a soft hyphen', undefined, ['\u00ad'], undefined],
    ['a zero-width space', '\u200b', [], undefined],
    ['a lone combining mark', undefined, ['\u0308'], undefined],
  ] as const)(
    'a component of only characters that fold to nothing (%s) matches nothing, not everything',
    (_what, initial, any, final) => {
      const pattern = foldSubstrings(initial, any, final);
      for (const value of ['anna muller', 'a', '']) expect(matchesSubstrings(value, pattern)).toBe(false);
    },
  );

  it('still ignores those characters inside a component that holds letters', () => {
    expect(matchesSubstrings('muller', foldSubstrings('Mül\u00adl', [], undefined))).toBe(true);
    expect(matchesSubstrings('anna muller', foldSubstrings(undefined, ['a\u0000 m'], undefined))).toBe(true);
  });
});
