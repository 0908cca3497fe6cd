/**
 * Identifier lookups of a live ldap source (one equality on an exact field, like `(mail=…)`) go
 * to the backend without the paged results control, which costs it less; other searches keep it.
 * A lookup that the server's size limit cuts short is asked again in pages, so it is never cut
 * silently. Against the scripted server, which can be told to answer sizeLimitExceeded (4).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Filter } from '../../../src/filter/ast.js';
import { formatFilter } from '../../../src/filter/format.js';
import { PAGED_RESULTS_OID } from '../../../src/protocol/paged-results-control.js';
import type { SearchRequest } from '../../../src/protocol/messages.js';
import { createLdapSource, type LdapSource } from '../../../src/sources/ldap/index.js';
import { startFakeLdapServer, type FakeLdapServer } from '../../fakes/ldap/fake-ldap-server.js';
import type { Answer } from '../../fakes/ldap/fake-ldap-server.js';
import type { FakeEntry } from '../../fakes/ldap/responders.js';
import { directoryAnswers } from '../../fakes/ldap/responders.js';

const BASE = 'dc=example,dc=test';

function person(n: number): FakeEntry {
  return {
    dn: `uid=p${n},ou=people,${BASE}`,
    attributes: [
      { type: 'objectClass', values: ['inetOrgPerson'] },
      { type: 'cn', values: [`Person ${n}`] },
      { type: 'mail', values: ['shared@example.test'] },
      { type: 'entryUUID', values: [`00000000-0000-4000-8000-00000000000${n}`] },
    ],
  };
}

const PEOPLE = [person(1), person(2), person(3)];

/** Finds all three people for any search; an unpaged one stops after the first with sizeLimitExceeded. */
function sizeLimitedDirectory(): FakeLdapServer['respond'] {
  const directory = directoryAnswers({ entries: PEOPLE });
  return (message, secure) => {
    if (message.request.type !== 'search') return directory(message, secure);
    if (message.controls.some((control) => control.oid === PAGED_RESULTS_OID))
      return directory(message, secure);
    const cut: Answer[] = [
      {
        response: { type: 'searchResultEntry', objectName: PEOPLE[0]!.dn, attributes: PEOPLE[0]!.attributes },
      },
      {
        response: { type: 'searchResultDone', resultCode: 4, matchedDN: '', diagnosticMessage: '' },
      },
    ];
    return cut;
  };
}

let directory: FakeLdapServer;
let source: LdapSource;

beforeEach(async () => {
  directory = await startFakeLdapServer(sizeLimitedDirectory());
  source = createLdapSource({
    name: 'lookups',
    type: 'ldap',
    mode: 'live',
    urls: [directory.url],
    base: BASE,
    bind: { name: `cn=service,${BASE}`, password: 'service-pw' },
  });
});

afterEach(async () => {
  await source.close();
  await directory.stop();
});

const EXACT = ['mail'];

async function ids(filter: Filter): Promise<string[]> {
  const found: string[] = [];
  for await (const record of source.search({ filter, exactFields: EXACT }, new AbortController().signal))
    found.push(record.id);
  return found.sort();
}

/** Each search request received: its filter as text, and whether it asked for pages. */
function received(): { filter: string; paged: boolean }[] {
  return directory.searches().map(({ message }) => ({
    filter: formatFilter((message.request as SearchRequest).filter),
    paged: message.controls.some((control) => control.oid === PAGED_RESULTS_OID),
  }));
}

const ALL = PEOPLE.map((entry) => String(entry.attributes[3]!.values[0])).sort();

describe('ldap source: identifier lookups', () => {
  it('asks a lookup without pages, and asks it again in pages when the size limit cut it', async () => {
    expect(await ids({ type: 'equality', attribute: 'mail', value: 'shared@example.test' })).toEqual(ALL);
    expect(received().map((search) => search.paged)).toEqual([false, true]);
    expect(received()[0]!.filter).toMatch(/\(mail=shared@example\.test\)\)$/);
  });

  it('keeps pages for a search that is not one equality on an exact field', async () => {
    expect(await ids({ type: 'equality', attribute: 'cn', value: 'Person 1' })).toEqual(ALL);
    expect(
      await ids({
        type: 'and',
        filters: [
          { type: 'equality', attribute: 'mail', value: 'shared@example.test' },
          { type: 'equality', attribute: 'mail', value: 'other@example.test' },
        ],
      }),
    ).toEqual(ALL);
    expect(await ids({ type: 'present', attribute: 'mail' })).toEqual(ALL);
    expect(received().map((search) => search.paged)).toEqual([true, true, true]);
  });

  it('hands on a lookup the server answers whole, asked once', async () => {
    directory.respond = directoryAnswers({ entries: [PEOPLE[1]!] });
    expect(await ids({ type: 'equality', attribute: 'mail', value: 'shared@example.test' })).toEqual([
      String(PEOPLE[1]!.attributes[3]!.values[0]),
    ]);
    expect(received().map((search) => search.paged)).toEqual([false]);
  });

  it('asks lookups that come together as one search, and hands each the entries holding its value', async () => {
    const byMail = (mail: string): FakeEntry => ({
      dn: `uid=${mail.split('@')[0]!},ou=people,${BASE}`,
      attributes: [
        { type: 'objectClass', values: ['inetOrgPerson'] },
        { type: 'mail', values: [mail] },
        { type: 'entryUUID', values: [`uuid-${mail}`] },
      ],
    });
    const people = ['ann@example.test', 'bob@example.test', 'cy@example.test'].map(byMail);
    // Answers each search with the people whose mail it names, as a directory would.
    directory.respond = (message, secure) => {
      if (message.request.type !== 'search') return directoryAnswers()(message, secure);
      const asked = mailsIn(message.request.filter);
      const found = people.filter((entry) => asked.includes(String(entry.attributes[1]!.values[0])));
      return directoryAnswers({ entries: found })(message, secure);
    };
    const mails = ['ann@example.test', 'bob@example.test', 'cy@example.test', 'nobody@example.test'];
    const found = await Promise.all(
      mails.map((value) => ids({ type: 'equality', attribute: 'mail', value })),
    );
    expect(found).toEqual([
      ['uuid-ann@example.test'],
      ['uuid-bob@example.test'],
      ['uuid-cy@example.test'],
      [],
    ]);
    // The first went at once; the three that came while it was under way went as one, without pages.
    expect(received().map((search) => search.paged)).toEqual([false, false]);
    expect(received()[1]!.filter).toContain(
      '(|(mail=bob@example.test)(mail=cy@example.test)(mail=nobody@example.test))',
    );
  });
});

/** The values of the equalities on mail anywhere in a filter. */
function mailsIn(filter: Filter): string[] {
  if (filter.type === 'and' || filter.type === 'or') return filter.filters.flatMap(mailsIn);
  return filter.type === 'equality' && filter.attribute.toLowerCase() === 'mail' ? [filter.value] : [];
}
