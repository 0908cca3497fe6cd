import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestConfig } from '../../support/load-test-config.js';
import type { SourceConfig } from '../../../src/config/types.js';
import { formatFilter } from '../../../src/filter/format.js';
import {
  DOMINO_CONTACTS_FILTER,
  DOMINO_DEFAULT_MAP,
  DOMINO_USERS_FILTER,
  createDominoSource,
} from '../../../src/sources/domino/index.js';
import type { LdapSource } from '../../../src/sources/ldap/index.js';
import { sourceType } from '../../../src/sources/registry.js';
import { startFakeLdapServer, type FakeLdapServer } from '../../fakes/ldap/fake-ldap-server.js';

const signal = new AbortController().signal;

/** A domino source as the config loader hands it over: the schema's defaults filled in. */
async function loaded(source: string): Promise<SourceConfig> {
  const file = join(mkdtempSync(join(tmpdir(), 'dirbridge-domino-')), 'config.yaml');
  writeFileSync(file, `sources:\n  - ${source}\n`);
  return (await loadTestConfig(file)).sources[0]!;
}

describe('domino source', () => {
  it('is registered as `domino`, and the config loader applies the Domino defaults', async () => {
    expect(sourceType('domino')?.defaultMap).toBe(DOMINO_DEFAULT_MAP);
    const config = await loaded('{ name: domino, type: domino, urls: "ldaps://domino1" }');
    expect(config).toMatchObject({
      base: '',
      idAttribute: 'dominoUNID',
      usersFilter: DOMINO_USERS_FILTER,
      contactsFilter: DOMINO_CONTACTS_FILTER,
    });
    expect(config['phoneFields']).toEqual(expect.arrayContaining(['OfficePhoneNumber', 'CellPhoneNumber']));
    const source = createDominoSource(config);
    try {
      expect(source.settings).toMatchObject({
        bases: [''],
        idAttribute: 'dominoUNID',
        usersFilter: DOMINO_USERS_FILTER,
        contactsFilter: DOMINO_CONTACTS_FILTER,
      });
      expect(source.capabilities.modes[0]).toBe('replica');
    } finally {
      await source.close();
    }
  });
});

describe('domino source against a backend', () => {
  let server: FakeLdapServer;
  const sources: LdapSource[] = [];

  beforeAll(async () => {
    server = await startFakeLdapServer();
  });

  afterAll(async () => {
    await Promise.all(sources.map((source) => source.close()));
    await server.stop();
  });

  async function source(settings: string): Promise<LdapSource> {
    const config = await loaded(
      `{ name: domino, type: domino, urls: "${server.url}", signOn: true, allowPlaintextSignOn: true, timeout: 2, ` +
        `bind: { name: "cn=svc,o=Acme", password: "domino-unit-password" }${settings} }`,
    );
    const created = createDominoSource(config);
    sources.push(created);
    return created;
  }

  /** The filter of the last search the backend got, as it came off the wire. */
  function lastFilter(): string {
    const filter = server.filters().at(-1);
    return filter === undefined ? '' : formatFilter(filter);
  }

  it('asks the backend for an accented name as it is written, not its bytes read as Latin-1', async () => {
    const domino = await source('');
    // Nobody here: not the source's, but looked up, so a decoy login (a DN nobody has) comes back.
    expect(await domino.resolveLogin('Jürgen Groß', signal)).toMatchObject({ decoy: true });
    const sent = server.filters().at(-1);
    expect(sent && JSON.stringify(sent)).toContain('"value":"Jürgen Groß"');
    expect(lastFilter()).toContain('(cn=J\\c3\\bcrgen Gro\\c3\\9f)');
  });

  it('reads a record whose id is a DN by that DN (a person without dominoUNID), with the default id only', async () => {
    const byDefault = await source('');
    await byDefault.get('cn=Klaus Fischer', signal);
    // A base-scope read of the DN, limited to the people the source presents.
    expect(lastFilter()).toBe(formatFilter(byDefault.backendFilter({})));
    expect(lastFilter()).toContain('dominoPerson');
    const configured = await source(', idAttribute: employeeID');
    await configured.get('cn=Klaus Fischer', signal);
    expect(lastFilter()).toContain('(employeeID=cn=Klaus Fischer)');
  });
});
