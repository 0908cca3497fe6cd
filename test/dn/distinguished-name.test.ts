import { describe, expect, it } from 'vitest';
import {
  DnSyntaxError,
  escapeDnValue,
  formatDn,
  isDescendantOf,
  parentDn,
  parseDn,
} from '../../src/dn/distinguished-name.js';

describe('parseDn', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['cn=Anna', [[{ type: 'cn', value: 'Anna' }]]],
    [
      'cn=Anna Müller,ou=demo,dc=dirbridge,dc=local',
      [
        [{ type: 'cn', value: 'Anna Müller' }],
        [{ type: 'ou', value: 'demo' }],
        [{ type: 'dc', value: 'dirbridge' }],
        [{ type: 'dc', value: 'local' }],
      ],
    ],
    ['CN = Anna  , DC = x', [[{ type: 'CN', value: 'Anna' }], [{ type: 'DC', value: 'x' }]]],
    ['cn=Müller\\, Anna,dc=x', [[{ type: 'cn', value: 'Müller, Anna' }], [{ type: 'dc', value: 'x' }]]],
    ['cn=a\\+b\\"c\\\\d\\<e\\>f\\;g\\=h', [[{ type: 'cn', value: 'a+b"c\\d<e>f;g=h' }]]],
    ['cn=M\\C3\\BCller', [[{ type: 'cn', value: 'Müller' }]]],
    ['cn=\\20Anna\\20', [[{ type: 'cn', value: ' Anna ' }]]],
    ['cn=\\ Anna\\ ', [[{ type: 'cn', value: ' Anna ' }]]],
    ['cn=\\#1', [[{ type: 'cn', value: '#1' }]]],
    [
      'cn=Anna+sn=Müller,dc=x',
      [
        [
          { type: 'cn', value: 'Anna' },
          { type: 'sn', value: 'Müller' },
        ],
        [{ type: 'dc', value: 'x' }],
      ],
    ],
    [
      'cn = Anna + sn = Müller',
      [
        [
          { type: 'cn', value: 'Anna' },
          { type: 'sn', value: 'Müller' },
        ],
      ],
    ],
    ['2.5.4.3=Anna', [[{ type: '2.5.4.3', value: 'Anna' }]]],
    ['OID.2.5.4.3=Anna', [[{ type: '2.5.4.3', value: 'Anna' }]]],
    ['cn=#0c04416e6e61', [[{ type: 'cn', value: 'Anna' }]]],
    ['cn=#04024869', [[{ type: 'cn', value: 'Hi' }]]],
    ['cn=#0101ff', [[{ type: 'cn', value: '#0101ff', binary: true }]]],
    ['cn=Anna;dc=x', [[{ type: 'cn', value: 'Anna' }], [{ type: 'dc', value: 'x' }]]],
    ['cn="Müller, Anna",dc=x', [[{ type: 'cn', value: 'Müller, Anna' }], [{ type: 'dc', value: 'x' }]]],
    ['cn=', [[{ type: 'cn', value: '' }]]],
  ])('%j', (text, expected) => {
    expect(parseDn(text)).toEqual(expected);
  });

  it.each([
    ['cn', 2],
    ['=Anna', 0],
    ['cn=Anna,', 8],
    ['cn=Anna,,dc=x', 8],
    ['cn=a\\xz', 4],
    ['cn=#abc', 3],
    ['cn="Anna', 3],
    ['1cn=x', 0],
    ['cn=a,junk', 9],
  ])('rejects %j at position %d', (text, position) => {
    const error = (() => {
      try {
        parseDn(text);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DnSyntaxError);
    expect((error as DnSyntaxError).position).toBe(position);
  });
});

describe('formatDn and escapeDnValue', () => {
  it.each([
    ['Anna Müller', 'Anna Müller'],
    ['Müller, Anna', 'Müller\\, Anna'],
    [' Anna ', '\\ Anna\\ '],
    ['#1', '\\#1'],
    ['a#b', 'a#b'],
    ['a+b"c\\d<e>f;g', 'a\\+b\\"c\\\\d\\<e\\>f\\;g'],
    ['nul\0', 'nul\\00'],
    ['=', '='],
  ])('%j -> %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });

  it.each([
    'cn=Anna Müller,ou=demo,dc=dirbridge,dc=local',
    'cn=Müller\\, Anna+sn=x,dc=x',
    'cn=\\ lead and trail\\ ,dc=x',
    'cn=\\#hash,dc=x',
    'cn=#0101ff',
  ])('round-trips %j', (text) => {
    expect(formatDn(parseDn(text))).toBe(text);
    expect(parseDn(formatDn(parseDn(text)))).toEqual(parseDn(text));
  });
});

describe('isDescendantOf and parentDn', () => {
  it.each([
    ['cn=a,dc=x', 'dc=x', true],
    ['cn=a,ou=b,dc=x', 'dc=x', true],
    ['dc=x', 'dc=x', false],
    ['cn=a,dc=xx', 'dc=x', false],
    ['cn=a\\,dc=x', 'dc=x', false],
    ['cn=a\\\\,dc=x', 'dc=x', true],
    ['dc=x', '', true],
    ['', '', false],
  ])('%j below %j: %s', (child, parent, expected) => {
    expect(isDescendantOf(child, parent)).toBe(expected);
  });

  it.each([
    ['cn=a,ou=b,dc=x', 'ou=b,dc=x'],
    ['cn=a\\,b,dc=x', 'dc=x'],
    ['dc=x', ''],
    ['', undefined],
  ])('parent of %j is %j', (dn, parent) => {
    expect(parentDn(dn)).toBe(parent);
  });
});
