/**
 * A number's reading (what libphonenumber made of it) gives back exactly the forms a parse gives,
 * for numbers written every way directories write them, in several default countries: a replica
 * keeps readings instead of forms and must match as if it had parsed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhoneNumbers } from '../../src/schema/phone-number.js';

const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** Numbers as people write them: prefixes, separators, extensions, feature codes and noise. */
const written: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('+49 ', '0049 ', '0', '+43 ', '+41 ', '+1 ', '001', '+39 0', '(0', '+49 (0)', ''),
      digits(1, 4),
      fc.constantFrom(' ', '/', '-', ') ', ''),
      digits(3, 9),
      fc.constantFrom('', '-', ' ', ' ext. ', ' x', '#'),
      digits(0, 4),
    )
    .map((parts) => parts.join('')),
  fc.constantFrom('*21#', 'n/a', '', '1234', '+', '+49', '0049', '030 1234567-12', '+1 (212) 555-0100'),
  fc.string({ maxLength: 12 }),
);

describe('PhoneNumbers.formsWith', () => {
  it.each(['DE', 'US', 'AT', 'IT'])('gives the forms read gave, from the reading alone (%s)', (country) => {
    const phones = new PhoneNumbers(country);
    fc.assert(
      fc.property(written, (value) => {
        const forms = phones.read(value);
        const made = phones.formsWith(value, forms.reading);
        expect(made).toEqual(forms);
        // Made on first use, so not among the properties toEqual compares.
        expect([made.raw, made.text, made.canonical]).toEqual([forms.raw, forms.text, forms.canonical]);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a full number and nothing else', () => {
    const phones = new PhoneNumbers('DE');
    expect(phones.read('+49 30 1234567-12').reading).toEqual({
      callingCode: '49',
      nationalNumber: '30123456712',
      ext: '',
    });
    expect(phones.read('+49 30 1234567 ext. 12').reading).toEqual({
      callingCode: '49',
      nationalNumber: '301234567',
      ext: '12',
    });
    expect(phones.read('1234').reading).toBeUndefined();
    expect(phones.read('*21#').reading).toBeUndefined();
  });
});
