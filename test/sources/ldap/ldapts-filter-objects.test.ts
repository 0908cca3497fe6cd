/**
 * Filter ASTs as ldapts sends them (src/sources/ldap/ldapts-filter-objects.ts), proven on bytes:
 * each filter object is encoded by ldapts itself, and the bytes decoded by dirbridge's own filter
 * decoder must give back the filter, value for value, whatever the values hold.
 */
import fc from 'fast-check';
import { BerWriter, EqualityFilter, type Filter as LdaptsFilter } from 'ldapts';
import { describe, expect, it } from 'vitest';
import type { Filter } from '../../../src/filter/ast.js';
import { parseFilter } from '../../../src/filter/parse.js';
import { BerReader } from '../../../src/protocol/ber-reader.js';
import { decodeFilter } from '../../../src/protocol/filter-decoder.js';
import { encodeFilter } from '../../../src/protocol/filter-encoder.js';
import { toLdaptsFilter } from '../../../src/sources/ldap/ldapts-filter-objects.js';

const LIMITS = { maxFilterDepth: 1000, maxFilterNodes: 100_000 };

/** The bytes ldapts puts on the wire for a filter object. */
function wire(filter: LdaptsFilter): Buffer {
  const writer = new BerWriter();
  filter.write(writer);
  return writer.buffer;
}

/** What a backend decodes from those bytes. */
function received(filter: LdaptsFilter): Filter {
  return decodeFilter(new BerReader(wire(filter)), LIMITS);
}

/** Text as UTF-8 carries it: a lone surrogate becomes U+FFFD, as Buffer.from writes it. */
function wellFormed(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

const HOSTILE = [
  'Jürgen Groß',
  'Łukasz Żółć',
  'Zoë 💡 東京',
  '*',
  '*)(uid=*))(|(uid=*',
  '\\',
  '\\2a',
  '\\c3\\bc',
  'bm\0bm',
  '\0',
  '()',
  ' ',
  '\u00e9\u0301',
  'x'.repeat(5000),
];

describe('filter ASTs as ldapts filter objects', () => {
  it.each(HOSTILE)('sends %j as it is in every kind of condition', (value) => {
    const filter: Filter = {
      type: 'and',
      filters: [
        { type: 'equality', attribute: 'cn', value },
        { type: 'approx', attribute: 'sn', value },
        { type: 'greaterOrEqual', attribute: 'employeeNumber', value },
        { type: 'lessOrEqual', attribute: 'employeeNumber', value },
        { type: 'substrings', attribute: 'mail', initial: value, any: [value], final: value },
        { type: 'extensible', attribute: 'cn', matchingRule: '2.5.13.2', value, dnAttributes: true },
        { type: 'not', filter: { type: 'or', filters: [{ type: 'equality', attribute: 'uid', value }] } },
      ],
    };
    expect(received(toLdaptsFilter(filter))).toEqual(filter);
    expect(wire(toLdaptsFilter(filter)).includes(Buffer.from(value, 'utf8'))).toBe(true);
  });

  it('sends UTF-8 values as UTF-8, not as their escapes read one Latin-1 character each', () => {
    const bytes = wire(toLdaptsFilter(parseFilter('(cn=J\\c3\\bcrgen Gro\\c3\\9f)')));
    expect(bytes.includes(Buffer.from('Jürgen Groß', 'utf8'))).toBe(true);
    expect(bytes.includes(Buffer.from('JÃ¼rgen', 'utf8'))).toBe(false);
  });

  it('sends a lone UTF-16 surrogate as U+FFFD, as every other text Node encodes', () => {
    const filter: Filter = { type: 'equality', attribute: 'cn', value: 'a\ud800b\udfffc' };
    expect(received(toLdaptsFilter(filter))).toEqual({ ...filter, value: 'a\ufffdb\ufffdc' });
  });

  it('sends a GUID given as a Buffer byte for byte (what no AST value can hold)', () => {
    const guid = Buffer.from('00ff80c3bc2a2829005c0102fefd7f41', 'hex');
    const bytes = wire(new EqualityFilter({ attribute: 'objectGUID', value: guid }));
    expect(bytes.includes(Buffer.concat([Buffer.from([0x04, 0x10]), guid]))).toBe(true);
  });

  it('leaves empty substrings parts out, and sends a substrings filter with none left as a presence', () => {
    const sparse: Filter = {
      type: 'substrings',
      attribute: 'cn',
      initial: 'a',
      any: ['', 'b', ''],
      final: '',
    };
    expect(received(toLdaptsFilter(sparse))).toEqual({
      type: 'substrings',
      attribute: 'cn',
      initial: 'a',
      any: ['b'],
    });
    const empty: Filter = { type: 'substrings', attribute: 'cn', initial: '', any: [''] };
    expect(received(toLdaptsFilter(empty))).toEqual({ type: 'present', attribute: 'cn' });
  });

  it('sends extensible matches with and without their optional parts', () => {
    for (const text of [
      '(userAccountControl:1.2.840.113556.1.4.803:=2)',
      '(:caseExactMatch:=Alice)',
      '(ou:dn:=Berlin)',
      '(!(userAccountControl:1.2.840.113556.1.4.803:=2))',
    ]) {
      expect(received(toLdaptsFilter(parseFilter(text))), text).toEqual(parseFilter(text));
    }
  });

  it('refuses an attribute or matching rule that is no attribute description, naming it', () => {
    expect(() => toLdaptsFilter({ type: 'present', attribute: 'Jürgen' })).toThrow(
      /"Jürgen" is not an LDAP attribute/,
    );
    expect(() => toLdaptsFilter({ type: 'equality', attribute: 'cn)(uid=*', value: 'x' })).toThrow(
      /cn\)\(uid=\*/,
    );
    expect(() =>
      toLdaptsFilter({ type: 'extensible', matchingRule: 'rule x', value: 'x', dnAttributes: false }),
    ).toThrow(/"rule x"/);
    expect(() => toLdaptsFilter({ type: 'present', attribute: '' })).toThrow(/""/);
  });

  it('puts on the wire what dirbridge itself would encode, for any filter and any values', () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: codeUnit }),
      fc.constantFrom(...HOSTILE),
    );
    const nonEmpty = value.filter((text) => text !== '');
    const attribute = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,8}(;[a-z0-9-]{1,5})?$/);
    const leaf: fc.Arbitrary<Filter> = fc.oneof(
      fc.record({ type: fc.constant('equality' as const), attribute, value }),
      fc.record({ type: fc.constant('approx' as const), attribute, value }),
      fc.record({
        type: fc.constantFrom('greaterOrEqual' as const, 'lessOrEqual' as const),
        attribute,
        value,
      }),
      fc.record({ type: fc.constant('present' as const), attribute }),
      fc
        .record(
          {
            type: fc.constant('substrings' as const),
            attribute,
            initial: nonEmpty,
            any: fc.array(nonEmpty, { maxLength: 3 }),
            final: nonEmpty,
          },
          { requiredKeys: ['type', 'attribute', 'any'] },
        )
        .filter((f) => f.initial !== undefined || f.final !== undefined || f.any.length > 0),
      fc.record(
        {
          type: fc.constant('extensible' as const),
          matchingRule: fc.constantFrom('2.5.13.2', 'caseExactMatch', '1.2.840.113556.1.4.803'),
          attribute,
          value,
          dnAttributes: fc.boolean(),
        },
        { requiredKeys: ['type', 'matchingRule', 'value', 'dnAttributes'] },
      ),
    );
    const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
      filter: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ type: fc.constant('and' as const), filters: fc.array(tie('filter'), { maxLength: 4 }) }),
        fc.record({ type: fc.constant('or' as const), filters: fc.array(tie('filter'), { maxLength: 4 }) }),
        fc.record({ type: fc.constant('not' as const), filter: tie('filter') }),
      ),
    }));
    fc.assert(
      fc.property(filter, (f) => {
        const bytes = wire(toLdaptsFilter(f));
        expect(bytes.equals(Buffer.from(encodeFilter(f)))).toBe(true);
        expect(decodeFilter(new BerReader(bytes), LIMITS)).toEqual(withWellFormedValues(f));
      }),
      { numRuns: 500 },
    );
  });
});

/** A filter with every value as it comes back off the wire (wellFormed). */
function withWellFormedValues(filter: Filter): Filter {
  switch (filter.type) {
    case 'and':
    case 'or':
      return { type: filter.type, filters: filter.filters.map(withWellFormedValues) };
    case 'not':
      return { type: 'not', filter: withWellFormedValues(filter.filter) };
    case 'present':
      return filter;
    case 'substrings':
      return {
        ...filter,
        ...(filter.initial === undefined ? {} : { initial: wellFormed(filter.initial) }),
        any: filter.any.map(wellFormed),
        ...(filter.final === undefined ? {} : { final: wellFormed(filter.final) }),
      };
    default:
      return { ...filter, value: wellFormed(filter.value) };
  }
}
