/**
 * The `$filter` grammar, its evaluation (case-insensitive, as Entra ID and Exchange compare), and
 * the per-resource rules that decide what needs the advanced-query form.
 */
import { describe, expect, it } from 'vitest';
import { userFrom } from './directory-model.js';
import { checkFilter, MAIL_CONTACT_FILTER_RULES, USER_FILTER_RULES } from './filter-rules.js';
import { GraphFailure } from './graph-errors.js';
import { FilterSyntaxError, matchesFilter, parseFilter } from './odata-filter.js';
import { matchesSearch, parseSearch } from './odata-search.js';

const user = {
  id: 'u1',
  ...userFrom({
    userPrincipalName: 'joerg.mueller@contoso.com',
    displayName: 'Jörg Müller',
    surname: 'Müller',
    mail: 'joerg.mueller@contoso.com',
    accountEnabled: true,
    businessPhones: ['+49 30 1234-4711'],
    proxyAddresses: ['SMTP:joerg.mueller@contoso.com'],
    onPremisesExtensionAttributes: { extensionAttribute1: '4711' },
  }),
};

function userMatches(filter: string, advanced = false): boolean {
  return matchesFilter(checkFilter(filter, USER_FILTER_RULES, advanced), user);
}

describe('parsing', () => {
  it('reads comparisons, functions, in, not, lambdas and precedence (and binds tighter than or)', () => {
    expect(parseFilter("a eq 'x' or b eq 'y' and c eq true")).toEqual({
      kind: 'or',
      left: { kind: 'compare', op: 'eq', path: ['a'], value: 'x' },
      right: {
        kind: 'and',
        left: { kind: 'compare', op: 'eq', path: ['b'], value: 'y' },
        right: { kind: 'compare', op: 'eq', path: ['c'], value: true },
      },
    });
    expect(parseFilter("emailAddresses/any(a:a/address eq 'x@y')")).toMatchObject({
      kind: 'lambda',
      path: ['emailAddresses'],
      variable: 'a',
      body: { kind: 'compare', path: ['a', 'address'] },
    });
    expect(parseFilter("id in ('a', 'b')")).toEqual({ kind: 'in', path: ['id'], values: ['a', 'b'] });
    expect(parseFilter("not(startsWith(displayName,'A'))")).toMatchObject({
      kind: 'not',
      operand: { kind: 'call', name: 'startswith' },
    });
  });

  it('reads a doubled quote as one quote', () => {
    expect(parseFilter("displayName eq 'O''Brien'")).toMatchObject({ value: "O'Brien" });
  });

  it.each([
    "displayName eq 'open",
    'displayName eq',
    "contains(displayName,'x')",
    "displayName like 'x'",
    "(displayName eq 'x'",
  ])('refuses %s', (text) => {
    expect(() => parseFilter(text)).toThrow(FilterSyntaxError);
  });
});

describe('evaluation against a user', () => {
  it.each([
    ["displayName eq 'jörg müller'", true],
    ["startswith(displayName,'JÖ')", true],
    ["startswith(displayName,'Mü')", false],
    ['accountEnabled eq true', true],
    ['accountEnabled eq false', false],
    ["businessPhones/any(p:p eq '+49 30 1234-4711')", true],
    ["proxyAddresses/any(x:startswith(x,'smtp:joerg'))", true],
    ["mail eq 'x@contoso.com' or surname eq 'müller'", true],
    ["id in ('u2', 'u1')", true],
  ])('%s -> %s', (filter, expected) => {
    expect(userMatches(filter)).toBe(expected);
  });

  it('evaluates advanced clauses when the advanced form is on', () => {
    expect(userMatches("endswith(mail,'@contoso.com')", true)).toBe(true);
    expect(userMatches("onPremisesExtensionAttributes/extensionAttribute1 eq '4711'", true)).toBe(true);
    expect(userMatches("not(displayName eq 'x')", true)).toBe(true);
    expect(userMatches('faxNumber eq null', true)).toBe(true);
    expect(userMatches("displayName ne 'Jörg Müller'", true)).toBe(false);
  });
});

describe('resource rules', () => {
  it.each([
    "endswith(mail,'@contoso.com')",
    "displayName ne 'x'",
    "not(displayName eq 'x')",
    "companyName eq 'Contoso GmbH'",
    "onPremisesExtensionAttributes/extensionAttribute1 eq '4711'",
    'mobilePhone eq null',
  ])('keeps %s for advanced queries', (filter) => {
    expect(() => checkFilter(filter, USER_FILTER_RULES, false)).toThrow(GraphFailure);
    expect(() => checkFilter(filter, USER_FILTER_RULES, true)).not.toThrow();
  });

  it('refuses what no form allows, naming the property and resource', () => {
    expect(() => checkFilter("createdDateTime eq 'x'", USER_FILTER_RULES, true)).toThrow(
      "Unsupported or invalid query filter clause specified for property 'createdDateTime' of resource 'User'.",
    );
  });

  it('puts property names into the resource’s spelling', () => {
    expect(checkFilter("DISPLAYNAME eq 'x'", USER_FILTER_RULES, false)).toMatchObject({
      path: ['displayName'],
    });
    expect(
      checkFilter("emailAddresses/any(a:a/Address eq 'x')", MAIL_CONTACT_FILTER_RULES, false),
    ).toMatchObject({
      path: ['emailAddresses'],
      body: { path: ['a', 'address'] },
    });
  });
});

describe('$search', () => {
  const properties = ['displayName', 'mail'];

  it.each([
    ['"displayName:jö"', true],
    ['"displayName:mü jö"', true],
    ['"displayName:ller"', false],
    ['"mail:mueller"', true],
    ['"displayName:x" OR "mail:contoso"', true],
    ['"displayName:x" AND "mail:contoso"', false],
  ])('%s -> %s', (text, expected) => {
    expect(matchesSearch(parseSearch(text, properties), user)).toBe(expected);
  });

  it('splits camel case into words', () => {
    const camel = { ...user, displayName: 'SharePointAdmin' };
    expect(matchesSearch(parseSearch('"displayName:point"', properties), camel)).toBe(true);
  });

  it('refuses unquoted clauses and unknown properties', () => {
    expect(() => parseSearch('displayName:x', properties)).toThrow(GraphFailure);
    expect(() => parseSearch('"jobTitle:x"', properties)).toThrow(GraphFailure);
  });
});
