/**
 * Live searches sharing one pooled connection (pool-connection.ts), against the scripted server:
 * what a real one cannot be made to do on demand, hold a search unanswered, refuse one, drop the
 * connection. Several searches run on one connection at once; one refused or abandoned fails no
 * other; a dropped connection fails exactly the searches on it, at once. How paged searches share
 * a connection with OpenLDAP's one paged state per connection is tested against slapd
 * (test/e2e/live-shared-connections.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Filter } from '../../../src/filter/ast.js';
import { formatFilter } from '../../../src/filter/format.js';
import type { SearchRequest } from '../../../src/protocol/messages.js';
import { createLdapSource, type LdapSource } from '../../../src/sources/ldap/index.js';
import { startFakeLdapServer, type FakeLdapServer } from '../../fakes/ldap/fake-ldap-server.js';
import { directoryAnswers, type FakeEntry } from '../../fakes/ldap/responders.js';

const BASE = 'dc=example,dc=test';
const ALICE_UUID = '6f1c3f0e-8a51-4c51-9f3e-2b7d0c1e5a42';
const ALICE: FakeEntry = {
  dn: `uid=alice,ou=people,${BASE}`,
  attributes: [
    { type: 'objectClass', values: ['top', 'person', 'inetOrgPerson'] },
    { type: 'cn', values: ['Alice'] },
    { type: 'entryUUID', values: [ALICE_UUID] },
  ],
};

/** Searches for mail=stall are never answered, mail=refuse refused (50); others find alice. */
function script(): FakeLdapServer['respond'] {
  const directory = directoryAnswers({ entries: [ALICE] });
  return (message, secure) => {
    if (message.request.type !== 'search') return directory(message, secure);
    const filter = formatFilter(message.request.filter);
    if (filter.includes('stall')) return undefined;
    if (filter.includes('refuse')) {
      return {
        type: 'searchResultDone',
        resultCode: 50,
        matchedDN: '',
        diagnosticMessage: 'not for you',
      };
    }
    return directory(message, secure);
  };
}

let directory: FakeLdapServer;
let source: LdapSource;

beforeEach(async () => {
  directory = await startFakeLdapServer(script());
  source = createLdapSource({
    name: 'shared',
    type: 'ldap',
    mode: 'live',
    urls: [directory.url],
    base: BASE,
    // Bound at once: an anonymous connection is shared only once its first request has connected it.
    bind: { name: `cn=service,${BASE}`, password: 'service-pw' },
    poolSize: 1,
    timeout: 30,
  });
});

afterEach(async () => {
  await source.close();
  await directory.stop();
});

/** An exact condition on mail, sent to the backend as written (no widening). */
const byMail = (value: string): Filter => ({ type: 'equality', attribute: 'mail', value });
const EXACT = ['mail'];

/** The ids a search finds, or its error. */
async function ids(filter: Filter, signal = new AbortController().signal): Promise<string[]> {
  const found: string[] = [];
  for await (const record of source.search({ filter, exactFields: EXACT }, signal)) found.push(record.id);
  return found;
}

/** What a search has come to so far, without waiting: its ids, its error, or 'pending'. */
function track(pending: Promise<string[]>): { settled: () => unknown } {
  let outcome: { value: unknown } | undefined;
  pending.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { value: error }),
  );
  return { settled: () => (outcome ? outcome.value : 'pending') };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ldap source: searches sharing a connection', () => {
  it('runs several at once on one connection; its loss fails exactly them, at once', async () => {
    // The first goes at once; the two that come while it is under way go together (lookup-batches.ts).
    const stalled = ['stall-a', 'stall-b', 'stall-c'].map((mail) => track(ids(byMail(mail))));
    await until(() => directory.searches().length === 2, 'two searches sent');
    expect(directory.searches().map((request) => request.connection)).toEqual([1, 1]);
    // Both wait for the one connection being opened, so either may reach the directory first.
    const filters = directory
      .searches()
      .map((request) => formatFilter((request.message.request as SearchRequest).filter));
    expect(filters).toEqual(
      expect.arrayContaining([
        expect.stringContaining('(mail=stall-a)'),
        expect.stringContaining('(|(mail=stall-b)(mail=stall-c))'),
      ]),
    );
    expect(stalled.map((search) => search.settled())).toEqual(['pending', 'pending', 'pending']);

    directory.disconnect();
    await until(() => stalled.every((search) => search.settled() !== 'pending'), 'the searches to fail');
    for (const search of stalled) {
      expect(search.settled()).toBeInstanceOf(Error);
      expect((search.settled() as Error).message).toMatch(/^source shared: /);
    }
    // The next search gets a new connection.
    expect(await ids(byMail('alice'))).toEqual([ALICE_UUID]);
    expect(directory.accepted).toBe(2);
  });

  it('fails a refused search alone, and one abandoned at once, leaving the others to finish', async () => {
    const abandon = new AbortController();
    const stalled = track(ids(byMail('stall'), abandon.signal));
    await until(() => directory.searches().length === 1, 'the stalled search sent');
    const [refused, found] = await Promise.allSettled([ids(byMail('refuse')), ids(byMail('alice'))]);
    expect(refused.status).toBe('rejected');
    expect(((refused as PromiseRejectedResult).reason as Error).message).toMatch(/^source shared: 50 /);
    expect(found).toEqual({ status: 'fulfilled', value: [ALICE_UUID] });
    expect(stalled.settled()).toBe('pending');
    // The two went together, were refused (50), and were asked again each alone.
    expect(directory.searches().map((request) => request.connection)).toEqual([1, 1, 1, 1]);

    abandon.abort(new Error('abandoned'));
    await until(() => stalled.settled() !== 'pending', 'the abandoned search to end');
    expect((stalled.settled() as Error).message).toBe('abandoned');
    // Its request is still open on the connection, so that one is closed: the next search opens another.
    await until(() => directory.open === 0, 'the connection with the abandoned request to close');
    expect(await ids(byMail('alice'))).toEqual([ALICE_UUID]);
    expect(directory.accepted).toBe(2);
  });

  it('keeps sharing the connection after a search the server refused', async () => {
    await expect(ids(byMail('refuse'))).rejects.toThrow(/^source shared: 50 /);
    expect(await ids(byMail('alice'))).toEqual([ALICE_UUID]);
    expect(directory.accepted).toBe(1);
  });
});
