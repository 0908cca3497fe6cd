/**
 * Live searches sharing pooled connections against a real OpenLDAP slapd, which keeps one paged
 * search's state per connection: a paged search begun on a connection makes the cookie of one
 * begun earlier there "invalid or old" (53). With one pooled connection and pages of 7 entries,
 * searches of several pages run at once, alongside one-page ones: each finds every entry it should,
 * once (pooled-connection.ts, ldap-source.ts #records).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapd, type Slapd } from '../../scripts/test-backends/slapd.js';
import type { Filter } from '../../src/filter/ast.js';
import { createLdapSource, type LdapSource } from '../../src/sources/ldap/index.js';
import { uuidsMatching } from './support/slapd-people.js';

const PEOPLE = 40;
const PAGE_SIZE = 7;
const PEOPLE_BASE = 'ou=people,dc=example,dc=test';

function seedLdif(): string {
  const blocks = [`dn: ${PEOPLE_BASE}\nobjectClass: organizationalUnit\nou: people`];
  for (let i = 1; i <= PEOPLE; i++) {
    const n = String(i).padStart(4, '0');
    blocks.push(
      [
        `dn: cn=Person ${n},${PEOPLE_BASE}`,
        'objectClass: inetOrgPerson',
        `cn: Person ${n}`,
        `sn: Tester${n}`,
        `mail: person${n}@example.test`,
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}

let slapd: Slapd;
let source: LdapSource;
let everyone: string[];

beforeAll(async () => {
  slapd = await startSlapd({ name: 'live-shared-connections', ldif: seedLdif() });
  source = createLdapSource({
    name: 'shared',
    type: 'ldap',
    mode: 'live',
    urls: [slapd.ldapUrl],
    bind: { name: slapd.serviceDn, password: slapd.servicePassword },
    base: slapd.suffix,
    poolSize: 1,
    pageSize: PAGE_SIZE,
  });
  everyone = (await uuidsMatching(slapd, slapd.suffix, '(objectClass=inetOrgPerson)')).sort();
});

afterAll(async () => {
  await source.close();
  await slapd.stop();
});

/** The record ids a search finds, sorted (duplicates kept). */
async function ids(filter?: Filter): Promise<string[]> {
  const found: string[] = [];
  const query = filter ? { filter, exactFields: ['mail'] } : {};
  for await (const record of source.search(query, new AbortController().signal)) found.push(record.id);
  return found.sort();
}

const mailOf = (n: number): Filter => ({
  type: 'equality',
  attribute: 'mail',
  value: `person${String(n).padStart(4, '0')}@example.test`,
});

describe('live searches sharing one connection to slapd', () => {
  it('finds everyone once in each of several searches of many pages run at once', async () => {
    expect(everyone).toHaveLength(PEOPLE);
    const results = await Promise.all(Array.from({ length: 6 }, () => ids()));
    for (const found of results) expect(found).toEqual(everyone);
  });

  it('answers one-page searches alongside them, each its own entry', async () => {
    const [one, paged, two, pagedAgain, three] = await Promise.all([
      ids(mailOf(1)),
      ids(),
      ids(mailOf(2)),
      ids(),
      ids(mailOf(3)),
    ]);
    expect(paged).toEqual(everyone);
    expect(pagedAgain).toEqual(everyone);
    const expected = async (n: number): Promise<string[]> =>
      uuidsMatching(slapd, PEOPLE_BASE, `(mail=person000${n}@example.test)`);
    expect(one).toEqual(await expected(1));
    expect(two).toEqual(await expected(2));
    expect(three).toEqual(await expected(3));
    expect(one).toHaveLength(1);
  });

  it('pages a search alone on its connection to the end, and a search arriving meanwhile waits its turn', async () => {
    const paging = ids();
    const single = ids(mailOf(4));
    expect(await paging).toEqual(everyone);
    expect(await single).toHaveLength(1);
  });
});
