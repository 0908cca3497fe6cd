import { describe, expect, it } from 'vitest';
import { PhoneNumbers } from '../../src/schema/phone-number.js';

const phones = new PhoneNumbers('DE');
const equal = (a: string, b: string): boolean => phones.equals(phones.read(a), phones.read(b));
const substrings = (
  value: string,
  initial: string | undefined,
  any: readonly string[],
  final?: string,
): boolean => phones.matchesSubstrings(phones.read(value), phones.substrings(initial, any, final));

const BERLIN = ['+49 30 1234567-12', '0049301234567 12', '030/1234567-12', '030 1234567-12'];

describe('PhoneNumbers.read', () => {
  it.each(BERLIN)('reads %j as +49 30 123456712 (the -12 is part of the German number)', (value) => {
    const forms = phones.read(value);
    expect(forms.e164).toBe('4930123456712');
    expect(forms.keys).toEqual(expect.arrayContaining(['4930123456712', '30123456712', '030123456712']));
  });

  it.each([
    ['+49 (0)30 1234567-12', '4930123456712'],
    ['(030) 1234567-12', '4930123456712'],
    ['0151 123456789', '49151123456789'],
    ['+1 (212) 555-0100', '12125550100'],
    ['001 212 555 0100', '12125550100'],
    ['+49 30 1234567 ext. 12', '4930123456712'],
  ])('reads %j as %s', (value, e164) => {
    expect(phones.read(value).e164).toBe(e164);
  });

  it.each(['1234', '30123', '*21#', '0301', '+4930', 'n/a'])(
    'leaves %j unparsed (extension, feature code, too short)',
    (value) => {
      const forms = phones.read(value);
      expect(forms.e164).toBeUndefined();
      expect(forms.keys).toEqual(forms.raw === '' ? [] : [forms.raw]);
    },
  );

  it('keeps feature-code characters in the raw digits', () => {
    expect(phones.read('*21#').raw).toBe('*21#');
  });

  it('reads national numbers the US way for a US default country', () => {
    const us = new PhoneNumbers('US');
    expect(us.read('(212) 555-0100').e164).toBe('12125550100');
    expect(us.read('1234').e164).toBeUndefined();
  });

  it('rejects an unknown default country', () => {
    expect(() => new PhoneNumbers('XX')).toThrow(/unknown default country/);
  });
});

describe('PhoneNumbers.equals (telephoneNumberMatch, number-aware)', () => {
  it.each(BERLIN.flatMap((a) => BERLIN.map((b) => [a, b] as const)))('%j equals %j', (a, b) => {
    expect(equal(a, b)).toBe(true);
  });

  it.each([
    ['+49 30 1234-56', '0049301234 56', true],
    ['+49 30 1234-56', '030 123456', true],
    ['+49 30 1234567-12', '+49 30 1234567-13', false],
    ['+49 30 1234567-12', '+49 89 1234567-12', false],
    ['+49 30 1234567-12', '4930123456712', true],
    ['+49 30 1234567-12', '30123456712', true],
    ['1234', '1234', true],
    ['12-34', '1234', true],
    ['1234', '1235', false],
    ['1234', '+49 30 1234', false],
    ['*21#', '*21#', true],
    ['*21#', '21', false],
    ['n/a', 'N/A', true],
    ['n/a', '1234', false],
  ])('%j vs %j: %s', (a, b, expected) => {
    expect(equal(a, b)).toBe(expected);
    expect(equal(b, a)).toBe(expected);
  });
});

describe('PhoneNumbers substring assertions', () => {
  it.each([
    [undefined, [], '456712'],
    ['0301', [], undefined],
    [undefined, ['1234567'], undefined],
    ['+49301', [], undefined],
    ['+4930', [], undefined],
    ['004930', [], undefined],
    ['0049 30', [], undefined],
    [undefined, ['+49 30'], undefined],
    [undefined, ['0049301'], undefined],
    [undefined, ['030 123'], undefined],
    [undefined, ['30-12'], undefined],
    ['030', ['4567'], '12'],
    ['30', ['1234'], undefined],
  ] as const)('initial=%j any=%j final=%j finds every written form', (initial, any, final) => {
    for (const value of BERLIN) expect(substrings(value, initial, any, final), value).toBe(true);
  });

  it.each([
    ['+49301', [], undefined, false],
    ['0302', [], undefined, false],
    [undefined, [], '4567', false],
    ['+4989', [], undefined, true],
    ['004989', [], undefined, true],
    ['089', [], '3210', true],
    [undefined, ['7654'], undefined, true],
    [undefined, ['7645'], undefined, false],
  ] as const)('+49 89 7654321-0 with initial=%j any=%j final=%j: %s', (initial, any, final, expected) => {
    expect(substrings('+49 89 7654321-0', initial, any, final)).toBe(expected);
  });

  it('anchors a + to the start of the number', () => {
    expect(substrings('+49 30 4930-1', undefined, ['+4930'], undefined)).toBe(true);
    expect(substrings('+44 20 4930 0000', undefined, ['+4930'], undefined)).toBe(false);
    expect(substrings('+44 20 4930 0000', undefined, ['4930'], undefined)).toBe(true);
  });

  it('reads a bare international prefix (a first key press) as "any full number"', () => {
    expect(substrings('+49 30 1234567-12', '00', [], undefined)).toBe(true);
    expect(substrings('+1 212 555 0100', '00', [], undefined)).toBe(true);
    expect(substrings('1234', '00', [], undefined)).toBe(false);
    expect(substrings('0049 1', '00', [], undefined)).toBe(true);
  });

  it('reads a final component alone after an international prefix or + as the whole number', () => {
    // `*0077` ends in 0077; read as "00, then 77" it must not become "ends in 77".
    expect(substrings('+49 30 5550077', undefined, [], '0077')).toBe(true);
    expect(substrings('+49 30 5550177', undefined, [], '0077')).toBe(false);
    expect(substrings('+49 30 5550077', undefined, [], '0049305550077')).toBe(true);
    expect(substrings('+49 30 1115550077', undefined, [], '0049305550077')).toBe(false);
    expect(substrings('+49 30 5550077', undefined, [], '+49305550077')).toBe(true);
    expect(substrings('+49 30 5550077', undefined, [], '+305550077')).toBe(false);
    expect(substrings('+49 30 5550000', undefined, [], '00')).toBe(true);
    expect(substrings('+49 30 5550077', undefined, [], '00')).toBe(false);
  });

  it('finds a final component through the national prefix by the E.164 form it ends', () => {
    // `*0405` ends `040 5…`'s national form only if the number is +49 40 5: not all of Hamburg.
    const patterns = phones.canonicalPatterns(
      phones.substrings(undefined, [], '0405') as Extract<
        ReturnType<PhoneNumbers['substrings']>,
        { kind: 'digits' }
      >,
      ['49'],
    );
    expect(patterns.map(({ initial, any, final }) => ({ initial, any, final }))).toEqual([
      { initial: undefined, any: [], final: '0405' },
      { initial: undefined, any: [], final: '49405' },
    ]);
  });

  it("says a lookup is exact only when its patterns are the assertion's own, over every key", () => {
    const exact = (initial: string | undefined, any: readonly string[], final?: string): boolean => {
      const assertion = phones.substrings(initial, any, final);
      return assertion.kind === 'digits' && phones.canonicalPatternsExact(assertion, ['49', '43']);
    };
    expect(exact(undefined, [], '4567')).toBe(true);
    expect(exact(undefined, ['123'], undefined)).toBe(true);
    expect(exact(undefined, ['12', '34'], '56')).toBe(true);
    // Moved behind the national prefix or a calling code, or anchored to the international form.
    expect(exact(undefined, [], '0405')).toBe(false);
    expect(exact(undefined, ['0301'], undefined)).toBe(false);
    expect(exact('301', [], undefined)).toBe(false);
    expect(exact('+4930', [], undefined)).toBe(false);
    expect(exact(undefined, ['004930'], undefined)).toBe(false);
    // Without calling codes or a national prefix to move it behind, an initial one is its own.
    const us = new PhoneNumbers('US');
    const assertion = us.substrings('212', [], undefined);
    expect(assertion.kind === 'digits' && us.canonicalPatternsExact(assertion, [])).toBe(true);
  });

  it('anchors a + to unparsed values only when they were written with one', () => {
    expect(substrings('+4930', '+49', [], undefined)).toBe(true);
    expect(substrings('4930', '+49', [], undefined)).toBe(false);
    expect(substrings('00 4930', '0049', [], undefined)).toBe(true);
  });

  it('matches extensions and feature codes on their digits', () => {
    expect(substrings('1234', '12', [], undefined)).toBe(true);
    expect(substrings('1234', undefined, ['23'], undefined)).toBe(true);
    // `+` means an international number, which an extension is not.
    expect(substrings('1234', '+12', [], undefined)).toBe(false);
    expect(substrings('*21#', undefined, ['21'], undefined)).toBe(true);
    expect(substrings('1234', '4930', [], undefined)).toBe(false);
  });

  it('falls back to folded text when the assertion has no digits', () => {
    expect(phones.substrings(undefined, ['Zentrale'], undefined).kind).toBe('text');
    expect(substrings('Zentrale: siehe Website', undefined, ['ZENTRALE'], undefined)).toBe(true);
    expect(substrings('+49 30 1234567-12', undefined, ['zentrale'], undefined)).toBe(false);
  });
});

describe('PhoneNumbers caches', () => {
  it('caches the forms of a values array for as long as it lives', () => {
    const values = ['+49 30 1234567-12'];
    expect(phones.formsOfValues(values)).toBe(phones.formsOfValues(values));
  });

  it('makes provided forms once, on first use, while the array is among the newest provided', () => {
    const own = new PhoneNumbers('DE');
    const values = ['+49 30 1234567-12'];
    const provided = [own.read('+49 30 7654321')];
    let made = 0;
    own.provide(values, () => {
      made++;
      return provided;
    });
    expect(made).toBe(0);
    own.provide(['0301111'], () => []);
    expect(own.formsOfValues(values)).toBe(provided);
    expect(own.formsOfValues(values)).toBe(provided);
    expect(made).toBe(1);
  });

  it('reads an array provided long ago as any other', () => {
    const own = new PhoneNumbers('DE');
    const values = ['+49 30 1234567-12'];
    own.provide(values, () => []);
    for (let i = 0; i < 100; i++) own.provide([`030 ${i}`], () => []);
    expect(own.formsOfValues(values).map((forms) => forms.e164)).toEqual(['4930123456712']);
  });

  it('shares one instance per default country', () => {
    expect(PhoneNumbers.for('de')).toBe(PhoneNumbers.for('DE'));
  });
});
