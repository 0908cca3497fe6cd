import { FilterParser, type Filter as LdaptsFilter } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../../src/filter/escape.js';
import { ldaptsFilter } from '../../../src/sources/ldap/ldapts-filter.js';

/** The value ldapts will encode for an equality filter string. */
function valueSent(filter: string): unknown {
  return (FilterParser.parseString(ldaptsFilter(filter)) as unknown as { value: unknown }).value;
}

describe('filter strings for ldapts', () => {
  it('turns escaped UTF-8 bytes back into the characters ldapts encodes as meant', () => {
    for (const name of ['Jürgen Groß', 'Łukasz Żółć', 'Ünal', 'Zoë 💡', '東京']) {
      const filter = `(cn=${escapeFilterValue(name)})`;
      expect(filter).not.toContain(name); // escaped, as RFC 4515 allows
      expect(valueSent(filter)).toBe(name);
    }
  });

  it('keeps the escapes of filter characters and other ASCII bytes, which ldapts reads right', () => {
    const hostile = '*)(uid=*))(|(uid=*\\\0';
    const filter = `(cn=${escapeFilterValue(hostile)})`;
    expect(ldaptsFilter(filter)).toBe(filter);
    expect(valueSent(filter)).toBe(hostile);
    // `\5c` is an escaped backslash: the hex digits after it are plain text, not another escape.
    expect(valueSent(`(cn=${escapeFilterValue('\\c3\\bc')})`)).toBe('\\c3\\bc');
    expect(valueSent(`(cn=${escapeFilterValue('a\\ü')})`)).toBe('a\\ü');
  });

  it('works in substrings, in nested filters and in either case of hex digits', () => {
    const parsed = FilterParser.parseString(
      ldaptsFilter('(&(|(sn=Gro\\C3\\9F*)(cn=*J\\c3\\bcrgen*))(!(mail=m\\c3\\bcller@x)))'),
    );
    expect(parsed.toString()).toBe(
      FilterParser.parseString('(&(|(sn=Groß*)(cn=*Jürgen*))(!(mail=müller@x)))').toString(),
    );
  });

  it('leaves a run of high bytes that is no UTF-8 as it was', () => {
    expect(ldaptsFilter('(x=\\ff\\fe)')).toBe('(x=\\ff\\fe)');
    expect(ldaptsFilter('(x=\\c3)')).toBe('(x=\\c3)');
  });

  it('passes filter objects through untouched', () => {
    const object: LdaptsFilter = FilterParser.parseString('(cn=a)');
    expect(ldaptsFilter(object)).toBe(object);
  });
});
