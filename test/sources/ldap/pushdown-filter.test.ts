import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../scripts/seeded-random.js';
import { makeEntry } from '../../../src/schema/entry.js';
import { FilterEvaluator } from '../../../src/directory/evaluator.js';
import { Schema } from '../../../src/schema/schema.js';
import type { Filter } from '../../../src/filter/ast.js';
import { formatFilter } from '../../../src/filter/format.js';
import { parseFilter } from '../../../src/filter/parse.js';
import { DEFAULT_PHONE_FIELDS } from '../../../src/sources/ldap/ldap-defaults.js';
import {
  ACCENTABLE_LETTERS,
  PushdownFilter,
  nationalDigits,
  numberPrefixOf,
} from '../../../src/sources/ldap/pushdown-filter.js';

const pushdown = new PushdownFilter({ phoneFields: DEFAULT_PHONE_FIELDS, defaultCountry: 'DE' });

/** The backend filter string for a filter written in RFC 4515 form, or `*` for "everything". */
function pushed(filter: string, exactFields?: readonly string[]): string {
  const widened = pushdown.translate(parseFilter(filter), exactFields);
  return widened === undefined ? '*' : formatFilter(widened);
}

/** Native fields that fill only identifiers under the ldap source's default map. */
const IDENTIFIER_FIELDS = ['mail', 'userPrincipalName', 'sAMAccountName', 'uid'];

describe('PushdownFilter: text', () => {
  it.each([
    ['(sn=muller*)', '(sn=m*)'],
    ['(sn=Müller)', '(sn=M*)'],
    ['(cn=*bmp*)', '(cn=*bmp*)'],
    ['(cn=Bob Smith)', '(cn=B*b*m*)'],
    ['(sn=Bb)', '(sn=Bb)'],
    ['(sn=*)', '(sn=*)'],
    ['(sn=anna)', '*'],
    ['(employeeNumber=12345)', '(employeeNumber=12345)'],
    ['(mail=bmw@x.de)', '(mail=bm*@x.*)'],
    // Structure characters and NUL go down escaped; non-ASCII becomes a wildcard.
    ['(cn=f\\2a\\28\\29\\5c\\00b)', '(cn=f\\2a\\28\\29\\5c*b)'],
    ['(cn=*\\2a*)', '(cn=*\\2a*)'],
    ['(cn=\\e6\\97\\a5\\e6\\9c\\acbm)', '(cn=*bm)'],
    ['(cn=m*ü*)', '(cn=m*)'],
    ['(cn=*m*)', '(cn=*m*)'],
  ])('%s -> %s', (filter, expected) => {
    expect(pushed(filter)).toBe(expected);
  });

  it('treats every letter an accented Latin letter folds to as unknown', () => {
    expect([...ACCENTABLE_LETTERS].sort().join('')).toBe('acdeghijklnorstuwyz');
  });
});

describe('PushdownFilter: identifiers (exactFields)', () => {
  it.each([
    ['(mail=Anna.Mueller@Example.com)', '(mail=Anna.Mueller@Example.com)'],
    ['(mail=anna*)', '(mail=anna*)'],
    ['(mail=*mueller@example.com)', '(mail=*mueller@example.com)'],
    ['(mail=an*mu*@example.com)', '(mail=an*mu*@example.com)'],
    ['(MAIL=Anna.Mueller@Example.com)', '(MAIL=Anna.Mueller@Example.com)'],
    ['(userPrincipalName=jsmith@corp.example)', '(userPrincipalName=jsmith@corp.example)'],
    ['(sAMAccountName=jsmith)', '(sAMAccountName=jsmith)'],
    ['(uid=jsmith*)', '(uid=jsmith*)'],
    // A backend may normalise non-ASCII and spaces otherwise: those become wildcards.
    ['(mail=jürgen@firma.de)', '(mail=j*rgen@firma.de)'],
    ['(mail=ju\\cc\\88rgen@firma.de)', '(mail=j*rgen@firma.de)'],
    ['(uid=anna berg)', '(uid=anna*berg)'],
    ['(mail=*ü*)', '*'],
    // Structure characters go down escaped.
    ['(mail=*\\29\\28uid=\\2a*)', '(mail=*\\29\\28uid=\\2a*)'],
    // Names are still widened for accents, numbers still as digits.
    ['(cn=muller)', '(cn=m*)'],
    ['(sn=anna)', '*'],
    ['(&(mail=anna@x.de)(cn=muller*))', '(&(mail=anna@x.de)(cn=m*))'],
    ['(|(mail=anna*)(telephoneNumber=+49 30 1234))', '(|(mail=anna*)(telephoneNumber=*3*0*1*2*3*4*))'],
  ])('%s -> %s', (filter, expected) => {
    expect(pushed(filter, IDENTIFIER_FIELDS)).toBe(expected);
  });

  it('widens the same fields for accents when the query does not say they are identifiers', () => {
    expect(pushed('(mail=Anna.Mueller@Example.com)')).toBe('(mail=*.M*@*x*mp*.*m)');
    expect(pushed('(mail=anna*)')).toBe('*');
  });

  it('keeps a phone field a number even if named exact', () => {
    expect(pushed('(telephoneNumber=+49 30 1234)', ['telephoneNumber'])).toBe(
      '(telephoneNumber=*3*0*1*2*3*4*)',
    );
  });
});

describe('PushdownFilter: numbers', () => {
  it.each([
    ['(telephoneNumber=+49 30 1234-0001)', '(telephoneNumber=*3*0*1*2*3*4*0*0*0*1*)'],
    ['(telephoneNumber=030 12340001)', '(telephoneNumber=*3*0*1*2*3*4*0*0*0*1*)'],
    ['(telephoneNumber=0049 \\2830\\29 1234 0001)', '(telephoneNumber=*3*0*1*2*3*4*0*0*0*1*)'],
    ['(telephoneNumber=+49 \\280\\2930 12340001)', '(telephoneNumber=*3*0*1*2*3*4*0*0*0*1*)'],
    ['(mobile=*0151 23*)', '(mobile=*1*5*1*2*3*)'],
    ['(TELEPHONENUMBER=*123*)', '(TELEPHONENUMBER=*1*2*3*)'],
    ['(ipPhone=4711)', '(ipPhone=*7*1*1*)'],
    ['(telephoneNumber=+33 1 23 45)', '(telephoneNumber=*3*3*1*2*3*4*5*)'],
    ['(telephoneNumber=*abc*)', '*'],
    ['(telephoneNumber=0049)', '*'],
    ['(telephoneNumber=*)', '(telephoneNumber=*)'],
  ])('%s -> %s', (filter, expected) => {
    expect(pushed(filter)).toBe(expected);
  });

  it('takes off the longest run of international prefix, calling code and trunk prefix', () => {
    const prefix = numberPrefixOf('DE');
    expect(prefix).toBe('00490');
    expect(nationalDigits('004930', prefix)).toBe('30');
    expect(nationalDigits('9301', prefix)).toBe('301');
    expect(nationalDigits('123', prefix)).toBe('123');
    expect(numberPrefixOf('US')).toBe('01111');
    expect(() => numberPrefixOf('XX')).toThrow(/unknown default country/);
  });
});

describe('PushdownFilter: structure', () => {
  it.each([
    ['(&(sn=*bm*)(telephoneNumber>=1))', '(sn=*bm*)'],
    ['(&(sn>=a)(cn~=b))', '*'],
    ['(|(sn=*bm*)(cn<=b))', '*'],
    ['(|(cn=*bm*)(telephoneNumber=*123*))', '(|(cn=*bm*)(telephoneNumber=*1*2*3*))'],
    ['(!(cn=bm))', '*'],
    ['(&(!(cn=bm))(cn=*bm*))', '(cn=*bm*)'],
    ['(cn:caseExactMatch:=bm)', '*'],
    ['(&(objectClass=*)(|(cn=*bm*)(sn=*bm*)))', '(&(objectClass=*)(|(cn=*bm*)(sn=*bm*)))'],
  ])('%s -> %s', (filter, expected) => {
    expect(pushed(filter)).toBe(expected);
  });
});

// ---- superset property: what dirbridge matches, the backend's pushed-down filter also matches ----

const schema = Schema.load();
const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });

/** slapd-like matching: caseIgnore without accent folding; telephoneNumber drops spaces and hyphens. */
function backendMatches(filter: Filter, fields: Readonly<Record<string, string>>): boolean {
  switch (filter.type) {
    case 'and':
      return filter.filters.every((f) => backendMatches(f, fields));
    case 'or':
      return filter.filters.some((f) => backendMatches(f, fields));
    case 'present':
      return fields[filter.attribute] !== undefined;
    case 'equality':
    case 'substrings': {
      const stored = fields[filter.attribute];
      if (stored === undefined) return false;
      const phone = DEFAULT_PHONE_FIELDS.includes(filter.attribute);
      const prep = (text: string): string =>
        phone ? text.replace(/[\s-]/g, '') : text.toLowerCase().replace(/\s+/g, ' ').trim();
      const value = prep(stored);
      if (filter.type === 'equality') return value === prep(filter.value);
      let at = 0;
      if (filter.initial !== undefined) {
        if (!value.startsWith(prep(filter.initial))) return false;
        at = prep(filter.initial).length;
      }
      for (const part of filter.any) {
        const found = value.indexOf(prep(part), at);
        if (found < 0) return false;
        at = found + prep(part).length;
      }
      return (
        filter.final === undefined ||
        (value.endsWith(prep(filter.final)) && value.length - prep(filter.final).length >= at)
      );
    }
    default:
      throw new Error(`not pushed down: ${filter.type}`);
  }
}

const NAMES = [
  'Müller',
  'Jörg',
  'Ødegård',
  'Straße',
  'Łukasz',
  'Dvořák',
  'Çelik',
  'Ærø',
  'Þór',
  'Smith',
  'Bébé',
];
const MAILS = [
  'jürgen@firma.de',
  'ju\u0308rgen@firma.de',
  'jurgen@firma.de',
  'Anna.Mueller@Example.com',
  'anna.müller@example.com',
  'søren.østergaard@firma.dk',
  'STRASSE@firma.de',
];
const NUMBERS = [
  '+49 30 1234-0001',
  '030 12340001',
  '0049 (30) 1234 0001',
  '+49 (0)30 1234 0001',
  '030/1234-0001',
  '+33 1 23 45 67 89',
  '4711',
];

describe('PushdownFilter: superset of what dirbridge matches', () => {
  it('holds for names and numbers taken apart and reassembled at random', () => {
    const random = new SeededRandom(4);
    const fold = (text: string): string =>
      text
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace('ß', 'ss')
        .replace('ø', 'o')
        .replace('ł', 'l')
        .replace('æ', 'ae')
        .replace('þ', 'th');
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const sn = random.pick(NAMES);
      const telephoneNumber = random.pick(NUMBERS);
      const mail = random.pick(MAILS);
      const fields = { sn, telephoneNumber, mail };
      const entry = makeEntry('cn=x', [
        { name: 'sn', values: [sn] },
        { name: 'telephoneNumber', values: [telephoneNumber] },
        { name: 'mail', values: [mail] },
      ]);
      const source = random.next() < 0.5 ? fold(sn) : sn;
      const phone = random.pick(NUMBERS).replace(/\D/g, '');
      const mailbox = random.pick(MAILS);
      const asked = random.next() < 0.3 ? mailbox.toUpperCase() : mailbox;
      const cut = (text: string): string => {
        const from = random.int(0, Math.max(0, text.length - 1));
        return text.slice(from, random.int(from + 1, text.length));
      };
      const candidates: Filter[] = [
        { type: 'equality', attribute: 'sn', value: source },
        { type: 'substrings', attribute: 'sn', initial: cut(source), any: [] },
        { type: 'substrings', attribute: 'sn', any: [cut(source)] },
        {
          type: 'substrings',
          attribute: 'sn',
          any: [],
          final: source.slice(random.int(0, source.length - 1)),
        },
        { type: 'equality', attribute: 'telephoneNumber', value: random.pick(NUMBERS) },
        { type: 'substrings', attribute: 'telephoneNumber', any: [cut(phone)] },
        { type: 'substrings', attribute: 'telephoneNumber', initial: `+${cut(phone)}`, any: [] },
        { type: 'equality', attribute: 'mail', value: asked },
        { type: 'substrings', attribute: 'mail', initial: cut(asked), any: [] },
        { type: 'substrings', attribute: 'mail', any: [cut(asked)], final: asked.slice(-3) },
      ];
      for (const filter of candidates) {
        if (!evaluator.matches(filter, entry)) continue;
        checked++;
        const widened = pushdown.translate(filter, IDENTIFIER_FIELDS);
        if (widened === undefined) continue;
        expect(
          backendMatches(widened, fields),
          `${formatFilter(filter)} -> ${formatFilter(widened)} on ${JSON.stringify(fields)}`,
        ).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
