import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/filter/parse.js';
import { guidToUuid, toRecord } from '../../../src/sources/ldap/ldap-entry.js';

const CONTACTS = parseFilter('(objectClass=contact)');
const GUID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');

describe('ldap entries as records', () => {
  it('reads a binary objectGUID as a UUID and keeps every other value as text', () => {
    const entry: Entry = {
      dn: 'CN=Alice,CN=Users,DC=example,DC=test',
      objectGUID: GUID,
      objectClass: ['top', 'person', 'user'],
      telephoneNumber: '+49 30 1234567-10',
      otherTelephone: ['1', '2'],
    };
    expect(toRecord(entry, 'objectGUID', CONTACTS)).toEqual({
      id: guidToUuid(GUID),
      uuid: guidToUuid(GUID),
      kind: 'user',
      fields: {
        objectGUID: [guidToUuid(GUID)],
        objectClass: ['top', 'person', 'user'],
        telephoneNumber: ['+49 30 1234567-10'],
        otherTelephone: ['1', '2'],
      },
    });
  });

  it("takes AD's ranged attributes (member;range=0-1499) as fields of their own, without failing", () => {
    const members = Array.from({ length: 1500 }, (_, i) => `CN=User ${i},OU=Paging,DC=example,DC=test`);
    const entry: Entry = {
      dn: 'CN=Big Group,DC=example,DC=test',
      objectGUID: GUID,
      objectClass: ['top', 'group'],
      'member;range=0-1499': members,
      member: [],
    };
    const record = toRecord(entry, 'objectGUID', CONTACTS);
    expect(record?.fields['member;range=0-1499']).toHaveLength(1500);
    expect(record?.fields.member).toBeUndefined();
  });

  it('tells contacts by the contacts filter, and skips an entry without an id unless its DN may stand in', () => {
    const contact: Entry = { dn: 'CN=Carol,OU=Contacts,DC=example,DC=test', objectClass: ['top', 'contact'] };
    expect(toRecord(contact, 'objectGUID', CONTACTS)).toBeUndefined();
    expect(toRecord(contact, 'objectGUID', CONTACTS, true)).toMatchObject({
      id: 'CN=Carol,OU=Contacts,DC=example,DC=test',
      kind: 'contact',
    });
  });
});
