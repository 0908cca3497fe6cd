import { describe, expect, it } from 'vitest';
import { makeEntry, type Entry } from '../../src/schema/entry.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { Schema } from '../../src/schema/schema.js';
import type { Filter } from '../../src/filter/ast.js';
import { parseFilter } from '../../src/filter/parse.js';

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
      },
      {
        oid: '0.9.2342.19200300.100.1.10',
        names: ['manager'],
        syntax: '1.3.6.1.4.1.1466.115.121.1.12',
        equality: 'distinguishedNameMatch',
      },
    ],
  });
}

const schema = testSchema();
const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });

const anna: Entry = makeEntry('cn=Anna Müller+uid=amueller,ou=Sales,dc=dirbridge,dc=local', [
  { name: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'user'] },
  { name: 'objectCategory', values: ['person'] },
  { name: 'cn', values: ['Anna Müller'] },
  { name: 'sn', values: ['Müller'] },
  { name: 'givenName', values: ['Anna'] },
  { name: 'telephoneNumber', values: ['+49 30 1234567-12'] },
  { name: 'mobile', values: ['0171 7654321'] },
  { name: 'ipPhone', values: ['1234'] },
  { name: 'userAccountControl', values: ['512'] },
  { name: 'manager', values: ['CN=Bob,OU=Sales,DC=dirbridge,DC=local'] },
]);

const result = (filter: string): string => evaluator.evaluate(parseFilter(filter), anna);

describe('FilterEvaluator', () => {
  it.each([
    // Names, as phones search them.
    ['(cn=anna muller)', 'true'],
    ['(|(cn=*mül*)(sn=*mül*))', 'true'],
    ['(|(cn=jorg*)(sn=jorg*))', 'false'],
    ['(|(cn=mul*)(sn=mul*))', 'true'],
    ['(cn~=MULL)', 'true'],
    ['(commonName=ANNA*)', 'true'],
    ['(2.5.4.3=anna*)', 'true'],
    ['(cn;lang-de=anna*)', 'true'],
    // Numbers, however they are written.
    ['(telephoneNumber=030 1234567-12)', 'true'],
    ['(|(telephoneNumber=*456712)(mobile=*456712))', 'true'],
    ['(|(telephoneNumber=0301*)(mobile=0301*))', 'true'],
    ['(telephoneNumber=*1234567*)', 'true'],
    ['(telephoneNumber=+49301*)', 'true'],
    ['(mobile=+49171*)', 'true'],
    ['(mobile=004917176*)', 'true'],
    ['(ipPhone=1234)', 'true'],
    ['(ipPhone=12*)', 'true'],
    ['(ipPhone=+4930*)', 'false'],
    // Object classes and categories.
    ['(objectClass=USER)', 'true'],
    ['(objectClass=contact)', 'false'],
    ['(&(objectCategory=person)(objectClass=user))', 'true'],
    ['(objectClass=2.5.6.6)', 'true'],
    ['(objectClass=*)', 'true'],
    ['(mail=*)', 'false'],
    // Ordering and other kinds.
    ['(userAccountControl>=500)', 'true'],
    ['(userAccountControl<=500)', 'false'],
    ['(manager=cn=bob,ou=sales,dc=dirbridge,dc=local)', 'true'],
    ['(manager=not a dn)', 'undefined'],
    ['(userAccountControl=twelve)', 'undefined'],
    ['(manager=*bob*)', 'undefined'],
    // AND / OR / NOT with three-valued logic (RFC 4511 4.5.1.7).
    ['(&)', 'true'],
    ['(|)', 'false'],
    ['(!(&))', 'false'],
    ['(!(|))', 'true'],
    ['(unknownAttr=x)', 'undefined'],
    ['(unknownAttr=*)', 'undefined'],
    ['(!(unknownAttr=x))', 'undefined'],
    ['(|(unknownAttr=x)(cn=anna muller))', 'true'],
    ['(|(unknownAttr=x)(cn=bob))', 'undefined'],
    ['(&(unknownAttr=x)(cn=anna muller))', 'undefined'],
    ['(&(unknownAttr=x)(cn=bob))', 'false'],
    ['(!(cn=bob))', 'true'],
    ['(!(cn=anna muller))', 'false'],
    ['(!(!(cn=anna muller)))', 'true'],
    ['(mail=x)', 'false'],
    ['(!(mail=x))', 'true'],
    // Extensible match.
    ['(userAccountControl:1.2.840.113556.1.4.803:=2)', 'false'],
    ['(!(userAccountControl:1.2.840.113556.1.4.803:=2))', 'true'],
    ['(userAccountControl:1.2.840.113556.1.4.803:=512)', 'true'],
    ['(userAccountControl:1.2.840.113556.1.4.804:=514)', 'true'],
    ['(cn:caseExactMatch:=Anna Müller)', 'true'],
    ['(cn:caseExactMatch:=anna müller)', 'false'],
    ['(cn:=ANNA MULLER)', 'true'],
    ['(sn:2.5.13.4:=\\2all\\2a)', 'true'],
    ['(:caseIgnoreMatch:=müller)', 'true'],
    ['(:telephoneNumberMatch:=0171 7654321)', 'true'],
    ['(:telephoneNumberMatch:=müller)', 'false'],
    ['(cn:1.2.840.113556.1.4.1941:=x)', 'undefined'],
    ['(!(cn:1.2.840.113556.1.4.1941:=x))', 'undefined'],
    ['(unknownAttr:caseIgnoreMatch:=x)', 'undefined'],
    ['(userAccountControl:integerMatch:=x)', 'undefined'],
    // dnAttributes: the RDN values of the entry's DN count too.
    ['(ou:dn:=sales)', 'true'],
    ['(ou=sales)', 'false'],
    ['(ou:dn:=marketing)', 'false'],
    ['(uid:dn:caseIgnoreMatch:=AMUELLER)', 'true'],
    ['(:dn:caseIgnoreMatch:=dirbridge)', 'true'],
    ['(:caseIgnoreMatch:=dirbridge)', 'false'],
    ['(dc:dn:=local)', 'true'],
  ])('%s is %s', (filter, expected) => {
    expect(result(filter)).toBe(expected);
  });

  it('matches() is true only for TRUE', () => {
    expect(evaluator.matches(parseFilter('(cn=anna*)'), anna)).toBe(true);
    expect(evaluator.matches(parseFilter('(unknownAttr=x)'), anna)).toBe(false);
    expect(evaluator.matches(parseFilter('(!(unknownAttr=x))'), anna)).toBe(false);
  });

  it('a predicate answers as matches() does', () => {
    const filter: Filter = parseFilter('(|(cn=*mül*)(sn=*mül*))');
    const other = makeEntry('cn=Bob,dc=x', [{ name: 'cn', values: ['Bob'] }]);
    expect(evaluator.matches(filter, anna)).toBe(true);
    expect(evaluator.matches(filter, other)).toBe(false);
    expect([anna, other].filter(evaluator.predicate(filter))).toEqual([anna]);
  });

  it('tolerates an entry DN that does not parse', () => {
    const odd = makeEntry('not a dn', [{ name: 'cn', values: ['x'] }]);
    expect(evaluator.matches(parseFilter('(cn:dn:=x)'), odd)).toBe(true);
    expect(evaluator.matches(parseFilter('(ou:dn:=x)'), odd)).toBe(false);
  });
});

describe('FilterEvaluator.compare', () => {
  it.each([
    ['cn', 'ANNA MÜLLER', 'true'],
    ['cn', 'Bob', 'false'],
    ['telephoneNumber', '004930123456712', 'true'],
    ['mail', 'a@b', 'noSuchAttribute'],
    ['unknownAttr', 'x', 'undefinedAttributeType'],
    ['objectClass', 'inetorgperson', 'true'],
  ])('%s = %j: %s', (attribute, value, expected) => {
    expect(evaluator.compare(anna, attribute, value)).toBe(expected);
  });

  it('compares identifiers with their accents, without regard to case', () => {
    const jurgen = makeEntry('cn=x', [
      { name: 'mail', values: ['Jürgen@Firma.de'] },
      { name: 'uid', values: ['jürgen'] },
    ]);
    expect(evaluator.compare(jurgen, 'mail', 'jürgen@firma.de')).toBe('true');
    expect(evaluator.compare(jurgen, 'mail', 'jurgen@firma.de')).toBe('false');
    expect(evaluator.compare(jurgen, 'uid', 'JÜRGEN')).toBe('true');
    expect(evaluator.compare(jurgen, 'uid', 'jurgen')).toBe('false');
  });
});
