/**
 * The ldap source against the scripted LDAPS server (test/fakes/ldap), counting what sign-ons and
 * reads by id cost the backend: connections opened and service-account binds; and what searches ask
 * it for.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTestCa, type TestCa } from '../../../scripts/test-backends/test-ca.js';
import type { BindRequest, SearchRequest } from '../../../src/protocol/messages.js';
import type { CheckReport } from '../../../src/sources/source.js';
import { decoyLogin } from '../../../src/sources/ldap/decoy-login.js';
import { createLdapSource, type LdapSource } from '../../../src/sources/ldap/index.js';
import { LIVE_PEOPLE_WARNING } from '../../../src/sources/ldap/ldap-source.js';
import {
  startFakeLdapServer,
  type FakeLdapServer,
  type Responder,
} from '../../fakes/ldap/fake-ldap-server.js';
import { directoryAnswers, type FakeEntry } from '../../fakes/ldap/responders.js';
import { PAGED_RESULTS_OID, encodePagedResultsValue } from '../../../src/protocol/paged-results-control.js';

const BASE = 'dc=example,dc=test';
const SERVICE = { name: `cn=service,${BASE}`, password: 'service-pw' };
const ALICE = { dn: `uid=alice,ou=people,${BASE}`, password: 'alice-pw' };
const ALICE_UUID = '6f1c3f0e-8a51-4c51-9f3e-2b7d0c1e5a42';

const ALICE_ENTRY: FakeEntry = {
  dn: ALICE.dn,
  attributes: [
    { type: 'objectClass', values: ['top', 'person', 'inetOrgPerson'] },
    { type: 'cn', values: ['Alice'] },
    { type: 'entryUUID', values: [ALICE_UUID] },
  ],
};

/** A directory of one person (alice) that answers every search with her entry, in one page. */
function onePersonDirectory(ca: TestCa): Promise<FakeLdapServer> {
  return startFakeLdapServer(
    directoryAnswers({
      accounts: { [SERVICE.name]: SERVICE.password, [ALICE.dn]: ALICE.password },
      // A backend's own words, the same for a wrong password and a name it does not know.
      bindDiagnostic: 'backend: invalid credentials',
      entries: [ALICE_ENTRY],
    }),
    { protocol: 'ldaps', ca },
  );
}

/** The names of the binds the directory received, in order. */
function bindNames(server: FakeLdapServer): string[] {
  return server.binds().map((received) => (received.message.request as BindRequest).name);
}

let ca: TestCa;
let directory: FakeLdapServer;
let source: LdapSource;
let url: string;
const signal = new AbortController().signal;

beforeAll(() => {
  ca = ensureTestCa(join(mkdtempSync(join(tmpdir(), 'dirbridge-ldap-source-')), 'ca'));
});

beforeEach(async () => {
  directory = await onePersonDirectory(ca);
  url = directory.url;
  source = createLdapSource({
    name: 'dir',
    type: 'ldap',
    urls: [directory.url],
    tls: { ca: ca.caCert },
    base: BASE,
    bind: SERVICE,
    signOn: true,
    poolSize: 1,
    bindPoolSize: 1,
  });
});

afterEach(async () => {
  await source.close();
  await directory.stop();
});

describe('ldap source: what sign-ons cost the backend', () => {
  it("checks passwords and reads the account's entry on pooled connections: the service account binds once", async () => {
    const login = await source.resolveLogin(ALICE.dn, signal);
    expect(login).toEqual({ source: 'dir', account: ALICE.dn });
    for (let i = 0; i < 3; i++) {
      expect(await source.authenticate(login!, ALICE.password, signal)).toMatchObject({
        ok: true,
        record: { id: ALICE_UUID },
      });
    }
    // One search connection (bound once as the service account) and one bind connection.
    expect(directory.accepted).toBe(2);
    expect(bindNames(directory).filter((name) => name === SERVICE.name)).toHaveLength(1);
    expect(bindNames(directory).filter((name) => name === ALICE.dn)).toHaveLength(3);
  });

  it('keys every spelling of a DN below its base alike for the throttle, without asking the backend', async () => {
    const key = await source.loginKey(ALICE.dn, signal);
    expect(key).toBeDefined();
    expect(await source.loginKey('UID=Alice, OU=People, DC=example, DC=test', signal)).toBe(key);
    expect(await source.loginKey('uid=alice,dc=other,dc=test', signal)).toBeUndefined();
    expect(directory.accepted).toBe(0);
  });

  it('reads records by id (a bind by presented DN, a base search) on one pooled connection', async () => {
    for (let i = 0; i < 3; i++) expect((await source.get(ALICE_UUID, signal))?.id).toBe(ALICE_UUID);
    expect(directory.accepted).toBe(1);
    expect(bindNames(directory)).toEqual([SERVICE.name]);
  });
});

describe('ldap source: what a name nobody has costs the backend', () => {
  const DECOY =
    /^cn=dirbridge-decoy-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12},dc=example,dc=test$/;

  it("binds a decoy login on the bind pool as its made-up DN under the base, and passes the backend's refusal on", async () => {
    const verdict = await source.authenticate(decoyLogin('dir', BASE), 'a guess', signal);
    expect(verdict).toEqual({
      ok: false,
      code: 'invalidCredentials',
      diagnostic: 'backend: invalid credentials',
    });
    const userBinds = bindNames(directory).filter((name) => name !== SERVICE.name);
    expect(userBinds).toHaveLength(1);
    expect(userBinds[0]).toMatch(DECOY);
  });

  it('binds as nobody for a name several people share, then refuses it without trying either', async () => {
    const verdict = await source.authenticate(
      { source: 'dir', account: 'Alice', ambiguous: 2 },
      ALICE.password,
      signal,
    );
    expect(verdict).toMatchObject({ ok: false, code: 'invalidCredentials' });
    const userBinds = bindNames(directory).filter((name) => name !== SERVICE.name);
    expect(userBinds).toHaveLength(1);
    expect(userBinds[0]).toMatch(DECOY);
  });

  it("answers a name several people share with the backend's refusal of a wrong password, word for word, and logs why", async () => {
    const warnings: { obj: object; msg: string }[] = [];
    const lines: string[] = [];
    const logger = {
      info: (obj: object, msg: string) => lines.push(JSON.stringify({ ...obj, msg })),
      warn: (obj: object, msg: string) => {
        warnings.push({ obj, msg });
        lines.push(JSON.stringify({ ...obj, msg }));
      },
    };
    const logged = createLdapSource(
      {
        name: 'dir',
        type: 'ldap',
        urls: [url],
        tls: { ca: ca.caCert },
        base: BASE,
        bind: SERVICE,
        signOn: true,
      },
      { logger },
    );
    try {
      const wrong = await logged.authenticate({ source: 'dir', account: ALICE.dn }, 'a guess', signal);
      const shared = await logged.authenticate(
        { source: 'dir', account: 'Alice', ambiguous: 2 },
        ALICE.password,
        signal,
      );
      expect(wrong).toMatchObject({ ok: false, code: 'invalidCredentials' });
      expect(shared).toEqual(wrong);
      expect(warnings).toContainEqual({
        obj: { source: 'dir', login: 'Alice', matches: 2 },
        msg: 'ambiguous sign-on name refused',
      });
      expect(lines.join('\n')).not.toContain(ALICE.password);
    } finally {
      await logged.close();
    }
  });

  it('never sends an empty password, not even to a decoy', async () => {
    const verdict = await source.authenticate({ source: 'dir', account: 'x', decoy: true }, '', signal);
    expect(verdict).toMatchObject({ ok: false, code: 'invalidCredentials' });
    expect(bindNames(directory)).toEqual([]);
  });
});

describe('ldap source: what a search asks the backend for', () => {
  const attributesAsked = (): readonly string[] =>
    (directory.searches().at(-1)!.message.request as SearchRequest).attributes;

  it('the fields the query names, with the id and what tells users from contacts', async () => {
    const found = [];
    for await (const record of source.search({ fields: ['cn', 'telephoneNumber'] }, signal))
      found.push(record);
    expect(found.map((record) => record.id)).toEqual([ALICE_UUID]);
    expect(attributesAsked()).toEqual(['cn', 'telephoneNumber', 'entryUUID', 'objectClass']);
  });

  it('every user attribute when the query names no fields', async () => {
    for await (const record of source.search({}, signal)) expect(record.id).toBe(ALICE_UUID);
    expect(attributesAsked()).toEqual(['*', 'entryUUID', 'objectClass']);
  });
});

describe('ldap source: check warns about live mode over many people', () => {
  /** `count` people, every search answered with all of them (as the fake does). */
  async function peopleDirectory(count: number): Promise<FakeLdapServer> {
    const entries = Array.from({ length: count }, (_, i) => ({
      dn: `uid=p${i},ou=people,${BASE}`,
      attributes: [
        { type: 'objectClass', values: ['top', 'person', 'inetOrgPerson'] },
        { type: 'cn', values: [`Person ${i}`] },
        { type: 'entryUUID', values: [`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`] },
      ],
    }));
    return startFakeLdapServer(directoryAnswers({ entries }), { protocol: 'ldaps', ca });
  }

  async function checkOf(server: FakeLdapServer, mode: 'live' | 'replica'): Promise<CheckReport> {
    const checked = createLdapSource({
      name: 'big',
      type: 'ldap',
      mode,
      urls: [server.url],
      tls: { ca: ca.caCert },
      base: BASE,
    });
    try {
      return await checked.check();
    } finally {
      await checked.close();
      await server.stop();
    }
  }

  it(`warns, and passes, when a live source holds more than ${LIVE_PEOPLE_WARNING} people`, async () => {
    const report = await checkOf(await peopleDirectory(LIVE_PEOPLE_WARNING + 1), 'live');
    expect(report.ok).toBe(true);
    expect(report.count).toBe(LIVE_PEOPLE_WARNING + 1);
    const warned = report.steps.find((step) => step.step === 'mode');
    expect(warned).toMatchObject({ ok: true, warning: true });
    expect(warned?.detail).toMatch(/^live mode over 5001 people: every phone search goes to the backend/);
    expect(warned?.detail).toMatch(/accent and number widening make it scan.*use mode: replica$/);
  });

  it('says nothing of the mode for a replica that large, or a live source of up to that many', async () => {
    const replica = await checkOf(await peopleDirectory(LIVE_PEOPLE_WARNING + 1), 'replica');
    const small = await checkOf(await peopleDirectory(LIVE_PEOPLE_WARNING), 'live');
    expect(replica.ok).toBe(true);
    expect(small.ok).toBe(true);
    // A replica says how it follows changes instead.
    expect(replica.steps.map((step) => step.step)).toEqual(['connect', 'bind', 'count', 'sample', 'changes']);
    expect(small.steps.map((step) => step.step)).toEqual(['connect', 'bind', 'count', 'sample']);
  });
});

describe('ldap source: a backend that stops answering', () => {
  /** The first search gets one page and a cookie; the page after it is never answered. */
  function stallsAfterFirstPage(): Responder {
    const answers = directoryAnswers({ entries: [ALICE_ENTRY] });
    let searches = 0;
    return (message, secure) => {
      if (message.request.type !== 'search') return answers(message, secure);
      searches++;
      if (searches === 2) return undefined;
      if (searches > 2) return answers(message, secure);
      const more = encodePagedResultsValue({ size: 0, cookie: Uint8Array.of(1) });
      return [
        {
          response: {
            type: 'searchResultEntry',
            objectName: ALICE_ENTRY.dn,
            attributes: ALICE_ENTRY.attributes,
          },
        },
        {
          response: { type: 'searchResultDone', resultCode: 0, matchedDN: '', diagnosticMessage: '' },
          controls: [{ oid: PAGED_RESULTS_OID, critical: false, value: more }],
        },
      ];
    };
  }

  it('fails the search within its timeout on a later page too, and opens a new connection for the next', async () => {
    directory.respond = stallsAfterFirstPage();
    const stalling = createLdapSource({
      name: 'slow',
      type: 'ldap',
      urls: [directory.url],
      tls: { ca: ca.caCert },
      base: BASE,
      timeout: 0.3,
      poolSize: 1,
    });
    try {
      const found: string[] = [];
      const searching = (async () => {
        for await (const record of stalling.search({}, signal)) found.push(record.id);
      })();
      await expect(searching).rejects.toThrow(/^source slow: .*timed out/);
      expect(found).toEqual([ALICE_UUID]);
      for await (const record of stalling.search({}, signal)) expect(record.id).toBe(ALICE_UUID);
      expect(directory.accepted).toBe(2);
    } finally {
      await stalling.close();
    }
  });
});
