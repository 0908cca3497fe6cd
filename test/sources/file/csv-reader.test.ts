import { describe, expect, it } from 'vitest';
import { readCsv, splitValues } from '../../../src/sources/file/csv-reader.js';
import { FileFormatError } from '../../../src/sources/file/parsed-file.js';

const read = (text: string, multiValueSeparator = '|') => readCsv(text, { multiValueSeparator });

describe('readCsv', () => {
  it('matches headers to presented attributes in any case, and aliases', () => {
    const parsed = read('CN,TELEPHONENUMBER,Mail,surname,Fax,costCentre\nAnna,1,a@x,Müller,2,K1\n');
    expect(parsed.fieldNames).toEqual([
      'cn',
      'telephoneNumber',
      'mail',
      'sn',
      'facsimileTelephoneNumber',
      'costCentre',
    ]);
    expect(parsed.entries[0]?.fields).toEqual({
      cn: ['Anna'],
      telephoneNumber: ['1'],
      mail: ['a@x'],
      sn: ['Müller'],
      facsimileTelephoneNumber: ['2'],
      costCentre: ['K1'],
    });
  });

  it('splits multi-valued cells, trims values and drops empty ones', () => {
    const parsed = read('cn,mobile\nJörg, +49 170 1234567 | 0171 7654321 || \n');
    expect(parsed.entries[0]?.fields).toEqual({ cn: ['Jörg'], mobile: ['+49 170 1234567', '0171 7654321'] });
  });

  it('uses the configured separator', () => {
    expect(read('cn,mobile\nA,1;2|3\n', ';').entries[0]?.fields.mobile).toEqual(['1', '2|3']);
  });

  it('leaves out empty cells', () => {
    expect(read('cn,mobile,mail\nA,,\n').entries[0]?.fields).toEqual({ cn: ['A'] });
  });

  it('reads quoted cells with commas, quotes and line breaks', () => {
    const parsed = read(
      'cn,company,description\n"Dubois, Ségolène","Dubois, Lefèvre & Associés","say ""hi""\nsecond line"\nB,C,D\n',
    );
    expect(parsed.entries.map((entry) => entry.fields)).toEqual([
      {
        cn: ['Dubois, Ségolène'],
        company: ['Dubois, Lefèvre & Associés'],
        description: ['say "hi"\nsecond line'],
      },
      { cn: ['B'], company: ['C'], description: ['D'] },
    ]);
    expect(parsed.entries.map((entry) => entry.line)).toEqual([2, 4]);
  });

  it('tolerates a byte order mark and CRLF line ends', () => {
    const parsed = read('\uFEFFcn,sn\r\nAnna,Müller\r\n"multi\r\nline",x\r\nB,C\r\n');
    expect(parsed.fieldNames).toEqual(['cn', 'sn']);
    expect(parsed.entries.map((entry) => [entry.line, entry.fields.cn?.[0]])).toEqual([
      [2, 'Anna'],
      [3, 'multi\nline'],
      [5, 'B'],
    ]);
  });

  it('reports rows with the wrong number of cells by line, keeping the good rows', () => {
    const text = [
      'cn,sn,mail',
      'Anna,Müller,a@x',
      'short,row',
      '',
      'Jörg,Schröder,j@x',
      'too,many,cells,here',
      'Zoë,Ångström,z@x',
    ].join('\n');
    const parsed = read(text);
    expect(parsed.entries.map((entry) => entry.fields.cn?.[0])).toEqual(['Anna', 'Jörg', 'Zoë']);
    expect(parsed.problems).toEqual([
      { line: 3, message: '2 values where the header has 3 columns; row skipped' },
      { line: 6, message: '4 values where the header has 3 columns; row skipped' },
    ]);
  });

  it('reports a quote that is never closed, keeping the rows before it', () => {
    const parsed = read('cn,sn\nAnna,Müller\n"Jörg,Schröder\nZoë,Ångström\n');
    expect(parsed.entries.map((entry) => entry.fields.cn?.[0])).toEqual(['Anna']);
    expect(parsed.problems).toEqual([
      { line: 3, message: 'a quoted cell is never closed; the rest of the file is skipped' },
    ]);
  });

  it('skips rows whose cells are all empty, silently', () => {
    const parsed = read('cn,sn\nAnna,Müller\n,\n , \n');
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.problems).toEqual([]);
  });

  it('ignores a column without a name, and says so', () => {
    const parsed = read('cn,,sn\nAnna,x,Müller\n');
    expect(parsed.entries[0]?.fields).toEqual({ cn: ['Anna'], sn: ['Müller'] });
    expect(parsed.problems).toEqual([
      { line: 1, message: 'column 2 has no name in the header; its values are ignored' },
    ]);
  });

  it('merges columns that name the same attribute', () => {
    expect(read('mobile,Mobile\n1,2\n').entries[0]?.fields).toEqual({ mobile: ['1', '2'] });
  });

  it('refuses a file without a header row', () => {
    expect(() => read('')).toThrow(FileFormatError);
    expect(() => read('\n\n')).toThrow(/line 1: no header row/);
  });
});

describe('splitValues', () => {
  it('splits, trims and drops empties', () => {
    expect(splitValues(' a | b ||', '|')).toEqual(['a', 'b']);
    expect(splitValues('', '|')).toEqual([]);
  });
});
