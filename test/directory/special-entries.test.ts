import { describe, expect, it } from 'vitest';
import {
  attributeTypeDescription,
  objectClassDescription,
  subschemaEntry,
} from '../../src/directory/special-entries.js';
import { Schema } from '../../src/schema/schema.js';

const schema = Schema.load();

describe('subschema descriptions (RFC 4512)', () => {
  it('writes attribute types with names, rules, syntax and usage', () => {
    const cn = schema.attributeTypes().find((a) => a.names.includes('cn'))!;
    expect(attributeTypeDescription(cn)).toBe(
      "( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'full name' EQUALITY caseIgnoreMatch ORDERING caseIgnoreOrderingMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )",
    );
    const uuid = schema.attributeTypes().find((a) => a.names.includes('entryUUID'))!;
    expect(attributeTypeDescription(uuid)).toMatch(
      /SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation \)$/,
    );
  });

  it('writes object classes with superclass, kind and attribute lists', () => {
    const person = schema.objectClasses().find((o) => o.names.includes('person'))!;
    expect(objectClassDescription(person)).toBe(
      "( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY ( userPassword $ telephoneNumber $ description ) )",
    );
  });

  it('escapes quotes and backslashes in descriptions', () => {
    expect(
      attributeTypeDescription({ oid: '1.2', names: ['x'], description: "it's a \\ test", syntax: '1.3' }),
    ).toBe("( 1.2 NAME 'x' DESC 'it\\27s a \\5C test' SYNTAX 1.3 )");
  });

  it('every attribute an object class lists is defined', () => {
    const entry = subschemaEntry(schema);
    expect(entry.attributes.get('attributetypes')!.values.length).toBe(schema.attributeTypes().length);
    for (const oc of schema.objectClasses()) {
      for (const name of [...oc.must, ...oc.may])
        expect(schema.attribute(name), `${oc.names[0]!} lists ${name}`).toBeDefined();
    }
  });
});
