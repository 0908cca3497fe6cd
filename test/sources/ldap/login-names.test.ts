import { describe, expect, it } from 'vitest';
import { DnLoginNames, equalityFilter } from '../../../src/sources/ldap/login-names.js';

describe('DN login names', () => {
  const names = new DnLoginNames(['ou=People,dc=example,dc=test', 'o=Acme']);

  it('owns DNs at or below a base, in any case and spacing', async () => {
    expect(await names.claim('uid=ann,ou=people,dc=example,dc=test')).toEqual({
      account: 'uid=ann,ou=people,dc=example,dc=test',
    });
    expect(names.owns('CN=Ann Schmidt, OU=Berlin, O=Acme')).toBe(true);
    expect(names.owns('ou=People,dc=example,dc=test')).toBe(true);
  });

  it('owns nothing else: other trees, names that are not DNs, the empty DN', () => {
    for (const name of [
      'uid=ann,dc=example,dc=test',
      'alice@example.test',
      'EXAMPLE\\alice',
      'alice',
      '',
      'cn=x,o=Acme2',
      'o=Acme\\,x',
    ]) {
      expect(names.owns(name), name).toBe(false);
    }
  });

  it('keys every spelling of a DN below a base alike, and nothing else', async () => {
    const key = await names.key('CN=Ann Schmidt, OU=Berlin, O=Acme');
    expect(key).toBeDefined();
    expect(await names.key('cn=ann schmidt,ou=berlin,o=acme')).toBe(key);
    expect(await names.key('cn=Ann\\20Schmidt,ou=Berlin,o=Acme')).toBe(key);
    expect(await names.key('cn=Ann Schmidt,ou=Berlin,o=Acme2')).toBeUndefined();
    expect(await names.key('alice@example.test')).toBeUndefined();
  });

  it('looks the account up by its DN', () => {
    expect(names.lookup('uid=ann,o=Acme')).toEqual({ kind: 'dn', dn: 'uid=ann,o=Acme' });
  });

  it('escapes filter values', () => {
    expect(equalityFilter('uid', '*)(uid=*')).toBe('(uid=\\2a\\29\\28uid=\\2a)');
  });
});
