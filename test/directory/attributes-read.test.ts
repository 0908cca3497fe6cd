/**
 * Which presented attributes a search reads from an entry: those it names and those its filter
 * tests, in canonical lower case; any at all for `*`, no names, or an attribute-less extensible item.
 */
import { describe, expect, it } from 'vitest';
import { AttributeSelection } from '../../src/directory/attribute-selection.js';
import { attributesRead } from '../../src/directory/attributes-read.js';
import { parseFilter } from '../../src/filter/parse.js';
import { Schema } from '../../src/schema/schema.js';

const schema = Schema.load();
const NOTHING = new Set<string>();

function read(attributes: readonly string[], filter: string, withheld: ReadonlySet<string> = NOTHING) {
  const named = new AttributeSelection(attributes, false, schema, withheld).named;
  const found = attributesRead(named, parseFilter(filter), schema, withheld);
  return found && [...found].sort();
}

describe('attributesRead', () => {
  it('names the attributes asked for and those the filter tests, by their canonical names', () => {
    expect(
      read(['commonName', 'TELEPHONENUMBER'], '(&(mail=a@b.c)(!(2.5.4.4=x))(description;lang-de=*))'),
    ).toEqual(['cn', 'description', 'mail', 'sn', 'telephonenumber']);
  });

  it('keeps operational and special names as asked (nothing maps to them)', () => {
    expect(read(['1.1'], '(objectClass=person)')).toEqual(['objectclass']);
    expect(read(['+'], '(cn>=m)')).toEqual(['+', 'cn']);
  });

  it('is any attribute for `*`, for no names, and for an extensible item without an attribute', () => {
    expect(read(['*'], '(cn=a)')).toBeUndefined();
    expect(read([], '(cn=a)')).toBeUndefined();
    expect(read(['cn', '*'], '(cn=a)')).toBeUndefined();
    expect(read(['cn'], '(|(sn=a)(:caseIgnoreMatch:=a))')).toBeUndefined();
    expect(read(['cn'], '(sn:caseIgnoreMatch:=a)')).toEqual(['cn', 'sn']);
  });

  it('leaves out withheld attributes asked for', () => {
    expect(read(['cn', 'userPassword'], '(sn=a)', new Set(['userpassword']))).toEqual(['cn', 'sn']);
  });
});
