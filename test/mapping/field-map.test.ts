import { describe, expect, it } from 'vitest';
import { Schema } from '../../src/schema/schema.js';
import { FieldMap, FieldMapError } from '../../src/mapping/field-map.js';
import { toNativeFilter } from '../../src/mapping/native-filter.js';
import type { Filter } from '../../src/filter/ast.js';
import { parseFilter } from '../../src/filter/parse.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { makeEntry } from '../../src/schema/entry.js';
import { matches } from '../../src/sources/ldap/ldap-entry.js';
import { AD_DEFAULT_MAP } from '../../src/sources/ad/default-map.js';
import { DOMINO_DEFAULT_MAP } from '../../src/sources/domino/default-map.js';
import { LDAP_DEFAULT_MAP } from '../../src/sources/ldap/default-map.js';

const schema = Schema.load();
const record = (fields: Record<string, string[]>) => ({ id: '1', fields });

describe('FieldMap', () => {
  it('identity presents fields named like presented attributes, under the canonical name', () => {
    const map = new FieldMap(schema, 'identity');
    const attributes = map.present(record({ TelephoneNumber: ['+49 30 1'], CN: ['Anna'], colour: ['blue'] }));
    expect(attributes).toEqual([
      { name: 'telephoneNumber', values: ['+49 30 1'] },
      { name: 'cn', values: ['Anna'] },
    ]);
  });

  it('never lets a source fill what the directory derives', () => {
    const map = new FieldMap(schema, 'identity');
    expect(map.present(record({ objectClass: ['contact'], entryUUID: ['x'], cn: ['A'] }))).toEqual([
      { name: 'cn', values: ['A'] },
    ]);
    expect(() => new FieldMap(schema, 'identity', { objectClass: 'kind' })).toThrow(FieldMapError);
    expect(() => new FieldMap(schema, 'identity', { entryUUID: 'id' })).toThrow(/derived/);
  });

  it('config overrides a default map; a remapped field no longer fills itself', () => {
    const map = new FieldMap(schema, 'identity', {
      telephoneNumber: 'officePhone',
      ipPhone: 'telephoneNumber',
    });
    expect(map.present(record({ officePhone: ['030 1'], telephoneNumber: ['12'] }))).toEqual([
      { name: 'telephoneNumber', values: ['030 1'] },
      { name: 'ipPhone', values: ['12'] },
    ]);
    expect(map.fieldsFor('TELEPHONENUMBER')).toEqual(['officePhone']);
    expect(map.fieldsFor('ipPhone')).toEqual(['telephoneNumber']);
    expect(map.fieldsFor('mobile')).toEqual(['mobile']);
  });

  it('under identity, a field mapped to another attribute still fills its namesake', () => {
    const map = new FieldMap(schema, 'identity', { displayName: 'cn' });
    expect(map.present(record({ cn: ['Anna Müller'] }))).toEqual([
      { name: 'displayName', values: ['Anna Müller'] },
      { name: 'cn', values: ['Anna Müller'] },
    ]);
    expect(map.fieldsFor('cn')).toEqual(['cn']);
    expect(map.fieldsFor('displayName')).toEqual(['cn']);
  });

  it('one field may fill several attributes', () => {
    const map = new FieldMap(schema, { cn: 'displayName', displayName: 'displayName' });
    expect(map.present(record({ displayName: ['Anna Müller'] }))).toEqual([
      { name: 'cn', values: ['Anna Müller'] },
      { name: 'displayName', values: ['Anna Müller'] },
    ]);
  });

  it('names the fields an explicit map reads, each once whatever its case; identity reads any', () => {
    const map = new FieldMap(
      schema,
      { cn: 'cn', telephoneNumber: ['telephoneNumber', 'OfficePhoneNumber'], sn: ['SN', 'LastName'] },
      { mobile: 'CellPhoneNumber', ipPhone: 'officephonenumber' },
    );
    expect(map.nativeFields()).toEqual([
      'cn',
      'telephoneNumber',
      'OfficePhoneNumber',
      'SN',
      'LastName',
      'CellPhoneNumber',
    ]);
    expect(new FieldMap(schema, 'identity', { mobile: 'CellPhoneNumber' }).nativeFields()).toBeUndefined();
  });

  it('rejects attributes the schema does not present, naming them', () => {
    expect(() => new FieldMap(schema, 'identity', { favouriteColour: 'colour' })).toThrow(
      'map.favouriteColour',
    );
  });
});

describe('FieldMap.identifierFields', () => {
  it.each([
    ['ldap', LDAP_DEFAULT_MAP, ['mail', 'userPrincipalName', 'sAMAccountName', 'uid']],
    ['ad', AD_DEFAULT_MAP, ['mail', 'userPrincipalName', 'sAMAccountName']],
    ['domino', DOMINO_DEFAULT_MAP, ['mail', 'InternetAddress', 'userPrincipalName', 'uid', 'ShortName']],
  ])('%s default map: the fields filling only mail and logins', (_type, defaultMap, expected) => {
    expect([...new FieldMap(schema, defaultMap).identifierFields()].sort()).toEqual([...expected].sort());
  });

  it('leaves out a field that also fills a name, and one config maps to a name', () => {
    const map = new FieldMap(schema, LDAP_DEFAULT_MAP, { cn: ['cn', 'uid'], displayName: 'mail' });
    expect(map.identifierFields()).toEqual(['userPrincipalName', 'sAMAccountName']);
  });

  it('under identity: the identifiers by their own names, unless remapped', () => {
    const map = new FieldMap(schema, 'identity', { uid: 'login', cn: 'mail' });
    expect([...map.identifierFields()].sort()).toEqual([
      'dc',
      'login',
      'sAMAccountName',
      'userPrincipalName',
    ]);
  });
});

describe('toNativeFilter', () => {
  const map = new FieldMap(schema, { cn: 'displayName', telephoneNumber: 'businessPhones' });
  const eq = (attribute: string, value: string): Filter => ({ type: 'equality', attribute, value });

  it.each<[string, Filter, Filter | undefined]>([
    ['renames mapped attributes', eq('cn', 'x'), eq('displayName', 'x')],
    ['widens an unmapped attribute to everything', eq('mobile', 'x'), undefined],
    [
      'drops what it cannot translate from an AND',
      { type: 'and', filters: [eq('cn', 'x'), eq('mobile', 'y')] },
      eq('displayName', 'x'),
    ],
    [
      'widens an OR with an untranslatable branch',
      { type: 'or', filters: [eq('cn', 'x'), eq('mobile', 'y')] },
      undefined,
    ],
    [
      'keeps an OR whose branches all translate',
      { type: 'or', filters: [eq('cn', 'x'), eq('telephoneNumber', '1')] },
      { type: 'or', filters: [eq('displayName', 'x'), eq('businessPhones', '1')] },
    ],
    ['never pushes a NOT down', { type: 'not', filter: eq('cn', 'x') }, undefined],
    ['leaves objectClass to the directory', eq('objectClass', 'user'), undefined],
    ['keeps absolute false', { type: 'or', filters: [] }, { type: 'or', filters: [] }],
  ])('%s', (_what, filter, expected) => {
    expect(toNativeFilter(filter, map)).toEqual(expected);
  });
});

/** The shape of the Domino default map: attributes filled from the first of several fields. */
const FALLBACKS = {
  cn: 'FullName',
  mail: 'mail',
  telephoneNumber: ['telephoneNumber', 'OfficePhoneNumber'],
  mobile: ['mobile', 'CellPhoneNumber'],
  department: ['ou', 'Department'],
  userPrincipalName: ['userPrincipalName', 'mail', 'InternetAddress'],
} as const;

/** How many sets `run` creates (the presenting cost the map promises). */
function setsCreatedBy(run: () => void): number {
  const original = globalThis.Set;
  let created = 0;
  globalThis.Set = class CountingSet<T> extends original<T> {
    constructor(values?: Iterable<T> | null) {
      super(values);
      created++;
    }
  };
  try {
    run();
  } finally {
    globalThis.Set = original;
  }
  return created;
}

describe('FieldMap with fallback lists', () => {
  const map = new FieldMap(schema, FALLBACKS);

  it('fills an attribute from the first field of its list the record holds, whatever the record order', () => {
    expect(
      map.present(
        record({ OfficePhoneNumber: ['030 2'], telephoneNumber: ['030 1'], CellPhoneNumber: ['0151'] }),
      ),
    ).toEqual([
      { name: 'telephoneNumber', values: ['030 1'] },
      { name: 'mobile', values: ['0151'] },
    ]);
    expect(map.present(record({ Department: ['Sales'], ou: ['Vertrieb'] }))).toEqual([
      { name: 'department', values: ['Vertrieb'] },
    ]);
  });

  it('falls through to later fields, skipping fields the record holds no values for', () => {
    expect(
      map.present(record({ telephoneNumber: [], OfficePhoneNumber: ['030 2'], Department: ['Sales'] })),
    ).toEqual([
      { name: 'telephoneNumber', values: ['030 2'] },
      { name: 'department', values: ['Sales'] },
    ]);
    expect(map.present(record({ InternetAddress: ['anna@example.test'] }))).toEqual([
      { name: 'userPrincipalName', values: ['anna@example.test'] },
    ]);
  });

  it('compares field names without regard to case', () => {
    expect(
      map.present(
        record({ officephonenumber: ['030 2'], TELEPHONENUMBER: ['030 1'], cellphonenumber: ['0151'] }),
      ),
    ).toEqual([
      { name: 'telephoneNumber', values: ['030 1'] },
      { name: 'mobile', values: ['0151'] },
    ]);
    // A single field too: one spelled differently by the source still fills its attribute.
    expect(map.present(record({ fullname: ['Anna Müller'] }))).toEqual([
      { name: 'cn', values: ['Anna Müller'] },
    ]);
  });

  it('lets a field fill one attribute directly and be the fallback of another', () => {
    expect(
      map.present(record({ mail: ['anna@example.test'], InternetAddress: ['a.m@example.test'] })),
    ).toEqual([
      { name: 'mail', values: ['anna@example.test'] },
      { name: 'userPrincipalName', values: ['anna@example.test'] },
    ]);
    expect(
      map.present(record({ mail: ['anna@example.test'], userPrincipalName: ['anna@corp.test'] })),
    ).toEqual([
      { name: 'mail', values: ['anna@example.test'] },
      { name: 'userPrincipalName', values: ['anna@corp.test'] },
    ]);
  });

  it('treats a one-field list like the field itself', () => {
    const listed = new FieldMap(schema, { mobile: ['CellPhoneNumber'] });
    const single = new FieldMap(schema, { mobile: 'CellPhoneNumber' });
    const held = record({ CellPhoneNumber: ['0151'], mobile: ['0170'] });
    expect(listed.present(held)).toEqual(single.present(held));
    expect(listed.fieldsFor('mobile')).toEqual(['CellPhoneNumber']);
  });

  it('under identity, a list replaces the namesake and other fields still fill their own', () => {
    const identity = new FieldMap(schema, 'identity', {
      telephoneNumber: ['OfficePhoneNumber', 'telephoneNumber'],
    });
    expect(
      identity.present(record({ telephoneNumber: ['030 1'], OfficePhoneNumber: ['030 2'], cn: ['A'] })),
    ).toEqual([
      { name: 'telephoneNumber', values: ['030 2'] },
      { name: 'cn', values: ['A'] },
    ]);
    expect(identity.present(record({ telephoneNumber: ['030 1'], mobile: ['0151'] }))).toEqual([
      { name: 'telephoneNumber', values: ['030 1'] },
      { name: 'mobile', values: ['0151'] },
    ]);
  });

  it('a config entry replaces the default list, however the attribute is written', () => {
    const overridden = new FieldMap(schema, FALLBACKS, { TelephoneNumber: 'ipPhoneNumber' });
    expect(overridden.fieldsFor('telephoneNumber')).toEqual(['ipPhoneNumber']);
    expect(overridden.present(record({ OfficePhoneNumber: ['030 2'], ipPhoneNumber: ['12'] }))).toEqual([
      { name: 'telephoneNumber', values: ['12'] },
    ]);
  });

  it('refuses an empty list, an empty field name and a field listed twice', () => {
    expect(() => new FieldMap(schema, 'identity', { mobile: [] })).toThrow(
      'map.mobile: an empty list fills nothing',
    );
    expect(() => new FieldMap(schema, 'identity', { mobile: ['mobile', ''] })).toThrow(
      /map\.mobile: .*empty/,
    );
    expect(() => new FieldMap(schema, 'identity', { mail: ['mail', 'InternetAddress', 'MAIL'] })).toThrow(
      'map.mail: lists the field MAIL twice',
    );
    expect(() => new FieldMap(schema, 'identity', { favouriteColour: ['a', 'b'] })).toThrow(
      'map.favouriteColour',
    );
  });

  it('creates no set for a map without lists, and at most one per record with them', () => {
    const plain = new FieldMap(schema, 'identity', { telephoneNumber: 'officePhone' });
    const records = [
      record({ officePhone: ['1'], cn: ['A'], mail: ['a@x'] }),
      record({ telephoneNumber: ['2'], mobile: ['3'] }),
    ];
    plain.present(records[0]!); // first sight of each field compiles its targets
    plain.present(records[1]!);
    expect(setsCreatedBy(() => records.forEach((r) => plain.present(r)))).toBe(0);

    const many = record({
      InternetAddress: ['a@x'],
      Department: ['S'],
      OfficePhoneNumber: ['1'],
      CellPhoneNumber: ['2'],
    });
    const direct = record({ telephoneNumber: ['1'], mobile: ['2'], mail: ['a@x'] });
    map.present(many);
    map.present(direct);
    expect(setsCreatedBy(() => map.present(many))).toBe(1);
    expect(setsCreatedBy(() => map.present(record({ telephoneNumber: ['1'], FullName: ['A'] })))).toBe(0);
  });

  it('reports each field with what it fills, and the lists as they are written', () => {
    expect(map.attributesOf('telephoneNumber')).toEqual([{ attribute: 'telephoneNumber', after: [] }]);
    expect(map.attributesOf('OFFICEPHONENUMBER')).toEqual([
      { attribute: 'telephoneNumber', after: ['telephoneNumber'] },
    ]);
    expect(map.attributesOf('mail')).toEqual([
      { attribute: 'mail', after: [] },
      { attribute: 'userPrincipalName', after: ['userPrincipalName'] },
    ]);
    expect(map.attributesOf('InternetAddress')).toEqual([
      { attribute: 'userPrincipalName', after: ['userPrincipalName', 'mail'] },
    ]);
    expect(map.attributesOf('shoeSize')).toEqual([]);
    expect(map.explicitEntries()).toContainEqual({ attribute: 'mail', fields: ['mail'] });
    expect(map.explicitEntries()).toContainEqual({
      attribute: 'userPrincipalName',
      fields: ['userPrincipalName', 'mail', 'InternetAddress'],
    });
  });
});

describe('toNativeFilter with fallback lists', () => {
  const map = new FieldMap(schema, FALLBACKS);
  const eq = (attribute: string, value: string): Filter => ({ type: 'equality', attribute, value });
  const or = (...filters: Filter[]): Filter => ({ type: 'or', filters });

  it.each<[string, Filter, Filter | undefined]>([
    [
      'a condition on a listed attribute becomes an OR over its fields',
      eq('telephoneNumber', '1'),
      or(eq('telephoneNumber', '1'), eq('OfficePhoneNumber', '1')),
    ],
    [
      'every kind of condition is spread alike',
      { type: 'substrings', attribute: 'userPrincipalName', initial: 'anna', any: [] },
      or(
        { type: 'substrings', attribute: 'userPrincipalName', initial: 'anna', any: [] },
        { type: 'substrings', attribute: 'mail', initial: 'anna', any: [] },
        { type: 'substrings', attribute: 'InternetAddress', initial: 'anna', any: [] },
      ),
    ],
    [
      'presence becomes presence of any of the fields',
      { type: 'present', attribute: 'mobile' },
      or({ type: 'present', attribute: 'mobile' }, { type: 'present', attribute: 'CellPhoneNumber' }),
    ],
    ['a single field stays a single condition', eq('cn', 'Anna'), eq('FullName', 'Anna')],
    [
      'an AND still drops what it cannot translate',
      { type: 'and', filters: [eq('mobile', '1'), eq('title', 'x')] },
      or(eq('mobile', '1'), eq('CellPhoneNumber', '1')),
    ],
    [
      'an OR keeps the spread branches',
      or(eq('cn', 'A'), eq('mobile', '1')),
      or(eq('FullName', 'A'), or(eq('mobile', '1'), eq('CellPhoneNumber', '1'))),
    ],
    ['an OR with an untranslatable branch still widens', or(eq('mobile', '1'), eq('title', 'x')), undefined],
    ['a NOT is still never pushed down', { type: 'not', filter: eq('department', 'Sales') }, undefined],
  ])('%s', (_what, filter, expected) => {
    expect(toNativeFilter(filter, map)).toEqual(expected);
  });

  it('selects a superset of what the presented filter selects', () => {
    const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });
    const records = [
      record({ telephoneNumber: ['+49 30 1'], OfficePhoneNumber: ['+49 30 2'] }),
      record({ OfficePhoneNumber: ['+49 30 2'], mail: ['anna@example.test'] }),
      record({ InternetAddress: ['anna@example.test'], Department: ['Sales'] }),
      record({ userPrincipalName: ['bob@example.test'], mail: ['anna@example.test'], ou: ['Sales'] }),
      record({ cellphonenumber: ['0151'], FullName: ['Anna'] }),
    ];
    const filters = [
      '(telephoneNumber=+49 30 2)',
      '(userPrincipalName=anna@example.test)',
      '(&(department=Sales)(userPrincipalName=anna*))',
      '(|(mobile=0151)(cn=Bob))',
      '(userPrincipalName=*)',
    ].map(parseFilter);
    let matched = 0;
    for (const filter of filters) {
      const native = toNativeFilter(filter, map);
      for (const r of records) {
        const entry = makeEntry('cn=x', map.present(r));
        if (!evaluator.matches(filter, entry)) continue;
        matched++;
        expect(native === undefined || matches(native, r.fields), JSON.stringify({ filter, r })).toBe(true);
      }
    }
    expect(matched).toBeGreaterThanOrEqual(filters.length);
  });
});

describe('FieldMap.fieldsFilling', () => {
  it('names every field of each attribute’s list, each once, and nothing for derived or unmapped ones', () => {
    const map = new FieldMap(schema, {
      mail: ['mail', 'InternetAddress'],
      userPrincipalName: ['userPrincipalName', 'MAIL'],
      cn: 'displayName',
    });
    expect(map.fieldsFilling(['userprincipalname', 'mail', 'cn'])).toEqual([
      'userPrincipalName',
      'MAIL',
      'InternetAddress',
      'displayName',
    ]);
    expect(map.fieldsFilling(['entryuuid', 'objectclass', 'sn', '+'])).toEqual([]);
  });

  it('is undefined under the identity map, where any field named like an attribute fills it', () => {
    expect(new FieldMap(schema, 'identity').fieldsFilling(['cn'])).toBeUndefined();
  });
});
