import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTestConfig } from '../../support/load-test-config.js';
import { formatFilter } from '../../../src/filter/format.js';
import { Schema } from '../../../src/schema/schema.js';
import { FieldMap } from '../../../src/mapping/field-map.js';
import { AD_DEFAULT_MAP, createAdSource } from '../../../src/sources/ad/index.js';
import { sourceType } from '../../../src/sources/registry.js';

const DISABLED = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';

describe('ad source', () => {
  it('is the ldap source with AD defaults', async () => {
    const source = createAdSource({
      name: 'ad',
      type: 'ad',
      urls: 'ldaps://dc1',
      base: 'DC=x',
      filter: DISABLED,
    });
    try {
      expect(source.settings).toMatchObject({
        idAttribute: 'objectGUID',
        usersFilter: '(&(objectCategory=person)(objectClass=user))',
        contactsFilter: '(objectClass=contact)',
        filter: DISABLED,
      });
      expect(formatFilter(source.backendFilter({}))).toBe(
        `(&${DISABLED}(|(&(objectCategory=person)(objectClass=user))(objectClass=contact)))`,
      );
    } finally {
      await source.close();
    }
  });

  it('keeps what the config sets over the AD defaults', async () => {
    const source = createAdSource({
      name: 'ad',
      type: 'ad',
      urls: 'ldaps://dc1',
      base: 'DC=x',
      idAttribute: 'employeeID',
      usersFilter: '(objectClass=user)',
      contactsFilter: 'objectClass=contact',
    });
    try {
      expect(source.settings).toMatchObject({
        idAttribute: 'employeeID',
        usersFilter: '(objectClass=user)',
        contactsFilter: '(objectClass=contact)',
      });
    } finally {
      await source.close();
    }
  });

  it('is registered as `ad`, and the config loader applies the AD defaults', async () => {
    expect(sourceType('ad')?.defaultMap).toBe(AD_DEFAULT_MAP);
    const file = join(mkdtempSync(join(tmpdir(), 'dirbridge-ad-')), 'config.yaml');
    writeFileSync(file, 'sources:\n  - { name: ad, type: ad, urls: "ldaps://dc1", base: "DC=x" }\n');
    const config = await loadTestConfig(file);
    expect(config.sources[0]).toMatchObject({
      idAttribute: 'objectGUID',
      usersFilter: '(&(objectCategory=person)(objectClass=user))',
      contactsFilter: '(objectClass=contact)',
    });
    writeFileSync(file, 'sources:\n  - { name: ad, type: ad, urls: "ldaps://dc1", base: "DC=x", path: x }\n');
    await expect(loadTestConfig(file)).rejects.toThrow(/path: unknown setting/);
  });

  it('fills the presented schema from AD attributes, each remappable', () => {
    const schema = Schema.load();
    const map = new FieldMap(schema, AD_DEFAULT_MAP, {
      telephoneNumber: 'ipPhone',
      ipPhone: 'telephoneNumber',
    });
    const presented = map.present({
      id: 'x',
      kind: 'user',
      fields: {
        cn: ['Alice Anderson'],
        telephoneNumber: ['+49 30 1234567-10'],
        ipPhone: ['710'],
        company: ['Example GmbH'],
        sAMAccountName: ['alice'],
        userPrincipalName: ['alice@example.test'],
        objectSid: ['x'],
      },
    });
    const byName = Object.fromEntries(presented.map((a) => [a.name, a.values]));
    expect(byName).toMatchObject({
      cn: ['Alice Anderson'],
      telephoneNumber: ['710'],
      ipPhone: ['+49 30 1234567-10'],
      company: ['Example GmbH'],
      o: ['Example GmbH'],
      sAMAccountName: ['alice'],
      uid: ['alice'],
      userPrincipalName: ['alice@example.test'],
    });
    expect(byName.objectSid).toBeUndefined();
  });
});
