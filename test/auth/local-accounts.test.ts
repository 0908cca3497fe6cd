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

  it('shares one check among the same password for the same account at once, and keeps none once it ends', async () => {
    const passwordHash = await hashPassword(Buffer.from('same'), { N: 1024, r: 8, p: 1 });
    const checked: string[] = [];
    const fresh = new LocalAccounts(
      [
        { name: 'a', passwordHash, read: 'all', sensitive: [] },
        { name: 'b', passwordHash, read: 'all', sensitive: [] },
      ],
      SUFFIX,
      (password) => {
        checked.push(Buffer.from(password).toString());
        return new Promise((resolve) =>
          setTimeout(() => resolve(Buffer.from(password).equals(Buffer.from('same'))), 20),
        );
      },
    );
    const [a, b] = [fresh.find('a')!, fresh.find('b')!];
    const wrong = [fresh.verify(a, Buffer.from('wrong')), fresh.verify(a, Buffer.from('wrong'))];
    expect(fresh.underWay(a, Buffer.from('wrong'))).toBeDefined();
    expect(fresh.underWay(b, Buffer.from('wrong'))).toBeUndefined();
    const others = [fresh.verify(b, Buffer.from('wrong')), fresh.verify(a, Buffer.from('same'))];
    expect(await Promise.all([...wrong, ...others])).toEqual([false, false, false, true]);
    expect(checked).toEqual(['wrong', 'wrong', 'same']);
    expect(fresh.underWay(a, Buffer.from('wrong'))).toBeUndefined();
    // Ended: a wrong password pays again.
    expect(await fresh.verify(a, Buffer.from('wrong'))).toBe(false);
    expect(checked).toHaveLength(4);
  });

  it('shares decoy checks by login and password alike', async () => {
    let checks = 0;
    const fresh = new LocalAccounts([], SUFFIX, () => {
      checks++;
      return new Promise((resolve) => setTimeout(() => resolve(true), 20));
    });
    const same = [fresh.verifyDecoy('x', Buffer.from('p')), fresh.verifyDecoy('x', Buffer.from('p'))];
    expect(fresh.decoyUnderWay('x', Buffer.from('p'))).toBeDefined();
    const apart = [fresh.verifyDecoy('y', Buffer.from('p')), fresh.verifyDecoy('x', Buffer.from('q'))];
    // A decoy is never right, whatever the verifier says.
    expect(await Promise.all([...same, ...apart])).toEqual([false, false, false, false]);
    expect(checks).toBe(3);
    expect(fresh.decoyUnderWay('x', Buffer.from('p'))).toBeUndefined();
  });
});
