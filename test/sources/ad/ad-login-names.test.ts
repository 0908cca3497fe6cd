import { describe, expect, it } from 'vitest';
import { AdLoginNames } from '../../../src/sources/ad/ad-login-names.js';
import type { EntryReader, ReadEntry } from '../../../src/sources/ldap/login-names.js';

const BASE = 'DC=example,DC=test';
const CONFIG_NC = `CN=Configuration,${BASE}`;

/** The three reads naming discovery makes, answered as Samba answers them; counts the reads. */
function adReader(options: { suffixes?: string[]; failing?: () => boolean } = {}) {
  const reads: string[] = [];
  const reader: EntryReader = {
    read(base, scope, filter) {
      reads.push(`${scope}:${base}:${filter}`);
      if (options.failing?.()) return Promise.reject(new Error('connect: refused'));
      const entries: ReadEntry[] =
        base === ''
          ? [
              {
                dn: '',
                attributes: { defaultNamingContext: [BASE], configurationNamingContext: [CONFIG_NC] },
              },
            ]
          : scope === 'base'
            ? [{ dn: base, attributes: { uPNSuffixes: options.suffixes ?? [] } }]
            : [
                {
                  dn: `CN=EXAMPLE,${base}`,
                  attributes: { nETBIOSName: ['EXAMPLE'], dnsRoot: ['example.test'] },
                },
              ];
      return Promise.resolve(entries);
    },
  };
  return { reader, reads };
}

const signal = new AbortController().signal;

describe('AD login names', () => {
  it('owns UPNs of its suffixes, NETBIOS\\user and user@NETBIOS, in any case', async () => {
    const { reader } = adReader({ suffixes: ['Corp.Example'] });
    const names = new AdLoginNames([BASE], {}, reader);
    expect((await names.claim('alice@example.test', signal))?.account).toBe('alice@example.test');
    expect((await names.claim('ALICE@EXAMPLE.TEST', signal))?.account).toBe('ALICE@EXAMPLE.TEST');
    expect((await names.claim('alice@corp.example', signal))?.account).toBe('alice@corp.example');
    expect((await names.claim('EXAMPLE\\alice', signal))?.account).toBe('EXAMPLE\\alice');
    expect((await names.claim('example\\alice', signal))?.account).toBe('example\\alice');
    // AD does not take sam@NETBIOS everywhere: it is sent as NETBIOS\sam.
    expect((await names.claim('alice@example', signal))?.account).toBe('EXAMPLE\\alice');
  });

  it('owns DNs below its base, as they are', async () => {
    const { reader, reads } = adReader();
    const names = new AdLoginNames([BASE], {}, reader);
    const dn = 'CN=John Smith\\, Jr.,CN=Users,DC=example,DC=test';
    expect((await names.claim(dn, signal))?.account).toBe(dn);
    expect(await names.claim('cn=alice,dc=other,dc=test', signal)).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it("does not own names AD would refuse or another domain's", async () => {
    const { reader } = adReader();
    const names = new AdLoginNames([BASE], {}, reader);
    for (const name of [
      'alice',
      'example.test\\alice',
      'OTHER\\alice',
      'EXAMPLE\\',
      '@example.test',
      'alice@',
      'alice@other.test',
      'EXAMPLE\\a\\b',
    ]) {
      expect(await names.claim(name, signal), name).toBeUndefined();
    }
  });

  it('keys the forms that provably name one account alike, without asking AD about the name', async () => {
    const { reader, reads } = adReader();
    const names = new AdLoginNames([BASE], {}, reader);
    const sam = await names.key('EXAMPLE\\alice', signal);
    expect(sam).toBe('example\\alice');
    // user@NETBIOS is sent to AD as NETBIOS\user; case never matters to AD.
    expect(await names.key('alice@EXAMPLE', signal)).toBe(sam);
    expect(await names.key('example\\ALICE', signal)).toBe(sam);
    expect(await names.key('ALICE@example.test', signal)).toBe('alice@example.test');
    const dn = await names.key('CN=Alice Smith,CN=Users,DC=example,DC=test', signal);
    expect(await names.key('cn=alice smith, cn=users, dc=example, dc=test', signal)).toBe(dn);
    // Only the naming was read (once), never anything about alice.
    expect(reads.every((read) => !read.toLowerCase().includes('alice'))).toBe(true);
  });

  it('keeps a UPN, NETBIOS\\sam and a DN apart: only a lookup could tell they are one account', async () => {
    const names = new AdLoginNames([BASE], {}, adReader().reader);
    const keys = await Promise.all(
      ['alice@example.test', 'EXAMPLE\\alice', 'CN=alice,CN=Users,DC=example,DC=test'].map((name) =>
        names.key(name, signal),
      ),
    );
    expect(new Set(keys).size).toBe(3);
  });

  it('gives no key to names it does not own', async () => {
    const names = new AdLoginNames([BASE], {}, adReader().reader);
    for (const name of ['alice', 'OTHER\\alice', 'alice@other.test', 'cn=alice,dc=other,dc=test']) {
      expect(await names.key(name, signal), name).toBeUndefined();
    }
  });

  it('reads the naming once and answers from memory after that', async () => {
    const { reader, reads } = adReader();
    const names = new AdLoginNames([BASE], {}, reader);
    await Promise.all([names.claim('a@example.test', signal), names.claim('EXAMPLE\\b', signal)]);
    await names.claim('c@example.test', signal);
    expect(reads).toHaveLength(3);
    expect(reads[2]).toContain('(nCName=DC=example,DC=test)');
  });

  it('needs no read when config names the suffixes and the NetBIOS name', async () => {
    const { reader, reads } = adReader();
    const names = new AdLoginNames([BASE], { upnSuffixes: ['Example.Test'], netbiosName: 'example' }, reader);
    expect((await names.claim('alice@example.test', signal))?.account).toBe('alice@example.test');
    expect((await names.claim('EXAMPLE\\alice', signal))?.account).toBe('EXAMPLE\\alice');
    expect(reads).toEqual([]);
  });

  it('fails when AD cannot be asked and nothing is known yet, and keeps what it knew when a refresh fails', async () => {
    let down = true;
    let now = 0;
    const { reader } = adReader({ failing: () => down });
    const names = new AdLoginNames([BASE], {}, reader, () => now);
    await expect(names.claim('alice@example.test', signal)).rejects.toThrow('refused');
    down = false;
    expect((await names.claim('alice@example.test', signal))?.account).toBe('alice@example.test');
    down = true;
    now += 2 * 60 * 60 * 1000;
    expect((await names.claim('alice@example.test', signal))?.account).toBe('alice@example.test');
  });

  it('finds the signed-on account by DN, sAMAccountName or UPN, escaping values', () => {
    const names = new AdLoginNames([BASE], {}, adReader().reader);
    expect(names.lookup('CN=Alice,CN=Users,DC=example,DC=test')).toEqual({
      kind: 'dn',
      dn: 'CN=Alice,CN=Users,DC=example,DC=test',
    });
    expect(names.lookup('EXAMPLE\\al*ce')).toEqual({ kind: 'filter', filter: '(sAMAccountName=al\\2ace)' });
    expect(names.lookup('a(b)@example.test')).toEqual({
      kind: 'filter',
      filter: '(userPrincipalName=a\\28b\\29@example.test)',
    });
  });
});
