import { describe, expect, it } from 'vitest';
import { Schema } from '../../src/directory/schema.js';
import { FieldMap, FieldMapError } from '../../src/mapping/field-map.js';
import { toNativeFilter } from '../../src/mapping/native-filter.js';
import type { Filter } from '../../src/filter/ast.js';

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
    expect(map.fieldFor('TELEPHONENUMBER')).toBe('officePhone');
    expect(map.fieldFor('ipPhone')).toBe('telephoneNumber');
    expect(map.fieldFor('mobile')).toBe('mobile');
  });

  it('under identity, a field mapped to another attribute still fills its namesake', () => {
    const map = new FieldMap(schema, 'identity', { displayName: 'cn' });
    expect(map.present(record({ cn: ['Anna Müller'] }))).toEqual([
      { name: 'displayName', values: ['Anna Müller'] },
      { name: 'cn', values: ['Anna Müller'] },
    ]);
    expect(map.fieldFor('cn')).toBe('cn');
    expect(map.fieldFor('displayName')).toBe('cn');
  });

  it('one field may fill several attributes', () => {
    const map = new FieldMap(schema, { cn: 'displayName', displayName: 'displayName' });
    expect(map.present(record({ displayName: ['Anna Müller'] }))).toEqual([
      { name: 'cn', values: ['Anna Müller'] },
      { name: 'displayName', values: ['Anna Müller'] },
    ]);
  });

  it('rejects attributes the schema does not present, naming them', () => {
    expect(() => new FieldMap(schema, 'identity', { favouriteColour: 'colour' })).toThrow(
      'map.favouriteColour',
    );
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
