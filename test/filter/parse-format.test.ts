import { describe, expect, it } from 'vitest';
import type { Filter } from '../../src/filter/ast.js';
import { formatFilter } from '../../src/filter/format.js';
import { FilterSyntaxError, parseFilter } from '../../src/filter/parse.js';

function syntaxError(text: string): FilterSyntaxError {
  try {
    parseFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError);
    return error as FilterSyntaxError;
  }
  throw new Error(`expected ${text} to be rejected`);
}

const eq = (attribute: string, value: string): Filter => ({ type: 'equality', attribute, value });

describe('parseFilter and formatFilter', () => {
  it.each<[string, Filter]>([
    ['(objectclass=*)', { type: 'present', attribute: 'objectclass' }],
    [
      '(|(cn=*abc*)(sn=*abc*))',
      {
        type: 'or',
        filters: [
          { type: 'substrings', attribute: 'cn', any: ['abc'] },
          { type: 'substrings', attribute: 'sn', any: ['abc'] },
        ],
      },
    ],
    [
      '(&(objectCategory=person)(objectClass=user))',
      { type: 'and', filters: [eq('objectCategory', 'person'), eq('objectClass', 'user')] },
    ],
    [
      '(telephoneNumber=+49 30 1234*)',
      { type: 'substrings', attribute: 'telephoneNumber', initial: '+49 30 1234', any: [] },
    ],
    ['(mail=*@example.test)', { type: 'substrings', attribute: 'mail', any: [], final: '@example.test' }],
    ['(cn=a*b*c*d)', { type: 'substrings', attribute: 'cn', initial: 'a', any: ['b', 'c'], final: 'd' }],
    ['(cn~=mull)', { type: 'approx', attribute: 'cn', value: 'mull' }],
    ['(cn>=m)', { type: 'greaterOrEqual', attribute: 'cn', value: 'm' }],
    ['(cn<=m)', { type: 'lessOrEqual', attribute: 'cn', value: 'm' }],
    ['(!(cn=x))', { type: 'not', filter: eq('cn', 'x') }],
    [
      '(cn:caseExactMatch:=x)',
      {
        type: 'extensible',
        attribute: 'cn',
        matchingRule: 'caseExactMatch',
        value: 'x',
        dnAttributes: false,
      },
    ],
    ['(:dn:2.5.13.5:=y)', { type: 'extensible', matchingRule: '2.5.13.5', value: 'y', dnAttributes: true }],
    ['(cn:dn:=z)', { type: 'extensible', attribute: 'cn', value: 'z', dnAttributes: true }],
    ['(:2.5.13.5:=y)', { type: 'extensible', matchingRule: '2.5.13.5', value: 'y', dnAttributes: false }],
    [
      '(cn:dn:caseExactMatch:=x)',
      { type: 'extensible', attribute: 'cn', matchingRule: 'caseExactMatch', value: 'x', dnAttributes: true },
    ],
    [
      '(userAccountControl:1.2.840.113556.1.4.803:=2)',
      {
        type: 'extensible',
        attribute: 'userAccountControl',
        matchingRule: '1.2.840.113556.1.4.803',
        value: '2',
        dnAttributes: false,
      },
    ],
    ['(cn=\\2a\\28\\29\\5c\\00)', eq('cn', '*()\\\0')],
    ['(sn=M\\c3\\bcller)', eq('sn', 'Müller')],
    ['(cn;lang-de=x)', eq('cn;lang-de', 'x')],
    ['(2.5.4.3=x)', eq('2.5.4.3', 'x')],
    ['(cn= spaced value )', eq('cn', ' spaced value ')],
    ['(cn=)', eq('cn', '')],
    ['(&)', { type: 'and', filters: [] }],
    ['(|)', { type: 'or', filters: [] }],
    ['(!(&))', { type: 'not', filter: { type: 'and', filters: [] } }],
  ])('%s', (text, filter) => {
    expect(parseFilter(text)).toEqual(filter);
    expect(formatFilter(filter)).toBe(text);
  });

  it('reads raw UTF-8 and formats it escaped', () => {
    const filter = parseFilter('(sn=Müller)');
    expect(filter).toEqual(eq('sn', 'Müller'));
    expect(formatFilter(filter)).toBe('(sn=M\\c3\\bcller)');
  });

  it('accepts upper-case hex escapes and a :DN: in any case', () => {
    expect(parseFilter('(cn=\\2A)')).toEqual(eq('cn', '*'));
    expect(parseFilter('(cn:DN:=x)')).toMatchObject({ dnAttributes: true });
  });

  it('reads a filter without outer parentheses as ldapsearch does', () => {
    expect(parseFilter('uid=alice')).toEqual(eq('uid', 'alice'));
    expect(parseFilter('  (uid=alice)  ')).toEqual(eq('uid', 'alice'));
  });

  it('escapes everything that would change the structure', () => {
    const filter = eq('cn', 'a*b(c)d\\e\0f');
    expect(formatFilter(filter)).toBe('(cn=a\\2ab\\28c\\29d\\5ce\\00f)');
    expect(parseFilter(formatFilter(filter))).toEqual(filter);
  });

  it('parses and formats 100,000 nested NOTs without recursion', () => {
    const depth = 100_000;
    const text = `${'(!'.repeat(depth)}(cn=x)${')'.repeat(depth)}`;
    const filter = parseFilter(text);
    expect(formatFilter(filter)).toBe(text);
  });
});

describe('FilterSyntaxError', () => {
  it.each([
    ['(cn=x', 5, "missing ')'"],
    ['(cn=x))', 6, 'unexpected text after the filter'],
    ['(cn=x)(sn=y)', 6, 'unexpected text after the filter'],
    ['()', 1, 'missing attribute description'],
    ['(=x)', 1, 'missing attribute description'],
    ['(cn)', 3, "expected '=', '~=', '>=', '<=' or ':', found ')'"],
    ['(cn>x)', 3, "expected '=', '~=', '>=', '<=' or ':', found '>'"],
    ['(cn~=a*b)', 5, "unescaped '*' in a value that is not a substring"],
    ['(cn=a**b)', 6, "empty substring between two '*'"],
    ['(cn=***)', 5, "empty substring between two '*'"],
    ['(cn=\\zz)', 4, "'\\' must be followed by two hex digits"],
    ['(cn=\\2)', 4, "'\\' must be followed by two hex digits"],
    ['(cn=\\c3)', 4, 'escaped bytes are not valid UTF-8'],
    ['(cn=(x)', 4, "'(' must be escaped in a value"],
    ['(cn=\0)', 4, "'\\0' must be escaped in a value"],
    ['(!(a=b)(c=d))', 7, "'!' takes exactly one filter"],
    ['(!)', 0, "'!' takes exactly one filter"],
    ['(&(a=b)x)', 7, "expected '(' or ')', found 'x'"],
    ['(&(a=b)', 7, "missing ')'"],
    ['(:=x)', 1, 'extensible match needs an attribute or a matching rule'],
    ['(cn:=x', 6, "missing ')'"],
    ['(cn::=x)', 4, 'missing matching rule'],
    ['(cn:rule=x)', 8, "expected ':='"],
    ['', 0, 'empty filter'],
    ['x', 1, "expected '=', '~=', '>=', '<=' or ':', found ')'"],
  ])('%j at position %i: %s', (text, position, detail) => {
    const error = syntaxError(text);
    expect(error.detail).toBe(detail);
    expect(error.position).toBe(position);
    expect(error.message).toBe(`invalid LDAP filter: ${detail} at position ${position}`);
  });

  it('counts positions in the caller’s string for a bare item', () => {
    expect(syntaxError('  cn~=a*').position).toBe(2 + 4);
  });
});

/** mulberry32, seeded. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parse fuzzing', () => {
  it('parses random strings to a filter that round-trips, or to FilterSyntaxError', () => {
    const next = random(4515);
    const alphabet = [
      '(',
      ')',
      '&',
      '|',
      '!',
      '=',
      '*',
      '~',
      '>',
      '<',
      ':',
      '\\',
      '2a',
      'c3',
      'cn',
      'dn',
      ' ',
      'ü',
      '1.2',
    ];
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const length = 1 + Math.floor(next() * 16);
      const text = `(${Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('')})`;
      let filter: Filter;
      try {
        filter = parseFilter(text);
      } catch (error) {
        expect(error).toBeInstanceOf(FilterSyntaxError);
        continue;
      }
      parsed++;
      expect(parseFilter(formatFilter(filter))).toEqual(filter);
    }
    expect(parsed).toBeGreaterThan(50);
  });
});
