/**
 * The Samba AD DC test backend (scripts/test-backends/samba-ad.ts) answers as DOMAIN.md's bind
 * table says, over LDAPS verified against the test CA, and holds the seeded users and contacts.
 */
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';
import { describe, expect, inject, it } from 'vitest';
import type { SambaAdUser } from '../../scripts/test-backends/samba-ad.js';
import './support/samba-ad-setup.js';
import { registerTestSecret } from './support/test-secrets.js';

const ad = inject('sambaAd');
const ca = readFileSync(ad.caFile);

function client(): Client {
  return new Client({ url: ad.url, timeout: 10_000, connectTimeout: 5_000, tlsOptions: { ca: [ca] } });
}

/** The result of one simple bind: 'success' or the error's message (holding `data XXX`). */
async function bindAs(name: string, password: string): Promise<string> {
  registerTestSecret(password);
  const c = client();
  try {
    await c.bind(name, password);
    return 'success';
  } catch (error) {
    const e = error as { code?: number; message: string };
    return `${String(e.code)}: ${e.message}`;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

async function asAdmin<T>(action: (c: Client) => Promise<T>): Promise<T> {
  const c = client();
  try {
    await c.bind(ad.adminDn, ad.adminPassword);
    return await action(c);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

describe('Samba AD DC test backend', () => {
  const { alice } = ad.users;

  it('accepts alice as UPN, DOMAIN\\user and DN', async () => {
    expect(await bindAs(alice.userPrincipalName, alice.password)).toBe('success');
    expect(await bindAs(`${ad.netbiosDomain}\\${alice.sAMAccountName}`, alice.password)).toBe('success');
    expect(await bindAs(alice.dn, alice.password)).toBe('success');
    expect(await bindAs(ad.users.utf8.userPrincipalName, ad.users.utf8.password)).toBe('success');
    expect(await bindAs(ad.users.escapedCn.dn, ad.users.escapedCn.password)).toBe('success');
  });

  it('refuses a wrong password with 49, data 52e', async () => {
    const result = await bindAs(alice.userPrincipalName, registerTestSecret('Wrong#Password-1'));
    expect(result).toMatch(/^49: .*data 52e/);
  });

  it.each([
    'disabled',
    'mustChange',
    'accountExpired',
    'passwordExpired',
    'logonHours',
    'workstation',
  ] as const)('answers the %s user with its data code', async (key) => {
    const u: SambaAdUser = ad.users[key];
    const result = await bindAs(u.userPrincipalName, u.password);
    expect(result).toMatch(/^49: /);
    expect(result).toContain(u.bindResult);
  });

  it('locks the PSO user out after 3 wrong binds (775), and no one else', async () => {
    const locked = ad.users.lockedOut;
    // A reused DC may still hold it locked from an earlier run: unlock it first.
    await asAdmin((c) =>
      c.modify(
        locked.dn,
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'lockoutTime', values: ['0'] }),
        }),
      ),
    );
    expect(await bindAs(locked.userPrincipalName, locked.password)).toBe('success');
    for (let i = 0; i < 3; i++) {
      expect(await bindAs(locked.userPrincipalName, registerTestSecret('Wrong#Password-2'))).toMatch(
        /data 52e/,
      );
    }
    expect(await bindAs(locked.userPrincipalName, locked.password)).toMatch(/^49: .*data 775/);
    expect(await bindAs(alice.userPrincipalName, alice.password)).toBe('success');
  });

  it('names every seeded user by the DN it reports', async () => {
    for (const u of Object.values(ad.users)) {
      const { searchEntries } = await asAdmin((c) =>
        c.search(u.dn, { scope: 'base', attributes: ['sAMAccountName'] }),
      );
      expect(
        searchEntries.map((e) => e['sAMAccountName']),
        u.dn,
      ).toEqual([u.sAMAccountName]);
    }
  });

  it('pages through more than 2,500 users', async () => {
    const { searchEntries } = await asAdmin((c) =>
      c.search(ad.baseDn, {
        scope: 'sub',
        filter: '(&(objectCategory=person)(objectClass=user))',
        attributes: ['sAMAccountName'],
        paged: { pageSize: 1000 },
      }),
    );
    expect(searchEntries.length).toBeGreaterThan(ad.pagingUsers);
    const names = searchEntries.map((e) => String(e['sAMAccountName']));
    expect(names).toEqual(expect.arrayContaining(['alice', 'joerg', 'jsmith', 'page0001', 'page2500']));
  });

  it('holds the contacts and alice’s attributes', async () => {
    const contacts = await asAdmin((c) =>
      c.search(ad.baseDn, {
        scope: 'sub',
        filter: '(objectClass=contact)',
        attributes: ['cn', 'telephoneNumber'],
      }),
    );
    expect(contacts.searchEntries.map((e) => e['cn']).sort()).toEqual(ad.contacts.map((c) => c.cn).sort());
    const entry = await asAdmin((c) =>
      c.search(alice.dn, {
        scope: 'base',
        attributes: ['telephoneNumber', 'ipPhone', 'mobile', 'mail', 'department', 'preferredLanguage'],
      }),
    );
    expect(entry.searchEntries[0]).toMatchObject({
      telephoneNumber: '+49 30 1234567-10',
      ipPhone: '1010',
      mail: 'alice@example.test',
      department: 'Sales',
      preferredLanguage: 'de',
    });
  });

  it('verifies its certificate over StartTLS too', async () => {
    // No tlsOptions here: with them ldapts would speak TLS from the first byte.
    const c = new Client({ url: ad.startTlsUrl, timeout: 10_000, connectTimeout: 5_000 });
    try {
      await c.startTLS({ ca: [ca] });
      await c.bind(alice.userPrincipalName, alice.password);
    } finally {
      await c.unbind().catch(() => undefined);
    }
  });
});
