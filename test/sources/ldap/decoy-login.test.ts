import { describe, expect, it } from 'vitest';
import { decoyDn, decoyLogin } from '../../../src/sources/ldap/decoy-login.js';

describe('decoy logins', () => {
  it('name nobody: a fresh random cn under the base each time, flagged as a decoy', () => {
    const first = decoyLogin('domino', 'o=Acme');
    const second = decoyLogin('domino', 'o=Acme');
    expect(first).toMatchObject({ source: 'domino', decoy: true });
    expect(first.account).toMatch(/^cn=dirbridge-decoy-[0-9a-f-]{36},o=Acme$/);
    expect(second.account).not.toBe(first.account);
  });

  it('sit at the root for a source searched from the empty base (Domino)', () => {
    expect(decoyDn('')).toMatch(/^cn=dirbridge-decoy-[0-9a-f-]{36}$/);
  });
});
