import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTestConfig } from '../../support/load-test-config.js';
import { formatFilter } from '../../../src/filter/format.js';
import type { SourceQuery } from '../../../src/sources/source.js';
import { Schema } from '../../../src/schema/schema.js';
import { FieldMap } from '../../../src/mapping/field-map.js';
import { toNativeFilter } from '../../../src/mapping/native-filter.js';
import { parseFilter } from '../../../src/filter/parse.js';
import { DOMINO_DEFAULT_MAP, createDominoSource } from '../../../src/sources/domino/index.js';
import { sourceType } from '../../../src/sources/registry.js';

describe('domino source', () => {
  it('is the ldap source with Domino defaults: empty base, people only, replica first', async () => {
    const source = createDominoSource({ name: 'domino', type: 'domino', urls: 'ldaps://domino1' });
    try {
      expect(source.settings).toMatchObject({
        bases: [''],
        idAttribute: 'dominoUNID',
        usersFilter: '(|(objectClass=dominoPerson)(objectClass=inetOrgPerson))',
        contactsFilter: '(!(objectClass=*))',
      });
      expect(source.settings.phoneFields).toEqual(
        expect.arrayContaining(['OfficePhoneNumber', 'CellPhoneNumber']),
      );
      expect(source.capabilities.modes).toEqual(['replica', 'live']);
    } finally {
      await source.close();
    }
  });

  it('pushes only name and mail prefixes down in live mode', async () => {
    const source = createDominoSource({
      name: 'domino',
      type: 'domino',
      urls: 'ldaps://domino1',
      mode: 'live',
    });
    try {
      const scope = '(&(|(|(objectClass=dominoPerson)(objectClass=inetOrgPerson))(!(objectClass=*))))';
      const sent = (query: SourceQuery): string => formatFilter(source.backendFilter(query));
      expect(sent({})).toBe(scope);
      const contains = { type: 'substrings', attribute: 'cn', any: ['Bx'] } as const;
      expect(sent({ filter: contains })).toBe(scope);
      const prefix = { type: 'substrings', attribute: 'cn', initial: 'Bx', any: ['fm'] } as const;
      expect(sent({ filter: prefix })).toBe(`(&${scope.slice(2, -1)}(cn=Bx*))`);
      const number = { type: 'equality', attribute: 'OfficePhoneNumber', value: '+49 30 1234' } as const;
      expect(sent({ filter: number })).toBe(scope);
      // A mail condition, translated through the default map, goes down as written.
      const map = new FieldMap(Schema.load(), DOMINO_DEFAULT_MAP);
      const mail = toNativeFilter(parseFilter('(mail=Anna.Schmidt@Acme.example)'), map);
      expect(sent({ filter: mail!, exactFields: map.identifierFields() })).toBe(
        `(&${scope.slice(2, -1)}(|(mail=Anna.Schmidt@Acme.example)(InternetAddress=Anna.Schmidt@Acme.example)))`,
      );
      const mailPrefix = toNativeFilter(parseFilter('(mail=anna.s*)'), map);
      expect(sent({ filter: mailPrefix!, exactFields: map.identifierFields() })).toBe(
        `(&${scope.slice(2, -1)}(|(mail=anna.s*)(InternetAddress=anna.s*)))`,
      );
      // userPrincipalName may come from its own item, which Domino does not index: not sent.
      const login = toNativeFilter(parseFilter('(userPrincipalName=anna.s*)'), map);
      expect(sent({ filter: login!, exactFields: map.identifierFields() })).toBe(scope);
    } finally {
      await source.close();
    }
  });

  it('is registered as `domino`, and the config loader takes a domino source without a base', async () => {
    expect(sourceType('domino')?.defaultMap).toBe(DOMINO_DEFAULT_MAP);
    const file = join(mkdtempSync(join(tmpdir(), 'dirbridge-domino-')), 'config.yaml');
    writeFileSync(
      file,
      'sources:\n  - { name: domino, type: domino, urls: "ldaps://domino1", changeInterval: 60 }\n',
    );
    const config = await loadTestConfig(file);
    expect(config.sources[0]).toMatchObject({ name: 'domino', type: 'domino', changeInterval: 60 });
    writeFileSync(
      file,
      'sources:\n  - { name: domino, type: domino, urls: "ldaps://domino1", upnSuffixes: [x] }\n',
    );
    await expect(loadTestConfig(file)).rejects.toThrow(/upnSuffixes: unknown setting/);
  });

  it('fills the presented schema from LDAP names first, Notes items where only they are filled', () => {
    const map = new FieldMap(Schema.load(), DOMINO_DEFAULT_MAP);
    const present = (fields: Record<string, string[]>): Record<string, readonly string[]> =>
      Object.fromEntries(map.present({ id: 'x', kind: 'user', fields }).map((a) => [a.name, a.values]));
    expect(
      present({
        cn: ['Thomas Weber'],
        OfficePhoneNumber: ['030/1234567-12'],
        CellPhoneNumber: ['+49 171 1234512'],
        OfficeFAXPhoneNumber: ['030/1234567-99'],
        Department: ['Engineering'],
        ShortName: ['tweber'],
        InternetAddress: ['thomas.weber@acme.example'],
        HTTPPassword: ['(355E98E7C7B59BD810ED845AD0FD2FC4)'],
      }),
    ).toMatchObject({
      cn: ['Thomas Weber'],
      telephoneNumber: ['030/1234567-12'],
      mobile: ['+49 171 1234512'],
      facsimileTelephoneNumber: ['030/1234567-99'],
      department: ['Engineering'],
      sAMAccountName: ['tweber'],
      uid: ['tweber'],
      mail: ['thomas.weber@acme.example'],
      userPrincipalName: ['thomas.weber@acme.example'],
      userPassword: ['(355E98E7C7B59BD810ED845AD0FD2FC4)'],
    });
    const anna = present({
      cn: ['Anna Schmidt'],
      telephoneNumber: ['+49 30 1234567-10'],
      OfficePhoneNumber: ['+49 30 9999'],
      ipPhone: ['1010'],
      ou: ['Sales'],
      Department: ['Vertrieb'],
      mail: ['anna.schmidt@acme.example'],
      userPrincipalName: ['anna@acme.example'],
      wuserPasswordSip: ['sip-secret'],
    });
    expect(anna).toMatchObject({
      telephoneNumber: ['+49 30 1234567-10'],
      ipPhone: ['1010'],
      department: ['Sales'],
      userPrincipalName: ['anna@acme.example'],
      wuserPasswordSip: ['sip-secret'],
    });
  });
});
