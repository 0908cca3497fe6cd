/**
 * The users filter of the graph source (src/sources/graph/odata-filter.ts), which the source
 * evaluates itself because `/users/delta` takes no `$filter`: what it reads, what it refuses and
 * how (the message goes into a config error), and how it judges a user as Graph returns it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  matchesODataFilter,
  ODataFilterError,
  parseODataFilter,
  propertiesOf,
  type ODataFilter,
} from '../../../src/sources/graph/odata-filter.js';

const SKU = '6fd2c87f-b296-42f0-b197-1e91e994b900';

/** A user as `/users/delta?$select=…` returns it; `department` was not returned at all. */
const USER = {
  id: '3f2b8c1e-0d4a-4e57-9b1a-7c6d5e4f3a21',
  accountEnabled: true,
  displayName: 'Jörg Müller',
  userPrincipalName: 'joerg.mueller@contoso.com',
  mail: 'Joerg.Mueller@Contoso.com',
  companyName: null,
  usageLocation: 'DE',
  createdDateTime: '2021-03-04T10:00:00Z',
  businessPhones: ['+49 30 1234-4711'],
  proxyAddresses: ['SMTP:joerg.mueller@contoso.com', 'smtp:jm@contoso.de'],
  onPremisesExtensionAttributes: { extensionAttribute1: '4711', extensionAttribute2: null },
  assignedLicenses: [{ skuId: SKU.toUpperCase(), disabledPlans: ['a82fbf69-b4d7-49f4-83a6-915b2cf354f4'] }],
};

function userMatches(filter: string): boolean {
  return matchesODataFilter(parseODataFilter(filter), USER);
}

function thrown(text: string): ODataFilterError {
  try {
    parseODataFilter(text);
  } catch (error) {
    if (error instanceof ODataFilterError) return error;
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

const mail = { properties: ['mail'] };

describe('parsing', () => {
  it.each<[string, ODataFilter]>([
    [
      'accountEnabled eq true',
      {
        kind: 'compare',
        op: 'eq',
        path: { properties: ['accountEnabled'] },
        value: { kind: 'boolean', value: true },
      },
    ],
    [
      "mail eq 'O''Brien@x'",
      { kind: 'compare', op: 'eq', path: mail, value: { kind: 'string', value: "O'Brien@x" } },
    ],
    ['mail Ne NULL', { kind: 'compare', op: 'ne', path: mail, value: { kind: 'null' } }],
    [
      'size gt -2.5e1',
      { kind: 'compare', op: 'gt', path: { properties: ['size'] }, value: { kind: 'number', value: -25 } },
    ],
    [
      'createdDateTime ge 2024-01-31T08:00:00+01:00',
      {
        kind: 'compare',
        op: 'ge',
        path: { properties: ['createdDateTime'] },
        value: { kind: 'dateTime', value: '2024-01-31T08:00:00+01:00', epochMs: Date.UTC(2024, 0, 31, 7) },
      },
    ],
    [
      'createdDateTime lt 2024-02-29',
      {
        kind: 'compare',
        op: 'lt',
        path: { properties: ['createdDateTime'] },
        value: { kind: 'dateTime', value: '2024-02-29', epochMs: Date.UTC(2024, 1, 29) },
      },
    ],
    [
      "onPremisesExtensionAttributes/extensionAttribute1 eq '123'",
      {
        kind: 'compare',
        op: 'eq',
        path: { properties: ['onPremisesExtensionAttributes', 'extensionAttribute1'] },
        value: { kind: 'string', value: '123' },
      },
    ],
    [
      "usageLocation in ('DE', 'AT',null)",
      {
        kind: 'in',
        path: { properties: ['usageLocation'] },
        values: [{ kind: 'string', value: 'DE' }, { kind: 'string', value: 'AT' }, { kind: 'null' }],
      },
    ],
    ["startsWith(mail,'a')", { kind: 'startswith', path: mail, value: 'a' }],
    ["ENDSWITH(mail, '@contoso.com')", { kind: 'endswith', path: mail, value: '@contoso.com' }],
    [
      "proxyAddresses/any(p:startswith(p,'smtp:'))",
      {
        kind: 'any',
        path: { properties: ['proxyAddresses'] },
        variable: 'p',
        body: { kind: 'startswith', path: { variable: 'p', properties: [] }, value: 'smtp:' },
      },
    ],
    [
      `assignedLicenses/all(x:x/skuId eq ${SKU})`,
      {
        kind: 'all',
        path: { properties: ['assignedLicenses'] },
        variable: 'x',
        body: {
          kind: 'compare',
          op: 'eq',
          path: { variable: 'x', properties: ['skuId'] },
          value: { kind: 'string', value: SKU },
        },
      },
    ],
    ['otherMails/any()', { kind: 'any', path: { properties: ['otherMails'] } }],
  ])('reads %s', (text, expected) => {
    expect(parseODataFilter(text)).toEqual(expected);
  });

  const eq = (name: string, value: number): ODataFilter => ({
    kind: 'compare',
    op: 'eq',
    path: { properties: [name] },
    value: { kind: 'number', value },
  });

  it.each<[string, ODataFilter]>([
    [
      'a eq 1 or b eq 2 and c eq 3',
      { kind: 'or', operands: [eq('a', 1), { kind: 'and', operands: [eq('b', 2), eq('c', 3)] }] },
    ],
    [
      '(a eq 1 or b eq 2) and c eq 3',
      { kind: 'and', operands: [{ kind: 'or', operands: [eq('a', 1), eq('b', 2)] }, eq('c', 3)] },
    ],
    ['not a eq 1 and b eq 2', { kind: 'and', operands: [{ kind: 'not', operand: eq('a', 1) }, eq('b', 2)] }],
    ['not (a eq 1 or b eq 2)', { kind: 'not', operand: { kind: 'or', operands: [eq('a', 1), eq('b', 2)] } }],
    ['a eq 1 and b eq 2 and c eq 3', { kind: 'and', operands: [eq('a', 1), eq('b', 2), eq('c', 3)] }],
    ['a eq 1\n\tOR\r\n((b eq 2))', { kind: 'or', operands: [eq('a', 1), eq('b', 2)] }],
  ])('groups %j by precedence (not, then and, then or)', (text, expected) => {
    expect(parseODataFilter(text)).toEqual(expected);
  });

  it('binds a path to the innermost lambda variable of its name, in any case, and others to the user', () => {
    expect(parseODataFilter("a/any(x:x/b/any(X:X eq 'v' and x/c eq 1 and mail eq null))")).toEqual({
      kind: 'any',
      path: { properties: ['a'] },
      variable: 'x',
      body: {
        kind: 'any',
        path: { variable: 'x', properties: ['b'] },
        variable: 'X',
        body: {
          kind: 'and',
          operands: [
            {
              kind: 'compare',
              op: 'eq',
              path: { variable: 'X', properties: [] },
              value: { kind: 'string', value: 'v' },
            },
            {
              kind: 'compare',
              op: 'eq',
              path: { variable: 'X', properties: ['c'] },
              value: { kind: 'number', value: 1 },
            },
            { kind: 'compare', op: 'eq', path: mail, value: { kind: 'null' } },
          ],
        },
      },
    });
  });

  it.each([
    ['', 'at 1: the filter is empty'],
    [' \n ', 'at 1: the filter is empty'],
    [
      'accountEnabled eq',
      "at 18: expected a value ('text', a number, true, false, null, a date or a GUID), found the end of the filter",
    ],
    ['(accountEnabled eq true', "at 24: expected ')' to close the '(' at 1, found the end of the filter"],
    ['(a eq 1 b eq 2)', "at 9: expected ')' to close the '(' at 1, found 'b'"],
    ['accountEnabled eq true)', "at 23: expected 'and', 'or' or the end of the filter, found ')'"],
    ["mail eq 'a' and", "at 16: expected a property name, a function or '(', found the end of the filter"],
    ["'a' eq mail", "at 1: expected a property name, a function or '(', found 'a'"],
    ['not', "at 4: expected a property name, a function or '(', found the end of the filter"],
    ["displayName eq 'O''Brien", 'at 16: the string that starts here has no closing quote'],
    [
      "contains(displayName,'a')",
      'at 1: Graph does not support contains() on directory objects such as users: use startswith() or endswith()',
    ],
    ["substringof('a',mail)", "at 1: unknown function 'substringof': use startswith() or endswith()"],
    [
      "displayName like 'a%'",
      "at 13: expected eq, ne, gt, ge, lt, le or in after 'displayName', found 'like'",
    ],
    ['accountEnabled gt true', "at 19: gt cannot compare with 'true': only eq and ne can"],
    ['mail lt null', "at 9: lt cannot compare with 'null': only eq and ne can"],
    [
      'mail in ()',
      "at 10: expected a value ('text', a number, true, false, null, a date or a GUID), found ')'",
    ],
    ["mail in 'a'", "at 9: expected '(' after in, found 'a'"],
    ["mail in ('a' 'b')", "at 14: expected ')' to close the list, found 'b'"],
    [
      'startswith(mail,1)',
      "at 17: expected a 'quoted string' as the second argument of startswith(), found '1'",
    ],
    ["startswith(mail,'')", 'at 17: startswith() needs a non-empty string, as Graph does'],
    ["startswith('a',mail)", "at 12: expected a property name, found 'a'"],
    ["startswith(mail 'a')", "at 17: expected ',' after the property in startswith(), found 'a'"],
    ["endswith(mail,'a'", "at 18: expected ')' to close endswith(, found the end of the filter"],
    ["proxyAddresses/any(p p eq 'x')", "at 22: expected ':' after the variable 'p', found 'p'"],
    ['proxyAddresses/all()', "at 20: expected a variable name, as in all(x:x eq 'a'), found ')'"],
    [
      "proxyAddresses/any(p:startswith(p,'smtp:')",
      "at 43: expected ')' to close the any( at 19, found the end of the filter",
    ],
    ["mail/ eq 'x'", "at 6: expected a property name right after '/', found 'eq'"],
    ["a/'b' eq 1", "at 3: expected a property name right after '/', found 'b'"],
    ["mail eq 'a' # x", "at 13: unexpected character '#'"],
    [
      'employeeId eq 12ab',
      "at 15: '12ab' is not a number, a date (2024-01-31), a date-time with an offset or a GUID",
    ],
    [
      'createdDateTime ge 2024-02-30',
      "at 20: '2024-02-30' is not a number, a date (2024-01-31), a date-time with an offset or a GUID",
    ],
    [
      'createdDateTime ge 2024-01-01T10:00:00',
      "at 20: '2024-01-01T10:00:00' is not a number, a date (2024-01-31), a date-time with an offset or a GUID",
    ],
    ['x eq abc-def', "at 6: 'abc-def' is neither a property name nor a GUID"],
    ['x eq 1e999', "at 6: the number '1e999' is too large"],
    [`x eq '${'y'.repeat(100)}`, 'at 6: the string that starts here has no closing quote'],
    [
      `${'y'.repeat(100)} x`,
      `at 102: expected eq, ne, gt, ge, lt, le or in after '${'y'.repeat(40)}…', found 'x'`,
    ],
  ])('refuses %j: %s', (text, message) => {
    expect(thrown(text).message).toBe(message);
  });

  it('gives the position and the detail apart, for callers that word their own message', () => {
    const error = thrown('(a eq 1');
    expect(error).toBeInstanceOf(ODataFilterError);
    expect(error.name).toBe('ODataFilterError');
    expect([error.position, error.detail]).toEqual([
      8,
      "expected ')' to close the '(' at 1, found the end of the filter",
    ]);
  });
});

describe('hostile input', () => {
  const nest = (depth: number): string => `${'('.repeat(depth)}a eq 1${')'.repeat(depth)}`;

  it(`reads ${MAX_FILTER_DEPTH} levels of nesting and refuses one more where it starts`, () => {
    expect(() => parseODataFilter(nest(MAX_FILTER_DEPTH))).not.toThrow();
    expect(thrown(nest(MAX_FILTER_DEPTH + 1)).message).toBe(
      `at ${MAX_FILTER_DEPTH + 1}: the filter nests deeper than ${MAX_FILTER_DEPTH} levels`,
    );
    expect(thrown(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}a eq 1`).position).toBe(4 * MAX_FILTER_DEPTH + 1);
    const lambdas = `${'a/any(x:'.repeat(MAX_FILTER_DEPTH + 1)}x eq 1${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    expect(thrown(lambdas).detail).toBe(`the filter nests deeper than ${MAX_FILTER_DEPTH} levels`);
  });

  it(`refuses a filter longer than ${MAX_FILTER_LENGTH} characters before reading it`, () => {
    expect(thrown('a eq 1 or '.repeat(500)).message).toBe(
      `at ${MAX_FILTER_LENGTH + 1}: the filter is longer than ${MAX_FILTER_LENGTH} characters`,
    );
  });

  it('reads a chain of or as long as the limit allows as one node, and evaluates it', () => {
    let text = "usageLocation eq 'de'";
    while (text.length + 'a eq 1 or '.length <= MAX_FILTER_LENGTH) text = `a eq 1 or ${text}`;
    const filter = parseODataFilter(text);
    expect(text.length).toBeGreaterThan(MAX_FILTER_LENGTH - 10);
    expect(filter.kind === 'or' && filter.operands.length).toBe(408);
    expect(matchesODataFilter(filter, USER)).toBe(true);
  });

  it.each([
    ["'", "'".repeat(MAX_FILTER_LENGTH - 1)],
    ['(', '('.repeat(MAX_FILTER_LENGTH)],
    ['digits', `a eq ${'1'.repeat(MAX_FILTER_LENGTH - 5)}`],
    ['dashes', `a eq ${'1-'.repeat(2000)}`],
    ['a name and a dash', `${'a'.repeat(MAX_FILTER_LENGTH - 1)}-`],
    ['slashes', `${'a/'.repeat(2000)}a eq 1`],
  ])('answers at once for %s filling the limit', (_, text) => {
    const started = performance.now();
    try {
      parseODataFilter(text);
    } catch (error) {
      expect(error).toBeInstanceOf(ODataFilterError);
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reads only the item’s own properties, never its prototype', () => {
    expect(userMatches('constructor eq null and toString eq null and __proto__ eq null')).toBe(true);
  });
});

describe('evaluation against a user as Graph returns it', () => {
  it.each([
    // booleans and case-insensitive text
    ['accountEnabled eq true', true],
    ['accountEnabled eq false', false],
    ['accountEnabled ne false', true],
    ["displayName eq 'JÖRG MÜLLER'", true],
    ["mail eq 'joerg.mueller@contoso.com'", true],
    ["startswith(mail,'JOERG')", true],
    ["endswith(userPrincipalName,'@CONTOSO.COM')", true],
    ["startswith(displayName,'Mü')", false],
    ["displayName ge 'j' and displayName lt 'K'", true],
    ["usageLocation in ('AT','de','CH')", true],
    ["usageLocation in ('AT','CH')", false],
    ['AccountEnabled eq true', true],
    // null and missing: eq null holds, ne is the negation of eq, the rest is false
    ['companyName eq null', true],
    ['department eq null', true],
    ['mail eq null', false],
    ['mail ne null', true],
    ['companyName ne null', false],
    ["companyName eq 'Contoso'", false],
    ["companyName ne 'Contoso'", true],
    ["department gt 'a' or department le 'a'", false],
    ["startswith(companyName,'C')", false],
    ["not startswith(companyName,'C')", true],
    ["companyName in ('Contoso', null)", true],
    // nested objects
    ["onPremisesExtensionAttributes/extensionAttribute1 eq '4711'", true],
    ['ONPREMISESEXTENSIONATTRIBUTES/EXTENSIONATTRIBUTE1 ne null', true],
    ['onPremisesExtensionAttributes/extensionAttribute2 eq null', true],
    ['onPremisesExtensionAttributes/extensionAttribute3 eq null', true],
    ['displayName/first eq null', true],
    // a literal of another type never equals the value (Graph would refuse the filter)
    ['onPremisesExtensionAttributes/extensionAttribute1 eq 4711', false],
    ["accountEnabled eq 'true'", false],
    // lambdas over collections
    ["proxyAddresses/any(p:startswith(p,'smtp:'))", true],
    ["proxyAddresses/all(p:startswith(p,'smtp:'))", true],
    ["proxyAddresses/all(p:endswith(p,'.com'))", false],
    ["proxyAddresses/any(p:p eq 'SMTP:JM@CONTOSO.DE')", true],
    ["proxyAddresses/any(p:startswith(P,'smtp:') and accountEnabled eq true)", true],
    ["businessPhones/any(p:p eq '+49 30 1234-4711')", true],
    [`assignedLicenses/any(x:x/skuId eq ${SKU})`, true],
    [`assignedLicenses/any(x:x/skuId eq '${SKU}')`, true],
    ['assignedLicenses/any(x:x/skuId eq 00000000-0000-0000-0000-000000000000)', false],
    ['assignedLicenses/any(x:x/disabledPlans/any(p:p eq A82FBF69-B4D7-49F4-83A6-915B2CF354F4))', true],
    ['assignedLicenses/any()', true],
    ['otherMails/any()', false],
    ["otherMails/any(m:m eq 'x')", false],
    ["otherMails/all(m:m eq 'x')", true],
    ["not proxyAddresses/any(p:p eq 'x')", true],
    ["displayName/any(c:c eq 'J')", false],
    // dates against ISO text
    ['createdDateTime ge 2021-01-01T00:00:00Z', true],
    ['createdDateTime lt 2021-03-04', false],
    ['createdDateTime eq 2021-03-04T11:00:00+01:00', true],
    ['createdDateTime gt 2021-03-04T10:00:00.5Z', false],
    ['displayName gt 2021-03-04', false],
    // precedence
    ["accountEnabled eq false and mail eq null or usageLocation eq 'DE'", true],
    ["accountEnabled eq false and (mail eq null or usageLocation eq 'DE')", false],
    ["not accountEnabled eq false and usageLocation eq 'DE'", true],
    ["not (accountEnabled eq true and usageLocation eq 'DE')", false],
    ["accountEnabled eq true or usageLocation eq 'AT' and mail eq null", true],
    ["(accountEnabled eq true or usageLocation eq 'AT') and mail eq null", false],
    ["not not usageLocation eq 'DE'", true],
  ])('%s -> %s', (filter, expected) => {
    expect(userMatches(filter)).toBe(expected);
  });

  it.each([
    ['size gt 9', true],
    ['size le 10', true],
    ['size eq 10.0', true],
    ['size eq 1e1', true],
    ["size eq '10'", false],
    ['ratio lt 2.5', false],
    ['ratio ge 2.5', true],
    ['size gt -1', true],
    ['size in (1, 10)', true],
  ])('compares numbers: %s -> %s', (filter, expected) => {
    expect(matchesODataFilter(parseODataFilter(filter), { size: 10, ratio: 2.5 })).toBe(expected);
  });
});

describe('propertiesOf', () => {
  it.each([
    ['accountEnabled eq true', ['accountEnabled']],
    [
      "accountEnabled eq true and onPremisesExtensionAttributes/extensionAttribute1 eq '1'",
      ['accountEnabled', 'onPremisesExtensionAttributes'],
    ],
    ["proxyAddresses/any(p:startswith(p,'smtp:'))", ['proxyAddresses']],
    [`assignedLicenses/any(x:x/skuId eq ${SKU} and department eq 'x')`, ['assignedLicenses', 'department']],
    ["mail eq 'a' or Mail eq 'b' or not startswith(MAIL,'c')", ['mail']],
    ["usageLocation in ('DE') or endswith(userPrincipalName,'@x')", ['usageLocation', 'userPrincipalName']],
    ['a/any(x:x/b/any(y:y eq 1 and c eq 2)) or d/any()', ['a', 'c', 'd']],
  ])('%s reads %j', (filter, expected) => {
    expect(propertiesOf(parseODataFilter(filter))).toEqual(expected);
  });
});

describe('laws, on random filters and users', () => {
  const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;
  const name = fc.constantFrom('a', 'b', 'A', 'missing');
  const text = fc.constantFrom('x', 'X', 'xy', 'Y', "o'b", '');
  const word = text.filter((value) => value !== '');
  const number = fc.integer({ min: -3, max: 3 }).map(String);
  const literal = fc.oneof(text.map(quote), number, fc.constantFrom('true', 'false', 'null'));
  const leaf = fc.oneof(
    fc.tuple(name, fc.constantFrom('eq', 'ne'), literal).map((parts) => parts.join(' ')),
    fc
      .tuple(name, fc.constantFrom('gt', 'ge', 'lt', 'le'), fc.oneof(text.map(quote), number))
      .map((parts) => parts.join(' ')),
    fc
      .tuple(fc.constantFrom('startswith', 'endswith'), name, word)
      .map(([f, n, w]) => `${f}(${n},${quote(w)})`),
    fc
      .tuple(name, fc.array(literal, { minLength: 1, maxLength: 3 }))
      .map(([n, values]) => `${n} in (${values.join(',')})`),
    fc
      .tuple(fc.constantFrom('any', 'all'), fc.constantFrom('eq', 'ne'), text)
      .map(([q, op, t]) => `tags/${q}(t:t ${op} ${quote(t)})`),
    fc.constant('tags/any()'),
  );
  const { filter } = fc.letrec<{ filter: string }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('filter'), tie('filter')).map(([l, r]) => `(${l}) and (${r})`),
      fc.tuple(tie('filter'), tie('filter')).map(([l, r]) => `(${l}) or (${r})`),
      tie('filter').map((f) => `not (${f})`),
    ),
  }));
  const value = fc.oneof(text, fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(null));
  const item = fc.record(
    { a: value, b: value, tags: fc.array(text, { maxLength: 3 }) },
    { requiredKeys: [] },
  );
  const matches = (text: string, subject: Record<string, unknown>): boolean =>
    matchesODataFilter(parseODataFilter(text), subject);

  it('not not f is f', () => {
    fc.assert(fc.property(filter, item, (f, i) => matches(`not (not (${f}))`, i) === matches(f, i)));
  });

  it('and and or commute', () => {
    fc.assert(
      fc.property(filter, filter, item, (f, g, i) => {
        expect(matches(`(${f}) and (${g})`, i)).toBe(matches(`(${g}) and (${f})`, i));
        expect(matches(`(${f}) or (${g})`, i)).toBe(matches(`(${g}) or (${f})`, i));
      }),
    );
  });

  it('De Morgan: not (f and g) is not f or not g', () => {
    fc.assert(
      fc.property(filter, filter, item, (f, g, i) => {
        expect(matches(`not ((${f}) and (${g}))`, i)).toBe(matches(`not (${f}) or not (${g})`, i));
      }),
    );
  });

  it('x ne v is not (x eq v), and x in (v, w) is x eq v or x eq w', () => {
    fc.assert(
      fc.property(name, literal, literal, item, (n, v, w, i) => {
        expect(matches(`${n} ne ${v}`, i)).toBe(matches(`not (${n} eq ${v})`, i));
        expect(matches(`${n} in (${v},${w})`, i)).toBe(matches(`${n} eq ${v} or ${n} eq ${w}`, i));
      }),
    );
  });

  it('the case of the user’s text changes nothing', () => {
    const shout = (subject: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(subject).map(([key, held]) => [
          key,
          typeof held === 'string'
            ? held.toUpperCase()
            : Array.isArray(held)
              ? held.map((t: string) => t.toUpperCase())
              : held,
        ]),
      );
    fc.assert(fc.property(filter, item, (f, i) => matches(f, shout(i)) === matches(f, i)));
  });

  it('refuses any other text only with an ODataFilterError that points into it', () => {
    const pieces = fc.constantFrom(
      'a',
      'eq',
      'ne',
      'gt',
      "'x'",
      "'",
      '(',
      ')',
      '/',
      ':',
      ',',
      'any',
      'all',
      'not',
      'and',
      'or',
      'in',
      '1',
      '-',
      '2024-01-01',
      '2024-01-01T00:00Z',
      SKU,
      'startswith',
      'contains',
      'null',
      'true',
      ' ',
    );
    const junk = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join(' ')),
      fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(junk, item, (text, i) => {
        let parsed: ODataFilter;
        try {
          parsed = parseODataFilter(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ODataFilterError);
          const { position } = error as ODataFilterError;
          expect(position).toBeGreaterThanOrEqual(1);
          expect(position).toBeLessThanOrEqual(text.length + 1);
          return;
        }
        expect(typeof matchesODataFilter(parsed, i)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
