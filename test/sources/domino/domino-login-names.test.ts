import { describe, expect, it } from 'vitest';
import { DominoLoginNames } from '../../../src/sources/domino/domino-login-names.js';
import type { EntryReader } from '../../../src/sources/ldap/login-names.js';

const SCOPE = '(&(|(|(objectClass=dominoPerson)(objectClass=inetOrgPerson))(!(objectClass=*))))';

interface Person {
  readonly dn: string;
  readonly names: readonly string[];
}

const PEOPLE: readonly Person[] = [
  {
    dn: 'cn=Anna Schmidt,ou=Berlin,o=Acme',
    names: ['Anna Schmidt', 'Anni Schmidt', 'aschmidt', 'anna.schmidt@acme.example'],
  },
  { dn: 'cn=Thomas Weber,ou=Berlin,o=Acme', names: ['Thomas Weber', 'tweber'] },
  { dn: 'cn=Thomas Weber,ou=Munich,o=Acme', names: ['Thomas Weber', 'tweber2'] },
  { dn: 'cn=Flat Person', names: ['Flat Person'] },
];

/** Answers the searches DominoLoginNames makes from the list above, recording each filter. */
function reader(): { reader: EntryReader; filters: string[] } {
  const filters: string[] = [];
  return {
    filters,
    reader: {
      read(base, scope, filter) {
        filters.push(filter);
        if (scope === 'base') {
          const person = PEOPLE.find((p) => p.dn.toLowerCase() === base.toLowerCase());
          return Promise.resolve(person ? [{ dn: person.dn, attributes: {} }] : []);
        }
        const values = [
          ...filter.matchAll(/\((?:cn|uid|ShortName|mail|InternetAddress|userPrincipalName)=([^)]*)\)/g),
        ].map((m) => m[1]!.toLowerCase());
        const found = PEOPLE.filter((p) => p.names.some((n) => values.includes(n.toLowerCase())));
        return Promise.resolve(found.map((p) => ({ dn: p.dn, attributes: {} })));
      },
    },
  };
}

const signal = new AbortController().signal;

describe('Domino login names', () => {
  it('resolves a common name, an alias, a short name and an Internet address to the one DN', async () => {
    const names = new DominoLoginNames([''], SCOPE, reader().reader);
    for (const name of [
      'Anna Schmidt',
      'anni schmidt',
      'ASCHMIDT',
      'anna.schmidt@acme.example',
      'cn=Anna Schmidt',
    ]) {
      expect(await names.claim(name, signal), name).toEqual({ account: 'cn=Anna Schmidt,ou=Berlin,o=Acme' });
    }
  });

  it('gives the throttle no key: its names are found by asking Domino, and a key joining them would tell they exist', () => {
    const names = new DominoLoginNames([''], SCOPE, reader().reader);
    expect('key' in names).toBe(false);
  });

  it('takes a DN of a person it presents as it is, and a flat root entry too', async () => {
    const names = new DominoLoginNames([''], SCOPE, reader().reader);
    expect(await names.claim('CN=Anna Schmidt,OU=Berlin,O=Acme', signal)).toEqual({
      account: 'CN=Anna Schmidt,OU=Berlin,O=Acme',
    });
    expect(await names.claim('cn=Flat Person', signal)).toEqual({ account: 'cn=Flat Person' });
  });

  it('owns a name two people share without choosing either', async () => {
    const names = new DominoLoginNames([''], SCOPE, reader().reader);
    expect(await names.claim('Thomas Weber', signal)).toEqual({ ambiguous: 2 });
    expect(await names.claim('tweber2', signal)).toEqual({ account: 'cn=Thomas Weber,ou=Munich,o=Acme' });
  });

  it('does not own names nobody has or DNs of entries it does not present, and says it looked them up', async () => {
    const { reader: r, filters } = reader();
    const names = new DominoLoginNames([''], SCOPE, r);
    for (const name of ['Nobody Here', 'cn=Nobody,o=Acme', 'ou=Berlin,o=Acme', 'cn=Nobody']) {
      const asked = filters.length;
      expect(await names.claim(name, signal), name).toEqual({ notFound: true });
      expect(filters.length, name).toBeGreaterThan(asked);
    }
  });

  it('does not own an empty name, and asks nothing about it', async () => {
    const { reader: r, filters } = reader();
    const names = new DominoLoginNames([''], SCOPE, r);
    expect(await names.claim('  ', signal)).toBeUndefined();
    expect(filters).toEqual([]);
  });

  it('searches within the source scope with every value escaped', async () => {
    const { reader: r, filters } = reader();
    const names = new DominoLoginNames([''], SCOPE, r);
    await names.claim('*)(cn=*', signal);
    expect(filters.at(-1)).toBe(
      '(&(|(|(objectClass=dominoPerson)(objectClass=inetOrgPerson))(!(objectClass=*)))' +
        '(|(cn=\\2a\\29\\28cn=\\2a)(uid=\\2a\\29\\28cn=\\2a)(ShortName=\\2a\\29\\28cn=\\2a)' +
        '(mail=\\2a\\29\\28cn=\\2a)(InternetAddress=\\2a\\29\\28cn=\\2a)(userPrincipalName=\\2a\\29\\28cn=\\2a)))',
    );
  });
});
