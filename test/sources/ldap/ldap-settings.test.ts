import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTestConfig } from '../../support/load-test-config.js';
import { formatFilter } from '../../../src/filter/format.js';
import { parseFilter } from '../../../src/filter/parse.js';
import { createLdapSource } from '../../../src/sources/ldap/index.js';
import { guidToUuid, matches, toRecord, uuidToGuid } from '../../../src/sources/ldap/ldap-entry.js';
import { DEFAULT_PHONE_FIELDS } from '../../../src/sources/ldap/ldap-defaults.js';
import { ldapSourceSettings } from '../../../src/sources/ldap/create-ldap-source.js';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-ldap-'));
const ca = join(folder, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');

describe('ldapSourceSettings', () => {
  it('applies the documented defaults', () => {
    const settings = ldapSourceSettings({ name: 'dir', type: 'ldap', urls: 'ldaps://dc1:636', base: 'dc=x' });
    expect(settings).toEqual({
      name: 'dir',
      mode: 'replica',
      urls: ['ldaps://dc1:636'],
      startTls: false,
      tls: { rejectUnauthorized: true },
      bases: ['dc=x'],
      usersFilter: '(|(objectClass=inetOrgPerson)(objectClass=user))',
      contactsFilter: '(objectClass=contact)',
      idAttribute: 'entryUUID',
      pageSize: 500,
      timeoutMs: 10_000,
      poolSize: 4,
      healthIntervalMs: 60_000,
      phoneFields: DEFAULT_PHONE_FIELDS,
      defaultCountry: 'DE',
      signOn: false,
      plaintextSignOnUrls: [],
      bindPoolSize: 4,
      changeIntervalMs: 30_000,
      reconcileIntervalMs: 3_600_000,
    });
  });

  it('reads the CA file, bind and filters', () => {
    const settings = ldapSourceSettings(
      {
        name: 'dir',
        type: 'ldap',
        urls: ['ldap://a', 'ldap://b:389'],
        startTls: true,
        tls: { ca, rejectUnauthorized: false },
        bind: { name: 'cn=svc', password: 'pw' },
        base: ['ou=a', 'ou=b'],
        filter: 'mail=*',
        timeout: 2.5,
      },
      'AT',
    );
    expect(settings.tls.ca).toContain('BEGIN CERTIFICATE');
    expect(settings.tls.rejectUnauthorized).toBe(false);
    expect(settings.bind).toEqual({ name: 'cn=svc', password: 'pw' });
    expect(settings.filter).toBe('(mail=*)');
    expect(settings.timeoutMs).toBe(2500);
    expect(settings.defaultCountry).toBe('AT');
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ urls: 'http://x', base: 'dc=x' }, /urls: must be an ldap:\/\/ or ldaps:\/\/ URL/],
    [{ urls: [], base: 'dc=x' }, /urls: must be an ldap:\/\/ or ldaps:\/\/ URL/],
    [{ urls: 'ldaps://x', base: 'dc=x', startTls: true }, /startTls is for ldap:\/\//],
    [{ urls: 'ldap://x', base: 'dc=x', tls: { ca: join(folder, 'missing.pem') } }, /tls.ca: cannot read/],
    [
      { urls: 'ldap://x', base: 'dc=x', bind: { name: 'cn=svc', password: '' } },
      /bind.password: must not be empty/,
    ],
    [{ urls: 'ldap://x', base: 'dc=x', changeInterval: 0 }, /changeInterval: must be > 0/],
    [{ urls: 'ldap://x', base: 'dc=x', reconcileInterval: -1 }, /reconcileInterval: must be > 0/],
    [{ urls: 'ldap://x', base: 'dc=x', refreshInterval: 60 }, /refreshInterval: unknown setting/],
    [{ urls: 'ldap://x', base: 'dc=x', pageSize: 0 }, /pageSize: must be >= 1/],
    [{ urls: 'ldap://x', base: 'dc=x', signOn: true }, /passwords would be sent in clear to ldap:\/\/x/],
    [
      { urls: ['ldaps://a', 'LDAP://b'], base: 'dc=x', signOn: true, allowPlaintextSignOn: false },
      /in clear to LDAP:\/\/b: use an ldaps:\/\/ URL or startTls: true, or set allowPlaintextSignOn: true/,
    ],
    [
      { urls: 'ldap://x', base: 'dc=x', signOn: true, allowPlaintextSignOn: 'yes' },
      /allowPlaintextSignOn: must be true or false/,
    ],
  ])('refuses %j', (config, message) => {
    expect(() => ldapSourceSettings({ name: 'dir', type: 'ldap', ...config })).toThrow(message);
  });

  it('signs on over ldap:// only with StartTLS, or where allowPlaintextSignOn says clear text is intended', () => {
    const settings = (extra: Record<string, unknown>) =>
      ldapSourceSettings({
        name: 'dir',
        type: 'ldap',
        urls: ['ldap://a', 'ldap://b'],
        base: 'dc=x',
        ...extra,
      });
    expect(settings({ signOn: true, startTls: true }).plaintextSignOnUrls).toEqual([]);
    expect(settings({ signOn: false }).plaintextSignOnUrls).toEqual([]);
    expect(settings({ signOn: true, allowPlaintextSignOn: true }).plaintextSignOnUrls).toEqual([
      'ldap://a',
      'ldap://b',
    ]);
  });

  it('warns at start and in check when sign-on passwords go in clear', async () => {
    const warnings: string[] = [];
    const logger = {
      warn: (_: object, message: string) => void warnings.push(message),
      info: () => undefined,
    };
    const source = createLdapSource(
      {
        name: 'dir',
        type: 'ldap',
        urls: 'ldap://127.0.0.1:1',
        base: 'dc=x',
        signOn: true,
        allowPlaintextSignOn: true,
        timeout: 1,
      },
      { logger, defaultCountry: 'DE' },
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(/passwords are sent in clear to ldap:\/\/127\.0\.0\.1:1/),
    );
    const report = await source.check();
    expect(report.steps[0]).toMatchObject({ step: 'sign-on', ok: true, warning: true });
    expect(report.steps[0]!.detail).toMatch(/in clear to ldap:\/\/127\.0\.0\.1:1 \(allowPlaintextSignOn\)/);
    await source.close();
  });

  it('refuses a configured filter that does not parse', () => {
    expect(() =>
      createLdapSource({ name: 'dir', type: 'ldap', urls: 'ldap://x', base: 'dc=x', contactsFilter: '(a=b' }),
    ).toThrow(/contactsFilter/);
  });

  it('is loaded from YAML with the schema checking it and tls.ca resolved next to the config', async () => {
    const file = join(folder, 'config.yaml');
    writeFileSync(
      file,
      [
        'sources:',
        '  - name: dir',
        '    type: ldap',
        '    urls: [ldaps://dc1.example.test, ldaps://dc2.example.test]',
        '    tls: { ca: ca.pem }',
        '    bind: { name: cn=svc, password: "${env:LDAP_PW}" }',
        '    base: dc=example,dc=test',
        '',
      ].join('\n'),
    );
    const config = await loadTestConfig(file, { env: { LDAP_PW: 'secret' } });
    expect(config.sources[0]).toMatchObject({
      tls: { ca, rejectUnauthorized: true },
      bind: { name: 'cn=svc', password: 'secret' },
      pageSize: 500,
      poolSize: 4,
    });
    writeFileSync(
      file,
      'sources:\n  - name: dir\n    type: ldap\n    urls: http://x\n    base: dc=x\n    pagesize: 5\n',
    );
    await expect(loadTestConfig(file)).rejects.toThrow(
      /urls: must be an ldap:\/\/ or ldaps:\/\/ URL[\s\S]*pagesize: unknown setting \(did you mean 'pageSize'\?\)/,
    );
  });
});

describe('LdapSource.backendFilter', () => {
  const source = createLdapSource({
    name: 'dir',
    type: 'ldap',
    urls: 'ldap://x',
    base: 'dc=x',
    filter: '(!(userAccountControl:1.2.840.113556.1.4.803:=2))',
  });

  it('ANDs the configured filter, the record filters and the widened query', () => {
    expect(formatFilter(source.backendFilter({}))).toBe(
      '(&(!(userAccountControl:1.2.840.113556.1.4.803:=2))(|(|(objectClass=inetOrgPerson)(objectClass=user))(objectClass=contact)))',
    );
    expect(
      formatFilter(source.backendFilter({ filter: parseFilter('(&(sn=Müller*)(telephoneNumber=*0301*))') })),
    ).toBe(
      '(&(!(userAccountControl:1.2.840.113556.1.4.803:=2))(|(|(objectClass=inetOrgPerson)(objectClass=user))(objectClass=contact))(&(sn=M*)(telephoneNumber=*3*0*1*)))',
    );
    expect(formatFilter(source.backendFilter({ filter: parseFilter('(cn=\\2a\\29\\28\\5c\\00bm)') }))).toBe(
      '(&(!(userAccountControl:1.2.840.113556.1.4.803:=2))(|(|(objectClass=inetOrgPerson)(objectClass=user))(objectClass=contact))(cn=\\2a\\29\\28\\5c*bm))',
    );
  });
});

describe('entries', () => {
  const guid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');

  it('reads an objectGUID in the little-endian GUID layout, and back', () => {
    expect(guidToUuid(guid)).toBe('67452301-ab89-efcd-0123-456789abcdef');
    expect(Buffer.from(uuidToGuid('67452301-ab89-efcd-0123-456789abcdef')!).toString('hex')).toBe(
      guid.toString('hex'),
    );
    expect(uuidToGuid('not-a-uuid')).toBeUndefined();
  });

  it('makes a record: binary id as UUID, values as strings, contacts told apart', () => {
    const contacts = parseFilter('(objectClass=contact)');
    const record = toRecord(
      { dn: 'cn=a', objectGUID: guid, objectClass: ['top', 'Contact'], cn: 'A', mobile: ['1', '2'] },
      'objectGUID',
      contacts,
    );
    expect(record).toEqual({
      id: '67452301-ab89-efcd-0123-456789abcdef',
      uuid: '67452301-ab89-efcd-0123-456789abcdef',
      kind: 'contact',
      fields: {
        objectGUID: ['67452301-ab89-efcd-0123-456789abcdef'],
        objectClass: ['top', 'Contact'],
        cn: ['A'],
        mobile: ['1', '2'],
      },
    });
    const text = toRecord({ dn: 'cn=b', entryUUID: Buffer.from('u-1'), cn: 'B' }, 'entryUUID', contacts);
    expect(text).toMatchObject({ id: 'u-1', kind: 'user' });
    expect(text?.uuid).toBeUndefined();
    expect(toRecord({ dn: 'cn=c', cn: 'C' }, 'entryUUID', contacts)).toBeUndefined();
  });

  it('identifies an entry without the id attribute by its DN where allowed, with no empty id field', () => {
    const contacts = parseFilter('(!(objectClass=*))');
    // ldapts lists an attribute that was asked for and is missing with no values.
    const entry = {
      dn: 'cn=Klaus Fischer',
      dominoUNID: [],
      objectClass: ['dominoPerson'],
      cn: 'Klaus Fischer',
    };
    expect(toRecord(entry, 'dominoUNID', contacts)).toBeUndefined();
    expect(toRecord(entry, 'dominoUNID', contacts, true)).toEqual({
      id: 'cn=Klaus Fischer',
      kind: 'user',
      fields: { objectClass: ['dominoPerson'], cn: ['Klaus Fischer'] },
    });
  });

  it.each([
    ['(objectClass=contact)', true],
    ['(&(objectClass=top)(cn=*x*))', true],
    ['(|(objectClass=user)(!(cn=a*)))', false],
    ['(cn=ab*)', true],
    ['(cn=*yz)', false],
    ['(mail=*)', false],
    ['(cn>=a)', false],
  ])('contacts filter %s -> %s', (filter, expected) => {
    expect(matches(parseFilter(filter), { objectClass: ['top', 'CONTACT'], cn: ['Abc x'] })).toBe(expected);
  });
});
