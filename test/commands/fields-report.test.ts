import { describe, expect, it } from 'vitest';
import { formatSourceFields } from '../../src/commands/fields-report.js';
import { Schema } from '../../src/directory/schema.js';
import { FieldMap } from '../../src/mapping/field-map.js';

const schema = Schema.load();

describe('fields report', () => {
  it('shows each field, the attributes it fills under the map, and map entries naming no field', () => {
    const map = new FieldMap(schema, 'identity', {
      telephoneNumber: 'officePhone',
      mobile: 'cellPhone',
      displayName: 'officePhone',
    });
    const text = formatSourceFields({
      name: 'staff',
      type: 'file',
      fields: [
        { name: 'cn', count: 3 },
        { name: 'officePhone', count: 2 },
        { name: 'telephoneNumber', count: 1 },
        { name: 'shoeSize' },
      ],
      map,
    });
    expect(text).toBe(
      [
        'staff (file)',
        '  FIELD            FILLS                         RECORDS',
        '  cn               cn                            3',
        '  officePhone      telephoneNumber, displayName  2',
        '  telephoneNumber  -                             1',
        '  shoeSize         -',
        '  map: mobile <- cellPhone, but the source has no field cellPhone',
        '',
        '',
      ].join('\n'),
    );
  });

  it('adds a description column when the source describes its fields', () => {
    const text = formatSourceFields({
      name: 'ad',
      type: 'ad',
      fields: [{ name: 'ipPhone', description: 'IP phone number', count: 10 }],
      map: new FieldMap(schema, 'identity'),
    });
    expect(text).toContain('FIELD    FILLS    RECORDS  DESCRIPTION');
    expect(text).toContain('ipPhone  ipPhone  10       IP phone number');
  });
});
