/**
 * Single sign-on through the generic `ldap` source (`signOn: true`) against a private slapd, through
 * a dirbridge process, with OpenLDAP's own clients: a bind as the backend DN or as the presented DN
 * is checked by slapd (over StartTLS) and answered as slapd answered it; Who am I? names the
 * presented entry; names the source does not own and empty passwords never reach slapd; a stopped
 * slapd is unavailable (52) at once, and sign-on works again when it is back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, type Slapd } from '../../scripts/test-backends/slapd.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch, runTool, type ToolResult } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';

const PEOPLE = 'ou=people,dc=example,dc=test';
const ALICE = `cn=Alice Archer,${PEOPLE}`;
const BOB = `cn=Bob Baker,${PEOPLE}`;
const ALICE_PASSWORD = registerTestSecret('alice-SignOn-Secret-1');
const BOB_PASSWORD = registerTestSecret('bob-SignOn-Secret-2');
const WRONG_PASSWORD = registerTestSecret('not-Alices-Password-9');
/** The source's timeout: an answer that needed a stuck slapd would take this long, and be 52. */
const TIMEOUT_S = 3;

/** slapd's salted SHA-1 scheme, so that one password is stored hashed as a directory would. */
function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

const LDIF = `dn: ${PEOPLE}
objectClass: organizationalUnit
ou: people

dn: ${ALICE}
objectClass: inetOrgPerson
cn: Alice Archer
sn: Archer
telephoneNumber: +49 30 1234-1001
userPassword: ${ssha(ALICE_PASSWORD)}

dn: ${BOB}
objectClass: inetOrgPerson
cn: Bob Baker
sn: Baker
telephoneNumber: +49 30 1234-1002
userPassword: ${BOB_PASSWORD}
`;

let slapd: Slapd;
let server: DirbridgeProcess;

beforeAll(async () => {
  slapd = await startSlapd({ name: 'sign-on', ldif: LDIF });
  server = await startDirbridge({
    logName: 'ldap-sign-on',
    config: {
      sources: [
        {
          name: 'people',
          type: 'ldap',
          // Plain port with StartTLS: the bind pool must upgrade before any password goes out.
          urls: [slapd.ldapUrl],
          startTls: true,
          tls: { ca: slapd.caCert },
          bind: { name: slapd.serviceDn, password: registerTestSecret(slapd.servicePassword) },
          base: slapd.suffix,
          timeout: TIMEOUT_S,
          signOn: true,
          bindPoolSize: 2,
        },
      ],
    },
  });
});

afterAll(async () => {
  await server.stop();
  await slapd.stop();
});

function whoami(url: string, dn: string, password: string): Promise<ToolResult> {
  return runTool('ldapwhoami', ['-x', '-H', url, '-D', dn, '-w', password]);
}

/** The DN dirbridge presents for the person with this surname. */
async function presentedDn(sn: string): Promise<string> {
  const found = await ldapsearch(server.url, `(sn=${sn})`, { attributes: ['1.1'] });
  expect(found.code, found.stderr).toBe(0);
  expect(found.entries).toHaveLength(1);
  const dn = found.entries[0]!.dn;
  expect(dn).toMatch(new RegExp(`^entryUUID=[0-9a-f-]{36},ou=people,${SUFFIX}$`));
  return dn;
}

/** Runs `body` while slapd is frozen: anything that needed slapd would wait out the timeout, then 52. */
async function withSlapdFrozen<T>(body: () => Promise<T>): Promise<T> {
  slapd.pause();
  try {
    return await body();
  } finally {
    slapd.resume();
  }
}

describe('sign-on through an ldap source', () => {
  it('binds as the backend DN; Who am I? is the presented DN', async () => {
    const alice = await presentedDn('Archer');
    const asAlice = await whoami(server.url, ALICE, ALICE_PASSWORD);
    expect(asAlice.code, asAlice.stderr).toBe(0);
    expect(asAlice.stdout.trim()).toBe(`dn:${alice}`);

    // A cleartext userPassword is checked the same way as the {SSHA} one.
    const bob = await presentedDn('Baker');
    const asBob = await whoami(server.url, BOB, BOB_PASSWORD);
    expect(asBob.code, asBob.stderr).toBe(0);
    expect(asBob.stdout.trim()).toBe(`dn:${bob}`);

    // Signed on, Alice reads her source (access.signedOn default: the source she signed on through).
    const read = await ldapsearch(server.url, '(sn=Baker)', {
      attributes: ['telephoneNumber'],
      bind: { dn: ALICE, password: ALICE_PASSWORD },
    });
    expect(read.code, read.stderr).toBe(0);
    expect(read.entries.map((e) => e.attributes.telephoneNumber)).toEqual([['+49 30 1234-1002']]);
  });

  it("refuses a wrong password with 49 and slapd's own words", async () => {
    const direct = await whoami(slapd.ldapUrl, ALICE, WRONG_PASSWORD);
    expect(direct.code).toBe(49);
    const through = await whoami(server.url, ALICE, WRONG_PASSWORD);
    expect(through.code).toBe(49);
    // slapd says nothing beyond the code, and dirbridge adds nothing of its own.
    expect(through.stderr).toBe(direct.stderr);
  });

  it('binds as the presented DN', async () => {
    const alice = await presentedDn('Archer');
    const good = await whoami(server.url, alice, ALICE_PASSWORD);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout.trim()).toBe(`dn:${alice}`);
    const wrong = await whoami(server.url, alice, WRONG_PASSWORD);
    expect(wrong.code).toBe(49);
    // Bob's password is no good for Alice's entry.
    expect((await whoami(server.url, alice, BOB_PASSWORD)).code).toBe(49);
  });

  it('refuses names the source does not own and empty passwords without asking slapd', async () => {
    const [outside, underSuffix, empty] = await withSlapdFrozen(() =>
      Promise.all([
        whoami(server.url, 'cn=Alice Archer,ou=people,dc=elsewhere,dc=test', ALICE_PASSWORD),
        whoami(server.url, `cn=Alice Archer,${SUFFIX}`, ALICE_PASSWORD),
        whoami(server.url, ALICE, ''),
      ]),
    );
    expect(outside.code, outside.stderr).toBe(49);
    expect(underSuffix.code, underSuffix.stderr).toBe(49);
    expect(empty.code, empty.stderr).toBe(49);
    expect(empty.stderr).toContain('unauthenticated bind');
  });

  it('answers 52 at once while slapd is stopped, and signs on again once it is back', async () => {
    const alice = await presentedDn('Archer');
    await slapd.stop();
    try {
      const started = Date.now();
      const [byBackendDn, byPresentedDn] = await Promise.all([
        whoami(server.url, ALICE, ALICE_PASSWORD),
        whoami(server.url, alice, ALICE_PASSWORD),
      ]);
      expect(byBackendDn.code, byBackendDn.stderr).toBe(52);
      expect(byBackendDn.stderr).toContain('source people');
      expect(byPresentedDn.code, byPresentedDn.stderr).toBe(52);
      // Refused connections answer at once; a liveness bound well above the timeout.
      expect(Date.now() - started).toBeLessThan(3 * TIMEOUT_S * 1000);
    } finally {
      await slapd.restart();
    }
    const again = await whoami(server.url, ALICE, ALICE_PASSWORD);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(`dn:${alice}`);
    const byPresentedDn = await whoami(server.url, alice, ALICE_PASSWORD);
    expect(byPresentedDn.code, byPresentedDn.stderr).toBe(0);
    expect(byPresentedDn.stdout.trim()).toBe(`dn:${alice}`);
    // Searches recover too (a filter not asked before, so no cached answer stands in).
    const found = await ldapsearch(server.url, '(cn=Bob*)', { attributes: ['cn'] });
    expect(found.code, found.stderr).toBe(0);
    expect(found.entries.map((e) => e.attributes.cn?.[0])).toEqual(['Bob Baker']);
  });

  it('signs on and searches as before after a slapd restart nobody noticed', async () => {
    const alice = await presentedDn('Archer');
    // Both pools hold connections slapd's restart closes, and nothing uses them in between.
    expect((await whoami(server.url, ALICE, ALICE_PASSWORD)).code).toBe(0);
    await slapd.stop();
    await slapd.restart();
    const again = await whoami(server.url, ALICE, ALICE_PASSWORD);
    expect(again.code, again.stderr).toBe(0);
    // The entry is read with the service account: a connection that came back unbound reads nothing.
    expect(again.stdout.trim()).toBe(`dn:${alice}`);
    const found = await ldapsearch(server.url, '(cn=Alice A*)', { attributes: ['cn'] });
    expect(found.code, found.stderr).toBe(0);
    expect(found.entries.map((e) => e.attributes.cn?.[0])).toEqual(['Alice Archer']);
  });
});
