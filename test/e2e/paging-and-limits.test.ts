/**
 * A PBX import pages through everything (RFC 2696); phones ask for a few hits (sizeLimit). Paged
 * and unpaged answers must be the same set, each entry exactly once, and every returned DN readable.
 */
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRows } from './support/demo-data.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';

let server: DirbridgeProcess;
const rowCount = demoRows().length;

beforeAll(async () => {
  server = await startDirbridge();
});

afterAll(async () => {
  await server.stop();
});

describe('paged results', () => {
  it('ldapsearch -E pr=50/noprompt returns every person exactly once, the same set as unpaged', async () => {
    const unpaged = await ldapsearch(server.url, '(objectClass=person)', { attributes: ['1.1'] });
    expect(unpaged.code, unpaged.stderr).toBe(0);
    const paged = await ldapsearch(server.url, '(objectClass=person)', {
      attributes: ['1.1'],
      extensions: ['pr=50/noprompt'],
    });
    expect(paged.code, paged.stderr).toBe(0);
    const pagedDns = paged.entries.map((e) => e.dn);
    expect(new Set(pagedDns).size).toBe(pagedDns.length);
    expect(pagedDns.length).toBe(rowCount);
    expect([...pagedDns].sort()).toEqual(unpaged.entries.map((e) => e.dn).sort());
  });

  it('ldapts pages of 7 give the same entries', async () => {
    const client = new Client({ url: server.url });
    try {
      const { searchEntries } = await client.search(SUFFIX, {
        filter: '(objectClass=person)',
        attributes: ['cn'],
        paged: { pageSize: 7 },
      });
      expect(searchEntries.length).toBe(rowCount);
      expect(new Set(searchEntries.map((e) => e.dn)).size).toBe(rowCount);
    } finally {
      await client.unbind();
    }
  });

  it('a page size above maxPageSize is served in pages of maxPageSize, still complete', async () => {
    const small = await startDirbridge({ config: { directory: { suffix: SUFFIX, maxPageSize: 20 } } });
    try {
      const paged = await ldapsearch(small.url, '(objectClass=person)', {
        attributes: ['1.1'],
        extensions: ['pr=500/noprompt'],
      });
      expect(paged.code, paged.stderr).toBe(0);
      expect(new Set(paged.entries.map((e) => e.dn)).size).toBe(rowCount);
    } finally {
      await small.stop();
    }
  });
});

describe('size limits', () => {
  it('sizeLimit 5 returns 5 entries and sizeLimitExceeded (4)', async () => {
    const result = await ldapsearch(server.url, '(objectClass=person)', { sizeLimit: 5, attributes: ['cn'] });
    expect(result.code).toBe(4);
    expect(result.entries).toHaveLength(5);
  });

  it('ldapts gets the first 5 entries (it takes code 4 as expected when it asked for a limit)', async () => {
    const client = new Client({ url: server.url });
    try {
      const { searchEntries } = await client.search(SUFFIX, { filter: '(objectClass=person)', sizeLimit: 5 });
      expect(searchEntries).toHaveLength(5);
    } finally {
      await client.unbind();
    }
  });

  it('a limit equal to the number of matches is not exceeded', async () => {
    const all = await ldapsearch(server.url, '(cn=anna*)', { attributes: ['1.1'] });
    expect(all.entries.length).toBeGreaterThan(0);
    const exact = await ldapsearch(server.url, '(cn=anna*)', {
      sizeLimit: all.entries.length,
      attributes: ['1.1'],
    });
    expect(exact.code, exact.stderr).toBe(0);
    expect(exact.entries).toHaveLength(all.entries.length);
  });

  it('directory.sizeLimit caps unpaged searches, not paged ones', async () => {
    const capped = await startDirbridge({ config: { directory: { suffix: SUFFIX, sizeLimit: 100 } } });
    try {
      const unpaged = await ldapsearch(capped.url, '(objectClass=person)', { attributes: ['1.1'] });
      expect(unpaged.code).toBe(4);
      expect(unpaged.entries).toHaveLength(100);
      const smaller = await ldapsearch(capped.url, '(objectClass=person)', {
        sizeLimit: 10,
        attributes: ['1.1'],
      });
      expect(smaller.entries).toHaveLength(10);
      const paged = await ldapsearch(capped.url, '(objectClass=person)', {
        attributes: ['1.1'],
        extensions: ['pr=50/noprompt'],
      });
      expect(paged.code, paged.stderr).toBe(0);
      expect(paged.entries).toHaveLength(rowCount);
    } finally {
      await capped.stop();
    }
  });
});

describe('every returned DN can be read back', () => {
  it('a base-scope (objectclass=*) read of each entry returns that entry', async () => {
    const all = await ldapsearch(server.url, '(objectClass=*)', { attributes: ['cn', 'entryUUID'] });
    expect(all.code, all.stderr).toBe(0);
    expect(all.entries.length).toBe(rowCount + 2); // the suffix and the demo mount too
    const client = new Client({ url: server.url });
    try {
      for (const entry of all.entries) {
        const { searchEntries } = await client.search(entry.dn, {
          scope: 'base',
          filter: '(objectclass=*)',
          attributes: ['cn'],
        });
        expect(searchEntries.map((e) => e.dn)).toEqual([entry.dn]);
      }
    } finally {
      await client.unbind();
    }
  });

  it('the suffix and the mount answer base, one-level and subtree scopes', async () => {
    const suffix = await ldapsearch(server.url, '(objectClass=*)', { scope: 'base', attributes: ['1.1'] });
    expect(suffix.entries.map((e) => e.dn)).toEqual([SUFFIX]);
    const mounts = await ldapsearch(server.url, '(objectClass=*)', { scope: 'one', attributes: ['ou'] });
    expect(mounts.entries.map((e) => e.dn)).toEqual([`ou=demo,${SUFFIX}`]);
    const children = await ldapsearch(server.url, '(objectClass=*)', {
      base: `ou=demo,${SUFFIX}`,
      scope: 'one',
      attributes: ['1.1'],
    });
    expect(children.entries).toHaveLength(rowCount);
    const leaf = children.entries[0]!.dn;
    const none = await ldapsearch(server.url, '(objectClass=*)', {
      base: leaf,
      scope: 'one',
      attributes: ['1.1'],
    });
    expect(none.code).toBe(0);
    expect(none.entries).toHaveLength(0);
  });

  it('a DN that does not exist answers noSuchObject (32) with the matched DN', async () => {
    const missingMount = await ldapsearch(server.url, '(objectClass=*)', { base: `ou=nope,${SUFFIX}` });
    expect(missingMount.code).toBe(32);
    expect(missingMount.stderr).toContain(`Matched DN: ${SUFFIX}`);
    const missingEntry = await ldapsearch(server.url, '(objectClass=*)', {
      base: `entryUUID=00000000-0000-0000-0000-000000000000,ou=demo,${SUFFIX}`,
    });
    expect(missingEntry.code).toBe(32);
    expect(missingEntry.stderr).toContain(`Matched DN: ou=demo,${SUFFIX}`);
    const outside = await ldapsearch(server.url, '(objectClass=*)', { base: 'dc=elsewhere' });
    expect(outside.code).toBe(32);
    const invalid = await ldapsearch(server.url, '(objectClass=*)', { base: 'not a dn' });
    expect(invalid.code).toBe(34);
  });
});
