/**
 * Live mode may not hurt anyone else (issue 12), against a real OpenLDAP slapd frozen with SIGSTOP
 * (TCP connections still accepted by the kernel, never answered): a live search answers unavailable
 * (52) within the source's `timeout`, not at the client's own time limit; with every backend
 * connection of a source taken, the searches its queue cannot hold answer busy (51) at once; none
 * hangs, and the server serves again once the backend is back. Liveness bounds only, generous ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, type Slapd } from '../../scripts/test-backends/slapd.js';
import { SEARCHES_PER_CONNECTION, WAITERS_PER_CONNECTION } from '../../src/sources/ldap/ldap-connections.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';

const PEOPLE = 50;
/** Far above the source's timeout, far below the client's time limit. */
const LIVENESS_MS = 15_000;

function seedLdif(): string {
  const blocks = ['dn: ou=people,dc=example,dc=test\nobjectClass: organizationalUnit\nou: people'];
  for (let i = 1; i <= PEOPLE; i++) {
    const n = String(i).padStart(4, '0');
    blocks.push(
      [
        `dn: cn=Person ${n},ou=people,dc=example,dc=test`,
        'objectClass: inetOrgPerson',
        `cn: Person ${n}`,
        `sn: Tester${n}`,
        `telephoneNumber: +49 30 5555-${n}`,
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}

let slapd: Slapd;
let server: DirbridgeProcess;

/** A live ldap source over the slapd; `people` has a pool of 4, `narrow` one connection. */
function liveSource(name: string, poolSize: number, timeout: number): Record<string, unknown> {
  return {
    name,
    type: 'ldap',
    mode: 'live',
    urls: [slapd.ldapsUrl],
    tls: { ca: slapd.caCert },
    bind: { name: slapd.serviceDn, password: registerTestSecret(slapd.servicePassword) },
    base: slapd.suffix,
    timeout,
    poolSize,
  };
}

function mount(name: string): string {
  return `ou=${name},${SUFFIX}`;
}

beforeAll(async () => {
  slapd = await startSlapd({ name: 'live-bounds', ldif: seedLdif() });
  server = await startDirbridge({
    config: { sources: [liveSource('people', 4, 2), liveSource('narrow', 1, 3)] },
    logName: 'live-bounds',
  });
});

afterAll(async () => {
  slapd.resume();
  await server.stop();
  await slapd.stop();
});

/** A search by surname prefix on one mount (a new prefix each time: the result cache never answers). */
function searchMount(name: string, prefix: string, timeLimit = 60): ReturnType<typeof ldapsearch> {
  return ldapsearch(server.url, `(sn=Tester${prefix}*)`, {
    base: mount(name),
    timeLimit,
    attributes: ['cn'],
  });
}

/** Runs `during` with the slapd frozen, resuming it whatever happens. */
async function whileFrozen<T>(during: () => Promise<T>): Promise<T> {
  slapd.pause();
  try {
    return await during();
  } finally {
    slapd.resume();
  }
}

describe('a live source whose backend freezes', () => {
  it('answers 52 within the source timeout, not at the client time limit of 60 s, then serves again', async () => {
    const warm = await searchMount('people', '001');
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.entries).toHaveLength(10);
    const { result, elapsed } = await whileFrozen(async () => {
      const started = Date.now();
      const frozen = await searchMount('people', '002', 60);
      return { result: frozen, elapsed: Date.now() - started };
    });
    expect(result.code, result.stderr).toBe(52);
    expect(result.stderr).toMatch(/source people/);
    expect(elapsed).toBeLessThan(LIVENESS_MS);
    // The connection the frozen search broke is not reused: the next search opens a new one.
    const again = await searchMount('people', '003');
    expect(again.code, again.stderr).toBe(0);
    expect(again.entries).toHaveLength(10);
  });

  it('answers busy (51) to the searches beyond its one connection and queue, the rest 52; none hangs', async () => {
    const warm = await searchMount('narrow', '001');
    expect(warm.code, warm.stderr).toBe(0);
    const capacity = SEARCHES_PER_CONNECTION + WAITERS_PER_CONNECTION; // one connection full, the queue full
    const count = capacity + 7;
    const { results, elapsed } = await whileFrozen(async () => {
      const started = Date.now();
      const all = await Promise.all(
        Array.from({ length: count }, (_, i) => searchMount('narrow', String(10 + i).padStart(3, '0'))),
      );
      return { results: all, elapsed: Date.now() - started };
    });
    expect(elapsed).toBeLessThan(LIVENESS_MS);
    const codes = results.map((result) => result.code);
    expect(
      codes.every((code) => code === 51 || code === 52),
      codes.join(' '),
    ).toBe(true);
    expect(codes.filter((code) => code === 52).length, codes.join(' ')).toBeGreaterThanOrEqual(1);
    expect(codes.filter((code) => code === 51).length, codes.join(' ')).toBeGreaterThanOrEqual(
      count - capacity,
    );
    const busy = results.find((result) => result.code === 51)!;
    expect(busy.stderr).toMatch(
      /source narrow: \d+ backend search(es)? already running, \d+ waiting; try again/,
    );

    // The server stays healthy: both mounts answer once the backend is back.
    const narrow = await searchMount('narrow', '002');
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(narrow.entries).toHaveLength(10);
    const people = await searchMount('people', '004');
    expect(people.code, people.stderr).toBe(0);
    expect(people.entries).toHaveLength(10);
    expect(server.child.exitCode).toBeNull();
  });
});
