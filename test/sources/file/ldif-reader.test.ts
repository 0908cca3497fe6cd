import { describe, expect, it } from 'vitest';
import { readLdif } from '../../../src/sources/file/ldif-reader.js';
import { FileFormatError } from '../../../src/sources/file/parsed-file.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('readLdif', () => {
  it('reads records separated by blank lines, with version and comments', () => {
    const parsed = readLdif(
      [
        '# phonebook',
        'version: 1',
        '',
        'dn: cn=Anna,ou=people,dc=example,dc=com',
        'objectClass: inetOrgPerson',
        'CN: Anna',
        'telephoneNumber: +49 30 1234567-12',
        '# a comment inside a record',
        'mobile: 1',
        'mobile: 2',
        '',
        '',
        'dn: cn=Bob,ou=people,dc=example,dc=com',
        'cn: Bob',
      ].join('\n'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries).toEqual([
      {
        line: 4,
        dn: 'cn=Anna,ou=people,dc=example,dc=com',
        fields: {
          objectClass: ['inetOrgPerson'],
          cn: ['Anna'],
          telephoneNumber: ['+49 30 1234567-12'],
          mobile: ['1', '2'],
        },
      },
      { line: 13, dn: 'cn=Bob,ou=people,dc=example,dc=com', fields: { cn: ['Bob'] } },
    ]);
    expect(parsed.fieldNames).toEqual(['objectClass', 'cn', 'telephoneNumber', 'mobile']);
  });

  it('accepts version: 1 directly before the first dn', () => {
    expect(readLdif('version: 1\ndn: cn=a\ncn: a\n').entries).toHaveLength(1);
  });

  it('refuses another version', () => {
    expect(() => readLdif('version: 2\n\ndn: cn=a\n')).toThrow(FileFormatError);
    expect(() => readLdif('version: 2\n\ndn: cn=a\n')).toThrow(/line 1: unsupported LDIF version '2'/);
  });

  it('decodes base64 values, the DN included', () => {
    const parsed = readLdif(
      `dn:: ${b64('cn=Jörg Schröder,dc=example')}\ncn:: ${b64('Jörg Schröder')}\nsn::${b64('Schröder')}\n`,
    );
    expect(parsed.entries[0]).toMatchObject({
      dn: 'cn=Jörg Schröder,dc=example',
      fields: { cn: ['Jörg Schröder'], sn: ['Schröder'] },
    });
  });

  it('unfolds continuation lines, inside base64 values too', () => {
    const encoded = b64('Geschäftsführer und Leiter der Niederlassungen Hamburg, Kiel und Lübeck');
    const text = [
      'dn: cn=Björn,dc=exa',
      ' mple',
      'description: a long',
      '  value',
      `title:: ${encoded.slice(0, 30)}`,
      ` ${encoded.slice(30)}`,
    ].join('\r\n');
    expect(readLdif(text).entries[0]).toEqual({
      line: 1,
      dn: 'cn=Björn,dc=example',
      fields: {
        description: ['a long value'],
        title: ['Geschäftsführer und Leiter der Niederlassungen Hamburg, Kiel und Lübeck'],
      },
    });
  });

  it('drops folded comments whole', () => {
    const parsed = readLdif('# a comment\n that goes on\ndn: cn=a\ncn: a\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries[0]?.fields).toEqual({ cn: ['a'] });
  });

  it('merges attribute options under the base name', () => {
    expect(readLdif('dn: cn=a\ncn: a\ncn;lang-de: ä\n').entries[0]?.fields).toEqual({ cn: ['a', 'ä'] });
  });

  it('rejects change records with their line, keeping content records', () => {
    const parsed = readLdif(
      ['dn: cn=a', 'changetype: modify', 'replace: mail', 'mail: x', '-', '', 'dn: cn=b', 'cn: b'].join('\n'),
    );
    expect(parsed.entries.map((entry) => entry.dn)).toEqual(['cn=b']);
    expect(parsed.problems).toEqual([
      {
        line: 2,
        message:
          'change records (changetype: modify) are not supported, only content records; the record at line 1 is skipped',
      },
    ]);
  });

  it('reports bad lines with their numbers and keeps the rest of the record', () => {
    const parsed = readLdif(
      [
        'dn: cn=a',
        'cn: a',
        'this is not ldif',
        'mail:: ***',
        'jpegPhoto:: /9j/4AAQ',
        'seeAlso:< file:///etc/passwd',
        'sn: b',
      ].join('\n'),
    );
    expect(parsed.entries[0]?.fields).toEqual({ cn: ['a'], sn: ['b'] });
    expect(parsed.problems).toEqual([
      { line: 3, message: 'not an `attribute: value` line: "this is not ldif"' },
      { line: 4, message: 'mail: invalid base64 value; value skipped' },
      { line: 5, message: 'jpegPhoto: binary value (not UTF-8 text) skipped' },
      { line: 6, message: 'seeAlso: values read from a URL are not supported; value skipped' },
    ]);
  });

  it('reports a record that does not start with dn', () => {
    const parsed = readLdif('cn: a\nsn: b\n\ndn: cn=c\ncn: c\n');
    expect(parsed.entries.map((entry) => entry.dn)).toEqual(['cn=c']);
    expect(parsed.problems).toEqual([{ line: 1, message: 'a record must start with `dn:`; record skipped' }]);
  });

  it('reports a continuation line that continues nothing', () => {
    const parsed = readLdif('dn: cn=a\n\n stray\ndn: cn=b\n');
    expect(parsed.problems).toEqual([
      { line: 3, message: 'continuation line (starting with a space) follows no line; ignored' },
    ]);
    expect(parsed.entries.map((entry) => entry.dn)).toEqual(['cn=a', 'cn=b']);
  });

  it('reads the example file', async () => {
    const { readFile } = await import('node:fs/promises');
    const parsed = readLdif(await readFile('config/demo-phonebook.ldif', 'utf8'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries).toHaveLength(10);
    expect(parsed.entries.find((entry) => entry.fields.sn?.[0] === 'Köster')?.fields.title).toEqual([
      'Einkäufer',
    ]);
  });
});
