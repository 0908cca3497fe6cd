import { describe, expect, it } from 'vitest';
import { formatSourceFields } from '../../src/commands/fields-report.js';
import { Schema } from '../../src/schema/schema.js';
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

  it('shows fallback lists: what each field fills after which others, and each listed field checked', () => {
    const map = new FieldMap(schema, {
      mail: 'mail',
      telephoneNumber: ['telephoneNumber', 'OfficePhoneNumber'],
      userPrincipalName: ['userPrincipalName', 'mail', 'InternetAddress'],
      mobile: ['mobile', 'CellPhoneNumber'],
    });
    const text = formatSourceFields({
      name: 'domino',
      type: 'domino',
      fields: [
        { name: 'internetaddress', count: 3 },
        { name: 'mail', count: 2 },
        { name: 'OfficePhoneNumber', count: 3 },
        { name: 'CellPhoneNumber', count: 1 },
      ],
      map,
    });
    expect(text).toBe(
      [
        'domino (domino)',
        '  FIELD              FILLS                                               RECORDS',
        '  internetaddress    userPrincipalName (after userPrincipalName | mail)  3',
        '  mail               mail, userPrincipalName (after userPrincipalName)   2',
        '  OfficePhoneNumber  telephoneNumber (after telephoneNumber)             3',
        '  CellPhoneNumber    mobile (after mobile)                               1',
        '  map: telephoneNumber <- telephoneNumber | OfficePhoneNumber, but the source has no field telephoneNumber',
        '  map: userPrincipalName <- userPrincipalName | mail | InternetAddress, but the source has no field userPrincipalName',
        '  map: mobile <- mobile | CellPhoneNumber, but the source has no field mobile',
        '',
        '',
      ].join('\n'),
    );
  });

  it('names every field of a list the source lacks', () => {
    const text = formatSourceFields({
      name: 'domino',
      type: 'domino',
      fields: [{ name: 'FullName' }],
      map: new FieldMap(schema, { userPrincipalName: ['userPrincipalName', 'mail', 'InternetAddress'] }),
    });
    expect(text).toContain(
      '  map: userPrincipalName <- userPrincipalName | mail | InternetAddress, but the source has no fields userPrincipalName, mail, InternetAddress\n',
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
