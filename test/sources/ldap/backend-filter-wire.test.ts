/**
 * What reaches the backend for hostile assertion values: the filter dirbridge means
 * (`backendFilter`, escaped by the pushdown) goes through ldapts's filter parser before it is
 * encoded, so the filter the (fake) server decodes off the wire must be that filter, value for
 * value: a literal `*` stays a literal, `)(` stays inside the value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFilter } from '../../../src/filter/format.js';
import { parseFilter } from '../../../src/filter/parse.js';
import { createLdapSource, type LdapSource } from '../../../src/sources/ldap/index.js';
import { startFakeLdapServer, type FakeLdapServer } from '../../fakes/ldap/fake-ldap-server.js';

let server: FakeLdapServer;
let source: LdapSource;

beforeAll(async () => {
  server = await startFakeLdapServer();
  source = createLdapSource({
    name: 'wire',
    type: 'ldap',
    urls: server.url,
    base: 'dc=example,dc=test',
    bind: { name: 'cn=svc,dc=example,dc=test', password: 'wire-test-password' },
    timeout: 2,
  });
});

afterAll(async () => {
  await source.close();
  await server.stop();
});

describe('hostile assertion values on the wire to the backend', () => {
  it.each([
    '(cn=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a)',
    '(|(cn=\\2a\\29\\28mxp=\\2a*)(sn=\\2a\\29\\28mxp=\\2a*))',
    '(cn=\\2a)',
    '(|(cn=*\\2a*)(sn=*\\2a*))',
    '(cn=\\5c2a)',
    '(cn=bm\\00bm)',
    '(mail=*\\28\\29\\5c*)',
    `(cn=${'x'.repeat(1000)})`,
    `(telephoneNumber=*${'7'.repeat(50)}*)`,
  ])('%s', async (filter) => {
    const query = { filter: parseFilter(filter) };
    for await (const record of source.search(query, new AbortController().signal)) {
      expect.unreachable(`no entries were served, got ${record.id}`);
    }
    const sent = server.filters().at(-1);
    expect(sent && formatFilter(sent)).toBe(source.backendFilter(query));
  });
});
