/**
 * readSchemaAttributes against the run's Samba AD DC, read as the service account (an ordinary domain
 * user) over LDAPS verified against the DC's CA: the schema allows people the attributes a PBX imports.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readSchemaAttributes, type SchemaAttributes } from '../../src/sources/ldap/schema-attributes.js';
import './support/samba-ad-setup.js';
import { registerTestSecret } from './support/test-secrets.js';

const ad = inject('sambaAd');
const PBX_ATTRIBUTES = [
  'telephoneNumber',
  'ipPhone',
  'mobile',
  'userPrincipalName',
  'sAMAccountName',
  'mail',
  'department',
];

let client: Client;

beforeAll(async () => {
  client = new Client({
    url: ad.url,
    timeout: 10_000,
    connectTimeout: 5_000,
    tlsOptions: { ca: [readFileSync(ad.caFile)] },
  });
  await client.bind(ad.serviceAccount.userPrincipalName, registerTestSecret(ad.serviceAccount.password));
});

afterAll(async () => {
  await client.unbind().catch(() => undefined);
});

function all(attributes: SchemaAttributes | undefined): string[] {
  expect(attributes).toBeDefined();
  return [...attributes!.must, ...attributes!.may];
}

describe('schema attributes from the Samba AD DC', () => {
  it('allows users and contacts the attributes a PBX imports', async () => {
    const attributes = await readSchemaAttributes(client, ['user', 'contact']);
    expect(all(attributes)).toEqual(expect.arrayContaining(PBX_ATTRIBUTES));
    expect(attributes!.must).toEqual(expect.arrayContaining(['cn', 'objectClass', 'sAMAccountName']));
  });

  it('allows contacts no account names (sAMAccountName comes with the user class only)', async () => {
    const contact = all(await readSchemaAttributes(client, ['contact']));
    expect(contact).toEqual(
      expect.arrayContaining(['telephoneNumber', 'ipPhone', 'mobile', 'mail', 'department']),
    );
    expect(contact).not.toContain('sAMAccountName');
    expect(contact).not.toContain('userPrincipalName');
  });

  it('allows every attribute the seeded user and contacts hold', async () => {
    const allowed = new Set(
      all(await readSchemaAttributes(client, ['user', 'contact'])).map((a) => a.toLowerCase()),
    );
    const { searchEntries } = await client.search(ad.baseDn, {
      scope: 'sub',
      filter: `(|(sAMAccountName=${ad.users.alice.sAMAccountName})(objectClass=contact))`,
      attributes: ['*'],
    });
    expect(searchEntries.length).toBe(1 + ad.contacts.length);
    for (const entry of searchEntries) {
      // ldapts lists every requested attribute, `*` too, with no values when the entry has none.
      const held = Object.entries(entry)
        .filter(([name, values]) => name !== 'dn' && [values].flat().length > 0)
        .map(([name]) => name);
      expect(
        held.filter((name) => !allowed.has(name.toLowerCase())),
        entry.dn,
      ).toEqual([]);
    }
  });
});
