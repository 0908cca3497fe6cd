import { describe, expect, it } from 'vitest';
import { LDIF_VERSION, ldifEntry, ldifLine } from '../../src/commands/ldif-writer.js';
import { readLdif } from '../../src/sources/file/ldif-reader.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('LDIF lines (RFC 2849)', () => {
  it('writes printable ASCII as it is', () => {
    expect(ldifLine('telephoneNumber', '+49 30 1234567-12')).toBe('telephoneNumber: +49 30 1234567-12');
    expect(ldifLine('mail', 'a:b<c@example.com')).toBe('mail: a:b<c@example.com');
  });

  it.each([
    ['non-ASCII text', 'Anna Müller'],
    ['a leading space', ' padded'],
    ['a leading colon', ':colon'],
    ['a leading <', '<angle'],
    ['a trailing space', 'trailing '],
    ['a line break', 'two\nlines'],
    ['a carriage return', 'cr\rhere'],
    ['a tab', 'tab\there'],
    ['a NUL', 'nul\u0000here'],
  ])('writes %s as base64 of its UTF-8', (_what, value) => {
    expect(ldifLine('cn', value)).toBe(`cn:: ${b64(value)}`);
  });

  it('writes an empty value as a bare name and colon', () => {
    expect(ldifLine('description', '')).toBe('description:');
  });
});

describe('LDIF entries', () => {
  it('writes the DN first, every value on its line, a blank line after', () => {
    const text = ldifEntry('entryUUID=1,ou=demo,dc=x', [
      { type: 'cn', values: ['Jörg Schröder'] },
      { type: 'mobile', values: ['+49 170 1234567', '0171 7654321'] },
    ]);
    expect(text).toBe(
      `dn: entryUUID=1,ou=demo,dc=x\ncn:: ${b64('Jörg Schröder')}\nmobile: +49 170 1234567\nmobile: 0171 7654321\n\n`,
    );
  });

  it('base64-encodes a DN that is not plain ASCII', () => {
    expect(ldifEntry('cn=Müller,dc=x', [])).toBe(`dn:: ${b64('cn=Müller,dc=x')}\n\n`);
  });

  it('reads back through the file source with every value intact', () => {
    // (That reader trims values, as a phonebook wants; spaces at the ends are not tried here.)
    const values = ['Anna Müller', ':x', '<y', 'plain', '日本語', 'a\nb'];
    const text = LDIF_VERSION + ldifEntry('cn=a,dc=x', [{ type: 'description', values }]);
    const parsed = readLdif(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries[0]!.fields.description).toEqual(values);
  });
});
