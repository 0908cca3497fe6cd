import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IDENTIFIER_FOLDING,
  foldIdentifier,
  foldSubstrings,
  foldText,
  matchesSubstrings,
  nameKeysOfIdentifierSubstrings,
} from '../../src/schema/text-fold.js';

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

describe('foldIdentifier (RFC 4518 for caseIgnoreMatch: case and space folded, accents kept)', () => {
  it.each([
    ['Jürgen@Firma.DE', 'jürgen@firma.de'],
    ['ju\u0308rgen@firma.de', 'jürgen@firma.de'],
    ['JÖRG', 'jörg'],
    ['Søren', 'søren'],
    ['STRAẞE', 'straße'],
    ['Straße', 'straße'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['Ｍail@x', 'mail@x'],
    ['  anna   berg  ', 'anna berg'],
    ['anna\t\nberg', 'anna berg'],
    ['an\u00adna', 'anna'],
    ['anna.mueller@example.com', 'anna.mueller@example.com'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(foldIdentifier(input)).toBe(expected);
  });

  it('keeps what names fold away: jürgen is not jurgen', () => {
    expect(foldIdentifier('jürgen')).not.toBe(foldIdentifier('jurgen'));
    expect(foldText('jürgen')).toBe(foldText('jurgen'));
  });

  it('folds substring components with their spaces, accents kept', () => {
    const pattern = foldSubstrings('JÜR', ['  gen '], '@FIRMA.de', IDENTIFIER_FOLDING);
    expect(pattern).toEqual({ initial: 'jür', any: [' gen '], final: '@firma.de' });
    expect(
      matchesSubstrings(
        foldIdentifier('Jürgen@firma.de'),
        foldSubstrings('jur', [], undefined, IDENTIFIER_FOLDING),
      ),
    ).toBe(false);
  });

  // What lets the replica keep one name-keyed index for identifiers too: whatever matches as an
  // identifier matches as a name, so the index's candidates are a superset.
  const tricky = fc.constantFrom(
    ...'aAuUüÜöÖoOsSßẞςσΣıIİiøØæÆ \t\u00a0\u00ad\u200b\u0308\u0301ǆǄﬁＡ@.-_'.split(''),
    'u\u0308',
    'x\u0308',
  );
  const text = fc.array(tricky, { maxLength: 8 }).map((chars) => chars.join(''));

  it('folds alike as names whatever folds alike as identifiers', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        if (foldIdentifier(a) === foldIdentifier(b)) expect(foldText(a)).toBe(foldText(b));
      }),
      { numRuns: 5000 },
    );
  });

  it('finds as names, by the key pattern, whatever an identifier substrings assertion finds', () => {
    const cuts = fc.tuple(fc.nat(9), fc.nat(9), fc.nat(9), fc.nat(9), fc.boolean());
    let matched = 0;
    fc.assert(
      fc.property(text, text, cuts, (value, noise, [i, j, k, l, upper]) => {
        // Parts cut from the value itself (re-cased, or noise), so that many of them match.
        const respell = (part: string): string => (upper ? part.toUpperCase() : part);
        const initial = respell(value.slice(0, i));
        const part = j % 3 === 0 ? noise : respell(value.slice(j, j + k));
        const final = respell(value.slice(value.length - l));
        const exact = foldSubstrings(initial, [part], final, IDENTIFIER_FOLDING);
        if (!matchesSubstrings(foldIdentifier(value), exact)) return;
        matched++;
        const keys = nameKeysOfIdentifierSubstrings(initial, [part], final);
        expect(matchesSubstrings(foldText(value), keys)).toBe(true);
      }),
      { numRuns: 20000 },
    );
    expect(matched).toBeGreaterThan(1000);
  });
});
