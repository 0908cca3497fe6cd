/**
 * Sign-on through a real dirbridge process to the run's Samba AD DC, with OpenLDAP's ldapwhoami as
 * the client (plain LDAP from loopback, which dirbridge trusts by default). Every seeded account of
 * DOMAIN.md's bind table gets through dirbridge the verdict the DC itself gives when bound to
 * directly with the account's DN (result code and AD's `data` code), under every name form; the
 * DC's lockout and bad-password count see exactly the binds the user made; and binds for names that
 * are not the DC's, or without a password, never reach it: Samba's authentication audit, which
 * records every simple bind the DC sees, shows none of them.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SambaAdUser } from '../../scripts/test-backends/samba-ad.js';
import { DEMO_SOURCE, adSignOnSource, bindNames, presentedDns } from './support/ad-sign-on.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapwhoami } from './support/ldap-utils.js';
import {
  authEventsDuring,
  badPwdCount,
  bindDirectly,
  unlock,
  verdictOf,
  type BindVerdict,
} from './support/samba-ad-direct.js';
import './support/samba-ad-setup.js';
import { registerTestSecret } from './support/test-secrets.js';

const ad = inject('sambaAd');
const { alice, lockedOut: locked } = ad.users;
const WRONG = registerTestSecret('Wrong#Guess-4711');
const BAD_PASSWORD = { code: 49, data: '52e' };

let server: DirbridgeProcess;
/** sAMAccountName -> the DN dirbridge presents the user at. */
let presented: Map<string, string>;

beforeAll(async () => {
  server = await startDirbridge({
    // `access: {}`: the defaults (no anonymous reads; signed-on users read their own source).
    config: { sources: [adSignOnSource(ad), DEMO_SOURCE], access: {} },
    logName: 'ad-sign-on',
  });
  presented = await presentedDns(
    server,
    { dn: alice.userPrincipalName, password: alice.password },
    Object.values(ad.users),
  );
});

afterAll(async () => {
  await server.stop();
  // Leave the lockout user as a later run expects to find it.
  await unlock(ad, locked.dn);
});

/** A bind through dirbridge, then Who am I?: the verdict, and the identity on success. */
async function throughDirbridge(name: string, password: string): Promise<BindVerdict & { authzId?: string }> {
  const result = await ldapwhoami(server.url, { dn: name, password });
  const verdict = verdictOf(result.code, result.diagnostic);
  return result.authzId === undefined ? verdict : { ...verdict, authzId: result.authzId };
}

/** What DOMAIN.md's table says the DC answers the user's own password with. */
function tableVerdict(user: SambaAdUser): BindVerdict {
  return user.bindResult === 'success'
    ? { code: 0 }
    : { code: 49, data: user.bindResult.replace('data ', '') };
}

describe('sign-on through dirbridge: the DC’s verdict under every name', () => {
  const TABLE = [
    'alice',
    'disabled',
    'accountExpired',
    'passwordExpired',
    'mustChange',
    'logonHours',
    'workstation',
    'utf8',
    'escapedCn',
  ] as const;

  it.each(TABLE)('%s: the right and a wrong password', async (key) => {
    const user = ad.users[key];
    for (const [password, expected] of [
      [user.password, tableVerdict(user)],
      // The DC checks the password first: a restricted account with a wrong one is just 52e.
      [WRONG, BAD_PASSWORD],
    ] as const) {
      const direct = await bindDirectly(ad, user.dn, password);
      expect(direct, 'the DC itself, as DOMAIN.md says').toEqual(expected);
      for (const { form, name } of bindNames(ad, user, presented)) {
        const result = await throughDirbridge(name, password);
        expect({ code: result.code, data: result.data }, `${form} ${name}`).toEqual({
          code: direct.code,
          data: direct.data,
        });
        // Signed on: Who am I? names the entry dirbridge presents, whichever name was used.
        if (direct.code === 0) expect(result.authzId).toBe(`dn:${presented.get(user.sAMAccountName)}`);
      }
    }
  });

  it('locks the lockout user after 3 wrong passwords (775), as 3 wrong binds to the DC do', async () => {
    await unlock(ad, locked.dn);
    const direct: BindVerdict[] = [];
    for (let i = 0; i < 3; i++) direct.push(await bindDirectly(ad, locked.dn, WRONG));
    direct.push(await bindDirectly(ad, locked.dn, locked.password));
    expect(direct).toEqual([BAD_PASSWORD, BAD_PASSWORD, BAD_PASSWORD, { code: 49, data: '775' }]);

    await unlock(ad, locked.dn);
    const names = bindNames(ad, locked, presented);
    const through: BindVerdict[] = [];
    // One wrong password under each of three names: the DC counts them against the one account.
    for (const { name } of names.slice(0, 3)) through.push(await throughDirbridge(name, WRONG));
    through.push(await throughDirbridge(locked.userPrincipalName, locked.password));
    expect(through).toEqual(direct);
    for (const { form, name } of names) {
      expect(await throughDirbridge(name, locked.password), form).toEqual({ code: 49, data: '775' });
    }
    expect(await bindDirectly(ad, locked.dn, locked.password)).toEqual({ code: 49, data: '775' });
    await unlock(ad, locked.dn);
  });

  it('signs alice on as alice@EXAMPLE, example\\alice and ALICE@EXAMPLE.TEST, as the DC does', async () => {
    for (const name of [
      `${alice.sAMAccountName}@${ad.netbiosDomain}`,
      `${ad.netbiosDomain.toLowerCase()}\\${alice.sAMAccountName}`,
      alice.userPrincipalName.toUpperCase(),
    ]) {
      expect(await bindDirectly(ad, name, alice.password), name).toEqual({ code: 0 });
      expect(await throughDirbridge(name, alice.password), name).toEqual({
        code: 0,
        authzId: `dn:${presented.get(alice.sAMAccountName)}`,
      });
    }
  });

  it('refuses example.test\\alice and a bare alice (49) without sending them to the DC', async () => {
    const names = [`${ad.realm.toLowerCase()}\\${alice.sAMAccountName}`, alice.sAMAccountName];
    for (const name of names)
      expect(await bindDirectly(ad, name, alice.password), name).toEqual(BAD_PASSWORD);
    const events = await authEventsDuring(ad, async () => {
      for (const name of names) expect((await throughDirbridge(name, alice.password)).code, name).toBe(49);
    });
    expect(events).toEqual([]);
  });
});

describe('what the DC counts', () => {
  it('sees each wrong password through dirbridge exactly once: badPwdCount rises by one per bind', async () => {
    await unlock(ad, locked.dn);
    const before = await badPwdCount(ad, locked.dn);
    const upnAndNetbios = bindNames(ad, locked, presented).slice(0, 2);
    const events = await authEventsDuring(ad, async () => {
      for (const { name } of upnAndNetbios) expect(await throughDirbridge(name, WRONG)).toEqual(BAD_PASSWORD);
    });
    expect(await badPwdCount(ad, locked.dn)).toBe(before + 2);
    expect(events).toEqual(
      upnAndNetbios.map(({ name }) => ({ name, status: 'NT_STATUS_WRONG_PASSWORD', account: 'locked' })),
    );
    // The right password clears the count, as it does at the DC: the account is left as found.
    expect(await throughDirbridge(locked.userPrincipalName, locked.password)).toMatchObject({ code: 0 });
    expect(await badPwdCount(ad, locked.dn)).toBe(0);
  });

  it('sends users without a lockout policy (alice, joerg) to the DC once per wrong password too', async () => {
    // Samba keeps no badPwdCount for them; its audit still lists every bind it saw.
    const users = [alice, ad.users.utf8];
    const events = await authEventsDuring(ad, async () => {
      for (const user of users) {
        for (let i = 0; i < 2; i++)
          expect(await throughDirbridge(user.userPrincipalName, WRONG)).toEqual(BAD_PASSWORD);
      }
    });
    expect(events).toEqual(
      users.flatMap((user) =>
        Array.from({ length: 2 }, () => ({
          name: user.userPrincipalName,
          status: 'NT_STATUS_WRONG_PASSWORD',
          account: user.sAMAccountName,
        })),
      ),
    );
  });

  it('refuses an empty password (49) under every name without asking the DC, whose count stays put', async () => {
    await unlock(ad, locked.dn);
    const events = await authEventsDuring(ad, async () => {
      for (const user of [alice, locked]) {
        for (const { form, name } of bindNames(ad, user, presented)) {
          const result = await ldapwhoami(server.url, { dn: name, password: '' });
          expect(result.code, `${form} ${name}: ${result.stderr}`).toBe(49);
        }
      }
    });
    expect(events).toEqual([]);
    expect(await badPwdCount(ad, locked.dn)).toBe(0);
    // Sent to the DC, an empty password would have counted as a wrong one (real AD even takes it
    // for an anonymous success): the count above would have shown it.
    expect(await bindDirectly(ad, locked.dn, '')).toEqual(BAD_PASSWORD);
    expect(await badPwdCount(ad, locked.dn)).toBe(1);
    await unlock(ad, locked.dn);
  });

  it('refuses names no source owns (49) from loopback without sending them to the DC', async () => {
    const names = [
      'alice@elsewhere.example',
      'OTHER\\alice',
      'CN=Alice Anderson,CN=Users,DC=other,DC=test',
      `cn=nobody,${SUFFIX}`,
      // Shaped like a presented entry of the ad mount, but no entry has this UUID.
      `entryUUID=00000000-0000-4000-8000-000000000000,ou=ad,${SUFFIX}`,
    ];
    const events = await authEventsDuring(ad, async () => {
      for (const name of names) {
        const result = await ldapwhoami(server.url, { dn: name, password: alice.password });
        expect(result.code, `${name}: ${result.stderr}`).toBe(49);
      }
    });
    expect(events).toEqual([]);
  });
});
