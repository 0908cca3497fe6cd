import { describe, expect, it } from 'vitest';
import {
  csvColumns,
  csvHeader,
  csvRow,
  splitsOnReimport,
  type CsvEntry,
} from '../../src/commands/csv-writer.js';
import { readCsv } from '../../src/sources/file/csv-reader.js';

const anna: CsvEntry = {
  attributes: [
    { type: 'objectClass', values: ['top', 'person', 'user'] },
    { type: 'cn', values: ['Anna "Annie" Müller, Dr.'] },
    { type: 'mobile', values: ['+49 151 1', '+49 171 2'] },
    { type: 'entryUUID', values: ['4783315a-935d-584e-b1dd-b2901d9656f7'] },
  ],
};
const klaus: CsvEntry = {
  attributes: [
    { type: 'cn', values: ['Klaus'] },
    { type: 'description', values: ['first line\nsecond line'] },
    { type: 'entryUUID', values: ['56876b54-74a8-5eb5-a9a5-c2506c5f2499'] },
  ],
};

describe('CSV export', () => {
  it('puts entryUUID first, then the attributes in the order first seen', () => {
    expect(csvColumns([anna, klaus])).toEqual(['entryUUID', 'objectClass', 'cn', 'mobile', 'description']);
  });

  it('joins several values with |, quotes cells with commas, quotes and line breaks (RFC 4180)', () => {
    const columns = csvColumns([anna, klaus]);
    expect(csvHeader(columns)).toBe('entryUUID,objectClass,cn,mobile,description\r\n');
    expect(csvRow(columns, anna)).toBe(
      '4783315a-935d-584e-b1dd-b2901d9656f7,top|person|user,"Anna ""Annie"" Müller, Dr.",+49 151 1|+49 171 2,\r\n',
    );
    expect(csvRow(columns, klaus)).toBe(
      '56876b54-74a8-5eb5-a9a5-c2506c5f2499,,Klaus,,"first line\nsecond line"\r\n',
    );
  });

  it('reads back through the file source with the same values', () => {
    const columns = csvColumns([anna, klaus]);
    const text = csvHeader(columns) + csvRow(columns, anna) + csvRow(columns, klaus);
    const parsed = readCsv(text, { multiValueSeparator: '|' });
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => e.fields)).toEqual([
      {
        entryUUID: ['4783315a-935d-584e-b1dd-b2901d9656f7'],
        objectClass: ['top', 'person', 'user'],
        cn: ['Anna "Annie" Müller, Dr.'],
        mobile: ['+49 151 1', '+49 171 2'],
      },
      {
        entryUUID: ['56876b54-74a8-5eb5-a9a5-c2506c5f2499'],
        cn: ['Klaus'],
        description: ['first line\nsecond line'],
      },
    ]);
  });

  it('counts the values that contain the separator, which would split on re-import', () => {
    expect(splitsOnReimport(anna)).toBe(0);
    expect(splitsOnReimport({ attributes: [{ type: 'cn', values: ['a|b', 'c', 'd|e|f'] }] })).toBe(2);
  });
});
