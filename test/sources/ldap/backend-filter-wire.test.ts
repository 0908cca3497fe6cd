/**
 * What reaches the backend, decoded from the bytes it receives: the filter dirbridge means must be
 * the filter the (fake) server decodes off the wire, value for value, whatever the values hold. A
 * literal `*` stays a literal, `)(` stays inside its value, `Jürgen Groß` arrives as its UTF-8 (not
 * as its escapes read one Latin-1 character each), and a GUID arrives byte for byte. Searches, the
 * configured scope, reads by id and sign-on name lookups all go out as ldapts filter objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Filter } from '../../../src/filter/ast.js';
import { parseFilter } from '../../../src/filter/parse.js';
import { createAdSource } from '../../../src/sources/ad/index.js';
import { createDominoSource } from '../../../src/sources/domino/index.js';
import { createLdapSource, type LdapSource } from '../../../src/sources/ldap/index.js';
import { uuidToGuid } from '../../../src/sources/ldap/ldap-entry.js';
import { startFakeLdapServer, type FakeLdapServer } from '../../fakes/ldap/fake-ldap-server.js';

const signal = new AbortController().signal;
const BIND = { name: 'cn=svc,dc=example,dc=test', password: 'wire-test-password' };

/** A configured filter holding every character a value could break a filter string with. */
const CONFIGURED = '(&(department=Gesch\\c3\\a4ftsf\\c3\\bchrung)(!(description=\\2a\\29\\28x\\5c\\00y)))';

/** Names people sign on with, hostile and not. */
const NAMES = ['Jürgen Groß', '*)(uid=*))(|(uid=*', 'back\\slash', 'nul\0byte', 'Zoë 💡', '\\c3\\bc'];

let server: FakeLdapServer;
const sources: LdapSource[] = [];

beforeAll(async () => {
  server = await startFakeLdapServer();
});

afterAll(async () => {
  await Promise.all(sources.map((source) => source.close()));
  await server.stop();
});

function made<S extends LdapSource>(source: S): S {
  sources.push(source);
  return source;
}

/** The filter of the last search the backend received, as it decodes it. */
function lastFilter(): Filter {
  const filter = server.filters().at(-1);
  if (!filter) throw new Error('the backend received no search');
  return filter;
}

/** The bytes of the last search the backend received. */
function lastSearchBytes(): Buffer {
  return Buffer.from(server.searches().at(-1)!.frame);
}

/** Every assertion value in a filter. */
function valuesOf(filter: Filter): string[] {
  switch (filter.type) {
    case 'and':
    case 'or':
      return filter.filters.flatMap(valuesOf);
    case 'not':
      return valuesOf(filter.filter);
    case 'present':
      return [];
    case 'substrings':
      return [filter.initial ?? '', ...filter.any, filter.final ?? ''].filter((part) => part !== '');
    default:
      return [filter.value];
  }
}

describe('searches on the wire to the backend', () => {
  let source: LdapSource;

  beforeAll(() => {
    source = made(
      createLdapSource({
        name: 'wire',
        type: 'ldap',
        urls: server.url,
        base: 'dc=example,dc=test',
        filter: CONFIGURED,
        bind: BIND,
        timeout: 2,
      }),
    );
  });

  it.each([
    '(objectClass=*)',
    '(cn=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a)',
    '(|(cn=\\2a\\29\\28mxp=\\2a*)(sn=\\2a\\29\\28mxp=\\2a*))',
    '(cn=\\2a)',
    '(|(cn=*\\2a*)(sn=*\\2a*))',
    '(cn=\\5c2a)',
    '(cn=bm\\00bm)',
    '(mail=*\\28\\29\\5c*)',
    '(sn=Gro\\c3\\9f*)',
    `(cn=${'x'.repeat(1000)})`,
    `(telephoneNumber=*${'7'.repeat(50)}*)`,
  ])('%s', async (text) => {
    const query = { filter: parseFilter(text) };
    for await (const record of source.search(query, signal)) {
      expect.unreachable(`no entries were served, got ${record.id}`);
    }
    expect(lastFilter()).toEqual(source.backendFilter(query));
  });

  it.each([
    '(mail=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a)',
    '(mail=*\\28\\29\\5c*)',
    '(mail=a\\00b@x)',
    '(uid=Gro\\c3\\9f*)',
    `(mail=${'x'.repeat(1000)}@x)`,
  ])('%s on an identifier field, sent as written', async (text) => {
    const query = { filter: parseFilter(text), exactFields: ['mail', 'uid'] };
    for await (const record of source.search(query, signal)) {
      expect.unreachable(`no entries were served, got ${record.id}`);
    }
    expect(lastFilter()).toEqual(source.backendFilter(query));
  });

  it('sends the configured scope with its values as they are, non-ASCII ones in UTF-8', async () => {
    for await (const record of source.search({}, signal)) expect.unreachable(record.id);
    expect(lastFilter()).toEqual(source.backendFilter({}));
    expect(valuesOf(lastFilter())).toEqual(expect.arrayContaining(['Geschäftsführung', '*)(x\\\0y']));
    expect(lastSearchBytes().includes(Buffer.from('Geschäftsführung', 'utf8'))).toBe(true);
  });

  it('reads a record by an id full of filter characters, within the scope', async () => {
    const id = '*)(entryUUID=*';
    expect(await source.get(id, signal)).toBeUndefined();
    const sent = lastFilter();
    expect(sent.type === 'and' && sent.filters.at(-1)).toEqual({
      type: 'equality',
      attribute: 'entryUUID',
      value: id,
    });
  });
});

describe('reads by GUID on the wire to AD', () => {
  it('sends the GUID bytes of an entry UUID as they are, within the scope', async () => {
    const ad = made(
      createAdSource({ name: 'ad', type: 'ad', urls: server.url, base: 'DC=x', bind: BIND, timeout: 2 }),
    );
    // Bytes that are no UTF-8, and some that are filter characters: every one must arrive as it is.
    const uuid = 'c3bc2a28-2900-5c80-ff01-02fefd7f4142';
    expect(await ad.get(uuid, signal)).toBeUndefined();
    const guid = Buffer.from(uuidToGuid(uuid)!);
    expect(lastSearchBytes().includes(Buffer.concat([Buffer.from([0x04, 0x10]), guid]))).toBe(true);
    expect(JSON.stringify(lastFilter())).toContain('"attribute":"objectGUID"');
  });
});

describe('sign-on name lookups on the wire', () => {
  it.each(NAMES)('Domino looks %j up as it is, in each login attribute, within the scope', async (name) => {
    const domino = made(
      createDominoSource({
        name: 'domino',
        type: 'domino',
        urls: server.url,
        bind: BIND,
        signOn: true,
        allowPlaintextSignOn: true,
        timeout: 2,
      }),
    );
    // Nobody here: looked up all the same, so a decoy login (a DN nobody has) comes back.
    expect(await domino.resolveLogin(name, signal)).toMatchObject({ decoy: true });
    const sent = lastFilter();
    const lookup = sent.type === 'and' ? sent.filters.at(-1) : undefined;
    expect(lookup?.type).toBe('or');
    expect(valuesOf(lookup!)).toEqual(Array(6).fill(name));
    expect(lastSearchBytes().includes(Buffer.from(name, 'utf8'))).toBe(true);
  });

  it.each(NAMES.filter((name) => !name.includes('\\')))(
    'AD finds the entry of %j@example.test by that UPN after the bind, the name as it is',
    async (name) => {
      const ad = made(
        createAdSource({
          name: 'ad',
          type: 'ad',
          urls: server.url,
          base: 'DC=example,DC=test',
          bind: BIND,
          signOn: true,
          allowPlaintextSignOn: true,
          upnSuffixes: ['example.test'],
          netbiosName: 'EXAMPLE',
          timeout: 2,
        }),
      );
      const upn = `${name}@example.test`;
      const login = await ad.resolveLogin(upn, signal);
      expect(login).toEqual({ source: 'ad', account: upn });
      // The fake takes any password; the entry is then looked up by the UPN (and not found).
      expect(await ad.authenticate(login!, 'any password', signal)).toEqual({ ok: true });
      const sent = lastFilter();
      expect(sent.type === 'and' && sent.filters.at(-1)).toEqual({
        type: 'equality',
        attribute: 'userPrincipalName',
        value: upn,
      });
      expect(lastSearchBytes().includes(Buffer.from(upn, 'utf8'))).toBe(true);
    },
  );
});
