import { beforeAll, describe, expect, it } from 'vitest';
import { LocalAccounts } from '../../src/auth/local-accounts.js';
import { hashPassword } from '../../src/auth/password-hash.js';

const SUFFIX = 'dc=dirbridge,dc=local';
let accounts: LocalAccounts;

beforeAll(async () => {
  const passwordHash = await hashPassword(Buffer.from('pbx-secret'), { N: 1024, r: 8, p: 1 });
  accounts = new LocalAccounts(
    [
      { name: 'pbx', passwordHash, read: 'all', sensitive: [] },
      { name: 'Phones.Floor-2', passwordHash, read: 'all', sensitive: [] },
    ],
    SUFFIX,
  );
});

describe('local accounts', () => {
  it.each([
    'pbx',
    'PBX',
    'Pbx',
    `cn=pbx,${SUFFIX}`,
    'CN=PBX,DC=DIRBRIDGE,DC=LOCAL',
    ' cn = pbx ,  dc=dirbridge , dc=local',
    'commonName=pbx,dc=dirbridge,dc=local',
    '2.5.4.3=pbx,dc=dirbridge,dc=local',
  ])('finds the account bound as %j', (name) => {
    expect(accounts.find(name)?.name).toBe('pbx');
  });

  it('answers Who am I? with the DN under the suffix', () => {
    expect(accounts.find('PBX')?.dn).toBe(`cn=pbx,${SUFFIX}`);
    expect(accounts.find('phones.floor-2')?.dn).toBe(`cn=Phones.Floor-2,${SUFFIX}`);
  });

  it.each([
    'pbx2',
    ' pbx',
    'pbx@dirbridge.local',
    'DIRBRIDGE\\pbx',
    'cn=pbx,dc=example,dc=com',
    `uid=pbx,${SUFFIX}`,
    `cn=pbx,ou=demo,${SUFFIX}`,
    `cn=pbx+sn=x,${SUFFIX}`,
    'cn=pbx',
    'cn=pbx,dc=dirbridge,dc=local,dc=extra',
    'cn=pbx,,dc=broken',
    '=',
  ])('owns nothing bound as %j', (name) => {
    expect(accounts.find(name)).toBeUndefined();
  });

  it('checks the password against the hash', async () => {
    const pbx = accounts.find('pbx')!;
    expect(await accounts.verify(pbx, Buffer.from('pbx-secret'))).toBe(true);
    expect(await accounts.verify(pbx, Buffer.from('PBX-SECRET'))).toBe(false);
  });

  it('tells whether a password would be answered from memory, without checking it', async () => {
    const passwordHash = await hashPassword(Buffer.from('same'), { N: 1024, r: 8, p: 1 });
    const fresh = new LocalAccounts(
      [
        { name: 'a', passwordHash, read: 'all', sensitive: [] },
        { name: 'b', passwordHash, read: 'all', sensitive: [] },
      ],
      SUFFIX,
    );
    const [a, b] = [fresh.find('a')!, fresh.find('b')!];
    expect(fresh.remembers(a, Buffer.from('same'))).toBe(false);
    expect(await fresh.verify(a, Buffer.from('wrong'))).toBe(false);
    expect(fresh.remembers(a, Buffer.from('wrong'))).toBe(false);
    expect(await fresh.verify(a, Buffer.from('same'))).toBe(true);
    expect(fresh.remembers(a, Buffer.from('same'))).toBe(true);
    // For that account only, though b has the same password.
    expect(fresh.remembers(b, Buffer.from('same'))).toBe(false);
  });

  it('remembers only right passwords: a wrong one after a right one is still wrong', async () => {
    const pbx = accounts.find('pbx')!;
    for (let i = 0; i < 3; i++) {
      expect(await accounts.verify(pbx, Buffer.from('pbx-secret'))).toBe(true);
      expect(await accounts.verify(pbx, Buffer.from('pbx-secret '))).toBe(false);
      expect(await accounts.verify(pbx, Buffer.from('pbx-secre'))).toBe(false);
    }
  });
});
