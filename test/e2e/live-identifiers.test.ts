/**
 * Identifiers (mail, logins) against a real OpenLDAP slapd, through a dirbridge process: dirbridge
 * compares them without regard to case but with their accents (`jürgen` is not `jurgen`), live and
 * replica alike, while names still fold accents (`jurgen berg` finds `Jürgen Berg`). A live source
 * (result cache off) sends an exact `(mail=…)` to the backend as written, so slapd answers it from
 * its index with the one entry that matches: slapd's own counter of entries sent (cn=Monitor) says
 * how many it sent. Widened for accents, as before, the same search went down as
 * `(mail=*.m*@*x*mp*.*m)` and slapd sent every `x.m…@example.com` it holds.
 */
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, type Slapd } from '../../scripts/test-backends/slapd.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { eventually } from './support/eventually.js';
import { ldapsearch } from './support/ldap-utils.js';
import { entriesSentDuring, searchesDuring } from './support/slapd-monitor.js';
import { registerTestSecret } from './support/test-secrets.js';

/** People whose mail the old widening of anna.mueller@example.com could not tell from hers. */
const LOOK_ALIKES = 60;

function person(cn: string, mail: string, uid: string): string {
  return [
    `dn: cn=${cn},ou=people,dc=example,dc=test`,
    'objectClass: inetOrgPerson',
    `cn: ${cn}`,
    `sn: ${cn.split(' ').at(-1)!}`,
    `mail: ${mail}`,
    `uid: ${uid}`,
  ].join('\n');
}

function seedLdif(): string {
  const blocks = ['dn: ou=people,dc=example,dc=test\nobjectClass: organizationalUnit\nou: people'];
  blocks.push(person('Anna Mueller', 'Anna.Mueller@example.com', 'amueller'));
  blocks.push(person('Jürgen Berg', 'juergen.berg@example.com', 'jürgen'));
  blocks.push(person('Jurgen Berg', 'jurgen.berg@example.com', 'jurgen'));
  for (let i = 1; i <= LOOK_ALIKES; i++) {
    const n = String(i).padStart(2, '0');
    blocks.push(person(`Otto Meier${n}`, `otto.meier${n}@example.com`, `ometer${n}`));
  }
  return blocks.join('\n\n');
}

let slapd: Slapd;
let server: DirbridgeProcess;

function ldapSource(name: string, mode: 'live' | 'replica'): Record<string, unknown> {
  return {
    name,
    type: 'ldap',
    mode,
    urls: [slapd.ldapsUrl],
    tls: { ca: slapd.caCert },
    bind: { name: slapd.serviceDn, password: registerTestSecret(slapd.servicePassword) },
    base: slapd.suffix,
    timeout: 5,
    ...(mode === 'live' ? { cache: { size: 0 } } : {}),
  };
}

/** The `cn`s a mount answers a filter with, sorted. */
async function names(mount: string, filter: string): Promise<string[]> {
  const result = await ldapsearch(server.url, filter, { base: `ou=${mount},${SUFFIX}`, attributes: ['cn'] });
  expect(result.code, result.stderr).toBe(0);
  return result.entries.map((entry) => entry.attributes.cn?.[0] ?? '').sort();
}

beforeAll(async () => {
  slapd = await startSlapd({ name: 'live-identifiers', ldif: seedLdif(), monitor: true });
  server = await startDirbridge({
    config: { sources: [ldapSource('live', 'live'), ldapSource('copy', 'replica')] },
    logName: 'live-identifiers',
  });
  await eventually(
    async () => (await names('copy', '(objectCategory=person)')).length === LOOK_ALIKES + 3,
    'the replica holds every person',
  );
});

afterAll(async () => {
  await server.stop();
  await slapd.stop();
});

describe('an exact mail search on a live source', () => {
  it('goes to slapd as written: one entry sent, the one that matches, whatever the case asked', async () => {
    let found: string[] = [];
    const sent = await entriesSentDuring(slapd, async () => {
      found = await names('live', '(mail=anna.mueller@EXAMPLE.COM)');
    });
    expect(found).toEqual(['Anna Mueller']);
    expect(sent).toBe(1);
  });

  it('sends a mail prefix as a prefix', async () => {
    let found: string[] = [];
    const sent = await entriesSentDuring(slapd, async () => {
      found = await names('live', '(mail=Anna.Mu*)');
    });
    expect(found).toEqual(['Anna Mueller']);
    expect(sent).toBe(1);
  });

  it('still widens names for accents: slapd sends more, dirbridge picks', async () => {
    let found: string[] = [];
    const sent = await entriesSentDuring(slapd, async () => {
      found = await names('live', '(sn=meier0*)');
    });
    expect(found).toHaveLength(9);
    // `meier0*` goes down as `(sn=m*0*)` (e, i and r have accented forms): Meier01 to 09, and the
    // six Meiers with a 0 further on, which dirbridge leaves out.
    expect(sent).toBe(15);
  });
});

describe('exact mail searches that come together on a live source', () => {
  it('go to slapd as fewer searches, each answered with its own person', async () => {
    const numbers = Array.from({ length: LOOK_ALIKES }, (_, i) => String(i + 1).padStart(2, '0'));
    const clients = Array.from({ length: 6 }, () => new Client({ url: server.url, timeout: 30_000 }));
    let found: string[][] = [];
    try {
      // Connected first: ldapts opens a socket per request sent before its client has one.
      await Promise.all(clients.map((client) => client.bind('', '')));
      const searches = await searchesDuring(slapd, async () => {
        found = await Promise.all(
          numbers.map(async (n, i) => {
            const { searchEntries } = await clients[i % clients.length]!.search(`ou=live,${SUFFIX}`, {
              scope: 'sub',
              filter: `(mail=Otto.Meier${n}@example.com)`,
              attributes: ['cn'],
            });
            return searchEntries.map((entry) => String(entry.cn));
          }),
        );
      });
      expect(found).toEqual(numbers.map((n) => [`Otto Meier${n}`]));
      // The first goes at once; those that come while it is under way go together (lookup-batches.ts).
      expect(searches).toBeGreaterThanOrEqual(2);
      expect(searches).toBeLessThanOrEqual(LOOK_ALIKES / 4);
    } finally {
      await Promise.all(clients.map((client) => client.unbind()));
    }
  });
});

describe('identifiers keep their accents, names do not, live and replica alike', () => {
  it.each(['live', 'copy'])('%s: jürgen is not jurgen, in any case', async (mount) => {
    expect(await names(mount, '(uid=jürgen)')).toEqual(['Jürgen Berg']);
    expect(await names(mount, '(uid=JÜRGEN)')).toEqual(['Jürgen Berg']);
    expect(await names(mount, '(uid=JURGEN)')).toEqual(['Jurgen Berg']);
    expect(await names(mount, '(uid=jür*)')).toEqual(['Jürgen Berg']);
    expect(await names(mount, '(uid=*urgen)')).toEqual(['Jurgen Berg']);
    expect(await names(mount, '(cn=jurgen berg)')).toEqual(['Jurgen Berg', 'Jürgen Berg']);
  });

  it.each(['live', 'copy'])('%s: mail without regard to case', async (mount) => {
    expect(await names(mount, '(mail=ANNA.MUELLER@example.com)')).toEqual(['Anna Mueller']);
    expect(await names(mount, '(mail=anna.müller@example.com)')).toEqual([]);
  });
});
