import { describe, expect, it } from 'vitest';
import { AccessPolicy } from '../../src/auth/access-policy.js';
import { ANONYMOUS, type Identity } from '../../src/auth/identity.js';
import type { AccessConfig, AccountConfig } from '../../src/config/types.js';

const THROTTLE = {
  loginFailures: 5,
  addressFailures: 50,
  delay: 1,
  maxDelay: 30,
  decay: 60,
  maxTracked: 100,
};

function policy(
  anonymous: AccessConfig['anonymous'],
  accounts: readonly Partial<AccountConfig>[] = [],
  signedOn: AccessConfig['signedOn'] = {},
): AccessPolicy {
  return new AccessPolicy({
    anonymous,
    accounts: accounts.map((a) => ({ name: 'x', passwordHash: '', read: 'all', sensitive: [], ...a })),
    trustedAddresses: [],
    trustLoopback: true,
    signedOn,
    throttle: THROTTLE,
  });
}

function account(name: string): Identity {
  return { kind: 'account', account: name, bindName: name, authzId: `dn:cn=${name},dc=x` };
}

describe('access policy', () => {
  it('anonymous reads nothing by default, but the root DSE and schema always', () => {
    const p = policy(false);
    expect(p.read(ANONYMOUS, false, 'search')).toEqual({
      allowed: false,
      diagnostic: 'anonymous search is not allowed: bind with an account first',
    });
    expect(p.read(ANONYMOUS, false, 'compare')).toMatchObject({
      allowed: false,
      diagnostic: /anonymous compare/,
    });
    const publicRead = p.read(ANONYMOUS, true, 'search');
    expect(publicRead.allowed).toBe(true);
    // Below the root, a search from '' sees no mount.
    expect(publicRead.allowed && publicRead.visibility.mounts).toEqual(new Set());
  });

  it('anonymous: true reads every mount; { read } the listed ones; never secrets', () => {
    expect(policy(true).visibility(ANONYMOUS)).toEqual({
      mounts: undefined,
      withheld: new Set(['userpassword', 'wuserpasswordsip']),
    });
    expect(policy({ read: ['demo'] }).visibility(ANONYMOUS).mounts).toEqual(new Set(['demo']));
    expect(policy({ read: 'all' }).visibility(ANONYMOUS).mounts).toBeUndefined();
    expect(policy({ read: ['demo'] }).read(ANONYMOUS, false, 'search').allowed).toBe(true);
  });

  it('an account reads its mounts, and only the sensitive attributes granted to it', () => {
    const p = policy(false, [
      { name: 'pbx', read: 'all', sensitive: ['userPassword', 'wuserPasswordSip'] },
      { name: 'phones', read: ['people'] },
      { name: 'Sip', read: ['people', 'staff'], sensitive: ['wuserPasswordSip'] },
    ]);
    expect(p.visibility(account('pbx'))).toEqual({ mounts: undefined, withheld: new Set() });
    expect(p.visibility(account('phones'))).toEqual({
      mounts: new Set(['people']),
      withheld: new Set(['userpassword', 'wuserpasswordsip']),
    });
    expect(p.visibility(account('sip'))).toEqual({
      mounts: new Set(['people', 'staff']),
      withheld: new Set(['userpassword']),
    });
  });

  it('an account with no mounts is refused below the root, and an unknown account sees nothing', () => {
    const p = policy(true, [{ name: 'nothing', read: [] }]);
    expect(p.read(account('nothing'), false, 'search')).toEqual({
      allowed: false,
      diagnostic: 'account nothing may not read any source',
    });
    expect(p.read(account('gone'), false, 'search').allowed).toBe(false);
  });

  it('a signed-on user reads the mount of the source it signed on through, and never a secret', () => {
    const p = policy(false, [{ name: 'pbx', sensitive: ['userPassword', 'wuserPasswordSip'] }]);
    const alice = user('ad');
    expect(p.visibility(alice)).toEqual({
      mounts: new Set(['ad']),
      withheld: new Set(['userpassword', 'wuserpasswordsip']),
    });
    expect(p.read(alice, false, 'search').allowed).toBe(true);
    expect(p.visibility(user('domino')).mounts).toEqual(new Set(['domino']));
  });

  it('access.signedOn.read gives signed-on users other mounts, or none', () => {
    expect(policy(false, [], { read: ['ad', 'demo'] }).visibility(user('ad')).mounts).toEqual(
      new Set(['ad', 'demo']),
    );
    expect(policy(false, [], { read: 'all' }).visibility(user('ad')).mounts).toBeUndefined();
    expect(policy(false, [], { read: [] }).read(user('ad'), false, 'search')).toEqual({
      allowed: false,
      diagnostic: 'alice@example.test (signed on through ad) may not read any source',
    });
  });
});

function user(source: string): Identity {
  return { kind: 'user', source, bindName: 'alice@example.test', authzId: 'dn:entryUUID=x,ou=ad,dc=x' };
}
