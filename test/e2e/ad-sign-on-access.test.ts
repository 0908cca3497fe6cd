/**
 * What a user who signed on through the ad source may do, through a real dirbridge process: read
 * the ad mount only by default (the demo file source stays out of sight), both mounts where
 * `access.signedOn` grants them, and never a sensitive attribute; and how failed sign-ons are
 * throttled: per login, so the guessed login is slowed and nobody else. Who am I? after a sign-on is
 * proven for every name form in ad-sign-on.test.ts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../src/auth/password-hash.js';
import { AD_MOUNT, DEMO_MOUNT, DEMO_SOURCE, adSignOnSource } from './support/ad-sign-on.js';
import { demoRows } from './support/demo-data.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch, ldapwhoami, type LdifEntry } from './support/ldap-utils.js';
import { authEventsDuring, verdictOf } from './support/samba-ad-direct.js';
import './support/samba-ad-setup.js';
import { registerTestSecret } from './support/test-secrets.js';

const ad = inject('sambaAd');
const { alice, utf8: joerg } = ad.users;
const ALICE = { dn: alice.userPrincipalName, password: alice.password };
const PBX = { dn: 'pbx', password: registerTestSecret('Pbx#Import-5150') };
const WRONG = registerTestSecret('Wrong#Guess-0815');
const SENSITIVE = ['userPassword', 'wuserPasswordSip'];
/**
 * AD holds no password a client can read: the source presents two of the seeded users' phone
 * attributes under the names of the PBX's password fields, to have values that must stay hidden.
 */
const SENSITIVE_MAP = { userPassword: 'ipPhone', wuserPasswordSip: 'mobile' };

let pbxHash: string;
const servers: DirbridgeProcess[] = [];

/** ad (signing on) and demo, a PBX account that may read everything, and `access` over that. */
async function serve(access: Record<string, unknown>, logName: string): Promise<DirbridgeProcess> {
  const server = await startDirbridge({
    config: {
      sources: [adSignOnSource(ad, { map: SENSITIVE_MAP }), DEMO_SOURCE],
      access: { accounts: [{ name: 'pbx', passwordHash: pbxHash, sensitive: SENSITIVE }], ...access },
    },
    logName,
  });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  pbxHash = await hashPassword(Buffer.from(PBX.password));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

/** Every person under `base`, paged, as `as` sees them. */
async function people(
  server: DirbridgeProcess,
  base: string,
  as: { dn: string; password: string },
): Promise<LdifEntry[]> {
  const result = await ldapsearch(server.url, '(objectCategory=person)', {
    base,
    bind: as,
    extensions: ['pr=500/noprompt'],
    attributes: ['cn'],
  });
  expect(result.code, result.stderr).toBe(0);
  return result.entries;
}

function under(entries: readonly LdifEntry[], mount: string): LdifEntry[] {
  return entries.filter((entry) => entry.dn.toLowerCase().endsWith(`,${mount.toLowerCase()}`));
}

/** The DN alice's entry is presented at, as Who am I? tells her after she signed on. */
async function aliceDn(server: DirbridgeProcess): Promise<string> {
  const result = await ldapwhoami(server.url, ALICE);
  expect(result.code, result.stderr).toBe(0);
  return result.authzId!.replace(/^dn:/, '');
}

/**
 * A signed-on user sees no sensitive attribute of her own entry: not among all attributes, not by
 * name, and a filter on one matches nothing, where the PBX account, which config allows them, sees
 * and matches values (so there is something to withhold).
 */
async function expectNoSensitiveValues(server: DirbridgeProcess): Promise<void> {
  const base = await aliceDn(server);
  const read = (as: typeof ALICE, filter: string, attributes: readonly string[]) =>
    ldapsearch(server.url, filter, { base, scope: 'base', bind: as, attributes });
  const asPbx = await read(PBX, '(objectClass=*)', SENSITIVE);
  expect(asPbx.code, asPbx.stderr).toBe(0);
  const values = asPbx.entries[0]?.attributes ?? {};
  expect(Object.keys(values).sort()).toEqual([...SENSITIVE].sort());
  for (const attributes of [['*'], SENSITIVE]) {
    const asAlice = await read(ALICE, '(objectClass=*)', attributes);
    expect(asAlice.code, asAlice.stderr).toBe(0);
    expect(asAlice.entries).toHaveLength(1);
    for (const name of SENSITIVE) expect(asAlice.entries[0]?.attributes).not.toHaveProperty(name);
  }
  for (const filter of [
    `(userPassword=${values.userPassword?.[0] ?? ''})`,
    '(userPassword=*)',
    '(wuserPasswordSip=*)',
  ]) {
    expect((await read(PBX, filter, ['cn'])).entries, `PBX: ${filter}`).toHaveLength(1);
    const probe = await read(ALICE, filter, ['cn']);
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.entries, `alice: ${filter}`).toEqual([]);
  }
}

describe('a signed-on user, by default', () => {
  let server: DirbridgeProcess;

  beforeAll(async () => {
    server = await serve({}, 'ad-sign-on-access-default');
  });

  it('is the presented entry to Who am I?', async () => {
    const found = await ldapsearch(server.url, '(sAMAccountName=alice)', { base: AD_MOUNT, bind: PBX });
    const result = await ldapwhoami(server.url, ALICE);
    expect(result.code, result.stderr).toBe(0);
    expect(result.authzId).toBe(`dn:${found.entries[0]?.dn}`);
  });

  it('reads the ad mount only: the demo source is out of sight', async () => {
    const everything = await people(server, SUFFIX, PBX);
    expect(under(everything, DEMO_MOUNT)).toHaveLength(demoRows().length);
    const seen = await people(server, SUFFIX, ALICE);
    expect(under(seen, DEMO_MOUNT)).toEqual([]);
    expect(seen.map((entry) => entry.dn).sort()).toEqual(
      under(everything, AD_MOUNT)
        .map((entry) => entry.dn)
        .sort(),
    );
    // At the demo mount itself the user is told it is not there, as for any mount it may not read.
    const atDemo = await ldapsearch(server.url, '(objectClass=*)', { base: DEMO_MOUNT, bind: ALICE });
    expect(atDemo.code, atDemo.stderr).toBe(32);
    expect(atDemo.entries).toEqual([]);
  });

  it('never sees a sensitive attribute', async () => {
    await expectNoSensitiveValues(server);
  });
});

describe('a signed-on user, with access.signedOn.read: [ad, demo]', () => {
  let server: DirbridgeProcess;

  beforeAll(async () => {
    server = await serve({ signedOn: { read: ['ad', 'demo'] } }, 'ad-sign-on-access-both');
  });

  it('reads both mounts, as the PBX account does', async () => {
    const everything = await people(server, SUFFIX, PBX);
    const seen = await people(server, SUFFIX, ALICE);
    expect(under(seen, DEMO_MOUNT)).toHaveLength(demoRows().length);
    expect(seen.map((entry) => entry.dn).sort()).toEqual(everything.map((entry) => entry.dn).sort());
    expect(await people(server, DEMO_MOUNT, ALICE)).toHaveLength(demoRows().length);
  });

  it('still never sees a sensitive attribute', async () => {
    await expectNoSensitiveValues(server);
  });
});

describe('throttling of delegated binds', () => {
  let server: DirbridgeProcess;

  beforeAll(async () => {
    server = await serve({ throttle: { loginFailures: 2, delay: 1, maxDelay: 2 } }, 'ad-sign-on-throttle');
  });

  function throttled(output: string): { dn?: string; delayMs?: number }[] {
    return output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; dn?: string; delayMs?: number })
      .filter((line) => line.msg === 'bind throttled after repeated failures');
  }

  it('holds back the third bind after 2 wrong passwords for one login, not another user’s good bind', async () => {
    const events = await authEventsDuring(ad, async () => {
      for (let i = 0; i < 2; i++) {
        const wrong = await ldapwhoami(server.url, { dn: alice.userPrincipalName, password: WRONG });
        expect(verdictOf(wrong.code, wrong.diagnostic)).toEqual({ code: 49, data: '52e' });
      }
      expect(throttled(server.output())).toEqual([]);
      const [third, other] = await Promise.all([
        ldapwhoami(server.url, { dn: alice.userPrincipalName, password: WRONG }),
        ldapwhoami(server.url, { dn: joerg.userPrincipalName, password: joerg.password }),
      ]);
      // Held back, then still the DC's own answer.
      expect(verdictOf(third.code, third.diagnostic)).toEqual({ code: 49, data: '52e' });
      expect(other.code, other.stderr).toBe(0);
    });
    expect(throttled(server.output())).toEqual([
      expect.objectContaining({ dn: alice.userPrincipalName, delayMs: 1000 }),
    ]);
    // Throttling delays a bind, never drops or repeats it: the DC saw each once.
    const wrongAtDc = events.filter((event) => event.status === 'NT_STATUS_WRONG_PASSWORD');
    expect(wrongAtDc.map((event) => event.name)).toEqual(Array(3).fill(alice.userPrincipalName));
    expect(events.filter((event) => event.account === joerg.sAMAccountName)).toHaveLength(1);
    // The right password ends the throttle for alice (after one more wait).
    expect((await ldapwhoami(server.url, ALICE)).code).toBe(0);
  });
});
