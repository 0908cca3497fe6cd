import { describe, expect, it } from 'vitest';
import { MatchingRules, type SubstringsAssertion } from '../../src/schema/matching-rules.js';
import { Schema, type AttributeType } from '../../src/schema/schema.js';

/** The presented schema plus attributes of the kinds it has no user attribute for. */
function testSchema(): Schema {
  const base = Schema.load().definition;
  return new Schema({
    ...base,
    attributeTypes: [
      ...base.attributeTypes,
      {
        oid: '1.2.840.113556.1.4.8',
        names: ['userAccountControl'],
        syntax: '1.3.6.1.4.1.1466.115.121.1.27',
        equality: 'integerMatch',
        ordering: 'integerOrderingMatch',
      },
      {
        oid: '0.9.2342.19200300.100.1.10',
        names: ['manager'],
        syntax: '1.3.6.1.4.1.1466.115.121.1.12',
        equality: 'distinguishedNameMatch',
      },
      {
        oid: '1.3.6.1.4.1.99999.1',
        names: ['testFlag'],
        syntax: '1.3.6.1.4.1.1466.115.121.1.7',
        equality: 'booleanMatch',
      },
    ],
  });
}

const schema = testSchema();
const rules = new MatchingRules(schema, { defaultCountry: 'DE' });
const type = (name: string): AttributeType => schema.attribute(name)!;

const equality = (attribute: string, values: readonly string[], assertion: string): boolean | undefined =>
  rules.equality(type(attribute), assertion)?.(values);
const substrings = (
  attribute: string,
  values: readonly string[],
  assertion: SubstringsAssertion,
): boolean | undefined => rules.substrings(type(attribute), assertion)?.(values);

describe('text equality (caseIgnoreMatch with accents folded)', () => {
  it.each([
    ['Anna Müller', 'anna muller', true],
    ['Anna Müller', 'ANNA  MÜLLER ', true],
    ['Jörg', 'jorg', true],
    ['Čapek', 'capek', true],
    ['Straße', 'strasse', true],
    ['Anna Müller', 'anna mueller', false],
    ['Anna Müller', 'anna', false],
  ])('%j = %j: %s', (value, assertion, expected) => {
    expect(equality('cn', [value], assertion)).toBe(expected);
  });

  it('matches when any value matches', () => {
    expect(equality('cn', ['Anna', 'Müller'], 'muller')).toBe(true);
  });

  it('compares objectClass case-insensitively and by OID', () => {
    expect(equality('objectClass', ['top', 'inetOrgPerson'], 'INETORGPERSON')).toBe(true);
    expect(equality('objectClass', ['top', 'person'], '2.5.6.6')).toBe(true);
  });
});

describe('text substrings', () => {
  it.each([
    [{ initial: 'mül', any: [] }, true],
    [{ initial: 'mul', any: [] }, true],
    [{ any: ['LLE'] }, true],
    [{ any: [], final: 'ER' }, true],
    [{ initial: 'anna m', any: [] }, false],
    [{ initial: 'm', any: ['l', 'l'], final: 'r' }, true],
    [{ initial: 'm', any: ['ll', 'll'], final: 'r' }, false],
  ] satisfies [SubstringsAssertion, boolean][])('Müller against %j: %s', (assertion, expected) => {
    expect(substrings('sn', ['Müller'], assertion)).toBe(expected);
  });

  it('finds names by any word inside', () => {
    expect(substrings('cn', ['Anna Müller'], { any: ['a mü'] })).toBe(true);
  });
});

describe('identifiers (mail, userPrincipalName, sAMAccountName, uid): case and space ignored, accents kept', () => {
  it('knows which attributes are identifiers', () => {
    const identifiers = schema
      .attributeTypes()
      .filter((def) => schema.attribute(def.oid)!.identifier)
      .map((def) => def.names[0]);
    expect(identifiers).toEqual(
      expect.arrayContaining(['mail', 'userPrincipalName', 'sAMAccountName', 'uid', 'dc']),
    );
    for (const name of ['cn', 'sn', 'givenName', 'displayName', 'department', 'telephoneNumber'])
      expect(type(name).identifier, name).toBe(false);
  });

  it.each([
    ['mail', 'jürgen@firma.de', 'jurgen@firma.de', false],
    ['mail', 'jurgen@firma.de', 'jürgen@firma.de', false],
    ['mail', 'jürgen@firma.de', 'JÜRGEN@Firma.DE', true],
    ['mail', 'ju\u0308rgen@firma.de', 'jürgen@firma.de', true],
    ['mail', 'Anna.Mueller@Example.com', 'anna.mueller@example.com', true],
    ['mail', 'anna.mueller@example.com', ' anna.mueller@example.com  ', true],
    ['mail', 'anna.müller@example.com', 'anna.mueller@example.com', false],
    ['userPrincipalName', 'jürgen@firma.de', 'jurgen@firma.de', false],
    ['userPrincipalName', 'Jürgen@FIRMA.de', 'jürgen@firma.de', true],
    ['sAMAccountName', 'jörg', 'jorg', false],
    ['sAMAccountName', 'JÖRG', 'jörg', true],
    ['uid', 'søren', 'soren', false],
    ['uid', 'Anna  Berg', 'anna berg', true],
    ['uid', 'straße', 'STRAẞE', true],
    ['uid', 'strasse', 'STRAẞE', false],
  ])('%s: %j = %j: %s', (attribute, value, assertion, expected) => {
    expect(equality(attribute, [value], assertion)).toBe(expected);
  });

  it.each([
    [{ initial: 'jur', any: [] }, false],
    [{ initial: 'JÜR', any: [] }, true],
    [{ any: ['urg'] }, false],
    [{ any: ['ÜRG'] }, true],
    [{ any: [], final: '@FIRMA.DE' }, true],
    [{ initial: 'j', any: ['u'], final: 'de' }, false],
  ] satisfies [SubstringsAssertion, boolean][])(
    'mail jürgen@firma.de against %j: %s',
    (assertion, expected) => {
      expect(substrings('mail', ['jürgen@firma.de'], assertion)).toBe(expected);
    },
  );

  it('still folds accents in names (cn, sn)', () => {
    expect(equality('cn', ['Jürgen Berg'], 'jurgen berg')).toBe(true);
    expect(substrings('sn', ['Müller'], { initial: 'mul', any: [] })).toBe(true);
  });

  it('approximate matching ("contains") keeps accents in identifiers', () => {
    expect(rules.approx(type('mail'), 'ürg')?.(['jürgen@firma.de'])).toBe(true);
    expect(rules.approx(type('mail'), 'urg')?.(['jürgen@firma.de'])).toBe(false);
  });

  it('orders identifiers by their folded form with accents', () => {
    expect(rules.ordering(type('uid'), 'JURGEN', 'greaterOrEqual')?.(['jürgen'])).toBe(true);
    expect(rules.ordering(type('uid'), 'jzz', 'lessOrEqual')?.(['jürgen'])).toBe(false);
  });

  it('looks identifiers up in a name-keyed index by a looser pattern', () => {
    expect(rules.keyPattern(type('mail'), 'JÜR', [], undefined)).toEqual({ initial: 'jur', any: [] });
    // A part of combining marks only folds to nothing as a name: dropped, not kept as written.
    expect(rules.keyPattern(type('mail'), undefined, ['\u0308'], undefined)).toEqual({ any: [] });
    expect(rules.keyPattern(type('cn'), undefined, ['\u0308'], undefined)).toEqual({ any: ['\u0308'] });
  });
});

describe('telephone equality and substrings', () => {
  const berlin = ['+49 30 1234567-12', '0049301234567 12', '030/1234567-12', '030 1234567-12'];

  it.each(berlin.flatMap((stored) => berlin.map((asserted) => [stored, asserted])))(
    '%j equals %j',
    (stored, asserted) => {
      expect(equality('telephoneNumber', [stored], asserted)).toBe(true);
    },
  );

  it.each([
    [{ any: [], final: '456712' }],
    [{ initial: '0301', any: [] }],
    [{ any: ['1234567'] }],
    [{ initial: '+49301', any: [] }],
    [{ initial: '004930', any: [] }],
    [{ any: ['+49 30'] }],
  ] satisfies [SubstringsAssertion][])('%j finds every written form', (assertion) => {
    for (const stored of berlin)
      expect(substrings('telephoneNumber', [stored], assertion), stored).toBe(true);
  });

  it.each([
    ['1234', '1234', true],
    ['1234', '12 34', true],
    ['1234', '1235', false],
    ['*21#', '*21#', true],
  ])('extension %j = %j: %s', (stored, asserted, expected) => {
    expect(equality('ipPhone', [stored], asserted)).toBe(expected);
  });

  it('matches extensions by their digits', () => {
    expect(substrings('ipPhone', ['1234'], { initial: '12', any: [] })).toBe(true);
    expect(substrings('ipPhone', ['1234'], { any: ['23'] })).toBe(true);
    expect(substrings('ipPhone', ['1234'], { any: ['4930'] })).toBe(false);
  });
});

describe('ordering', () => {
  it.each([
    ['cn', 'Müller', 'muller', 'greaterOrEqual', true],
    ['cn', 'Müller', 'n', 'greaterOrEqual', false],
    ['cn', 'Müller', 'n', 'lessOrEqual', true],
    ['userAccountControl', '512', '66048', 'lessOrEqual', true],
    ['userAccountControl', '512', '66048', 'greaterOrEqual', false],
    ['userAccountControl', '-2147483646', '0', 'lessOrEqual', true],
    ['userAccountControl', 'not a number', '0', 'lessOrEqual', false],
    ['userPassword', 'b', 'a', 'greaterOrEqual', true],
  ] as const)('%s %j %s %j: %s', (attribute, value, assertion, direction, expected) => {
    expect(rules.ordering(type(attribute), assertion, direction)?.([value])).toBe(expected);
  });

  it('is Undefined where no ordering exists or the assertion is invalid', () => {
    expect(rules.ordering(type('manager'), 'cn=a', 'greaterOrEqual')).toBeUndefined();
    expect(rules.ordering(type('testFlag'), 'TRUE', 'greaterOrEqual')).toBeUndefined();
    expect(rules.ordering(type('userAccountControl'), 'abc', 'greaterOrEqual')).toBeUndefined();
  });
});

describe('approx ("approx as contains")', () => {
  it.each([
    ['cn', 'Anna Müller', 'mull', true],
    ['cn', 'Anna Müller', 'anna mü', true],
    ['cn', 'Anna Müller', 'meier', false],
    ['telephoneNumber', '+49 30 1234567-12', '0301234', true],
    ['telephoneNumber', '+49 30 1234567-12', '45 67', true],
    ['userAccountControl', '512', '512', true],
    ['userAccountControl', '512', '51', false],
  ])('%s %j ~= %j: %s', (attribute, value, assertion, expected) => {
    expect(rules.approx(type(attribute), assertion)?.([value])).toBe(expected);
  });
});

describe('other kinds', () => {
  it.each([
    ['manager', 'CN=Anna  Müller, OU=Demo', 'cn=anna muller,ou=demo', true],
    ['manager', 'cn=Anna,ou=Demo', 'commonName=ANNA,ou=demo', true],
    ['manager', 'cn=Anna,ou=Demo', 'cn=Anna,ou=Other', false],
    ['manager', 'not a dn', 'cn=a', false],
    ['userPassword', 'SeCrEt', 'SeCrEt', true],
    ['userPassword', 'SeCrEt', 'secret', false],
    ['userAccountControl', '512', ' 512 ', true],
    ['userAccountControl', '512', '+512', true],
    ['userAccountControl', '512', '513', false],
    ['testFlag', 'TRUE', 'true', true],
    ['testFlag', 'FALSE', 'TRUE', false],
  ])('%s %j = %j: %s', (attribute, value, assertion, expected) => {
    expect(equality(attribute, [value], assertion)).toBe(expected);
  });

  it.each([
    ['manager', 'cn=a,'],
    ['userAccountControl', 'twelve'],
    ['testFlag', 'yes'],
  ])('an invalid %s assertion %j is Undefined', (attribute, assertion) => {
    expect(rules.equality(type(attribute), assertion)).toBeUndefined();
  });

  it('has no substring rule for DNs, integers and booleans, and compares octets exactly', () => {
    expect(rules.substrings(type('manager'), { any: ['a'] })).toBeUndefined();
    expect(rules.substrings(type('userAccountControl'), { any: ['1'] })).toBeUndefined();
    expect(substrings('userPassword', ['SeCrEt'], { initial: 'Se', any: [] })).toBe(true);
    expect(substrings('userPassword', ['SeCrEt'], { initial: 'se', any: [] })).toBe(false);
  });
});

describe('extensible rules', () => {
  const extensible = (rule: string, values: readonly string[], assertion: string): boolean | undefined =>
    rules.extensibleRule(rule)?.prepare(assertion)?.(values);

  it.each([
    ['2.5.13.2', ['Anna Müller'], 'ANNA MULLER', true],
    ['caseIgnoreMatch', ['Anna Müller'], 'anna muller', true],
    ['CASEIGNOREMATCH', ['Anna Müller'], 'anna muller', true],
    ['2.5.13.4', ['Anna Müller'], 'an*mul*', true],
    ['caseIgnoreSubstringsMatch', ['Anna Müller'], '*MÜLLER', true],
    ['caseIgnoreSubstringsMatch', ['Anna Müller'], 'x*', false],
    ['caseIgnoreIA5Match', ['Jürgen@Firma.de'], 'jürgen@firma.de', true],
    ['1.3.6.1.4.1.1466.109.114.2', ['jürgen@firma.de'], 'jurgen@firma.de', false],
    ['caseIgnoreIA5SubstringsMatch', ['jürgen@firma.de'], 'JÜR*@*', true],
    ['caseIgnoreIA5SubstringsMatch', ['jürgen@firma.de'], 'jur*', false],
    ['2.5.13.5', ['Anna Müller'], 'Anna  Müller', true],
    ['caseExactMatch', ['Anna Müller'], 'anna müller', false],
    ['2.5.13.20', ['+49 30 1234567-12'], '030 1234567-12', true],
    ['telephoneNumberMatch', ['1234'], '12-34', true],
    ['2.5.13.1', ['CN=Anna,OU=Demo'], 'cn=anna,ou=demo', true],
    ['distinguishedNameMatch', ['cn=Anna,ou=Demo'], 'cn=Bob,ou=Demo', false],
    ['2.5.13.17', ['SeCrEt'], 'SeCrEt', true],
    ['octetStringMatch', ['SeCrEt'], 'secret', false],
    ['2.5.13.14', ['512'], '512', true],
    ['integerMatch', ['512'], '513', false],
    ['2.5.13.13', ['TRUE'], 'TRUE', true],
    ['booleanMatch', ['TRUE'], 'FALSE', false],
    ['2.5.13.0', ['inetOrgPerson'], 'INETORGPERSON', true],
    ['objectIdentifierMatch', ['person'], '2.5.6.6', true],
  ] as const)('%s: %j against %j: %s', (rule, values, assertion, expected) => {
    expect(extensible(rule, values, assertion)).toBe(expected);
  });

  it.each([
    ['512', '2', false],
    ['514', '2', true],
    ['66050', '2', true],
    ['66048', '65536', true],
    ['66048', '65538', false],
    ['-2147483646', '2', true],
    ['-2147483646', '2147483648', true],
    ['not a number', '2', false],
  ])('bitwise AND 1.2.840.113556.1.4.803: %s & %s', (value, mask, expected) => {
    expect(extensible('1.2.840.113556.1.4.803', [value], mask)).toBe(expected);
  });

  it.each([
    ['512', '3', false],
    ['514', '3', true],
    ['1', '3', true],
    ['0', '0', false],
  ])('bitwise OR 1.2.840.113556.1.4.804: %s | %s', (value, mask, expected) => {
    expect(extensible('1.2.840.113556.1.4.804', [value], mask)).toBe(expected);
  });

  it('knows only the rules it implements', () => {
    expect(rules.extensibleRule('1.2.840.113556.1.4.1941')).toBeUndefined();
    expect(rules.extensibleRule('madeUpMatch')).toBeUndefined();
  });

  it('says which attributes a rule applies to when the filter names none', () => {
    expect(rules.extensibleRule('caseIgnoreMatch')!.appliesTo(type('cn'))).toBe(true);
    expect(rules.extensibleRule('caseIgnoreMatch')!.appliesTo(type('telephoneNumber'))).toBe(false);
    expect(rules.extensibleRule('telephoneNumberMatch')!.appliesTo(type('mobile'))).toBe(true);
    expect(rules.extensibleRule('1.2.840.113556.1.4.803')!.appliesTo(type('userAccountControl'))).toBe(true);
    expect(rules.extensibleRule('objectIdentifierMatch')!.appliesTo(type('objectClass'))).toBe(true);
  });

  it('treats invalid assertions as Undefined', () => {
    expect(rules.extensibleRule('integerMatch')!.prepare('x')).toBeUndefined();
    expect(rules.extensibleRule('1.2.840.113556.1.4.803')!.prepare('x')).toBeUndefined();
    expect(rules.extensibleRule('caseIgnoreSubstringsMatch')!.prepare('no wildcard')).toBeUndefined();
  });
});
