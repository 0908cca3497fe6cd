import { describe, expect, it } from 'vitest';
import { AttributeSelection } from '../../src/directory/attribute-selection.js';
import { makeEntry } from '../../src/schema/entry.js';
import { Schema } from '../../src/schema/schema.js';

const schema = Schema.load();
const entry = makeEntry('entryUUID=1,ou=demo,dc=x', [
  { name: 'objectClass', values: ['top', 'person'] },
  { name: 'cn', values: ['Anna'] },
  { name: 'userPassword', values: ['secret'] },
  { name: 'entryUUID', values: ['1'] },
]);
const computed = { entryDN: entry.dn, hasSubordinates: false };
const withheld = new Set(['userpassword']);

function names(requested: string[], typesOnly = false): [string, readonly string[]][] {
  const selection = new AttributeSelection(requested, typesOnly, schema, withheld);
  return selection.select(entry, computed).map((a) => [a.type, a.values]);
}

describe('AttributeSelection', () => {
  it.each<[string, string[], string[]]>([
    ['no list means all user attributes', [], ['objectClass', 'cn']],
    ['* means all user attributes', ['*'], ['objectClass', 'cn']],
    ['+ means all operational attributes', ['+'], ['entryUUID', 'entryDN', 'hasSubordinates']],
    ['* and + together', ['*', '+'], ['objectClass', 'cn', 'entryUUID', 'entryDN', 'hasSubordinates']],
    ['1.1 means none', ['1.1'], []],
    ['names in any case, returned canonical', ['CN', 'ENTRYUUID'], ['cn', 'entryUUID']],
    ['an OID names its attribute', ['2.5.4.3'], ['cn']],
    ['withheld attributes never come back', ['userPassword', '*'], ['objectClass', 'cn']],
    ['unknown names are ignored', ['nosuchattribute'], []],
  ])('%s', (_what, requested, expected) => {
    expect(names(requested).map(([type]) => type)).toEqual(expected);
  });

  it('typesOnly returns names without values', () => {
    expect(names(['cn'], true)).toEqual([['cn', []]]);
  });

  it('computed booleans are written TRUE/FALSE', () => {
    expect(names(['hasSubordinates'])).toEqual([['hasSubordinates', ['FALSE']]]);
  });
});
