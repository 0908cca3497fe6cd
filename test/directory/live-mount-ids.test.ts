/**
 * A live mount remembers which record each entry UUID it handed out stands for, so a phone can read
 * a hit back by its DN; a record whose id is its own UUID needs no memory for that.
 */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/filter/parse.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { testDirectory, TEST_SUFFIX } from '../support/test-directory.js';

const OWN_UUID = '3f2b8c1e-9a4d-4e7f-8b6a-1c2d3e4f5a6b';
const RECORDS: readonly SourceRecord[] = [
  { id: OWN_UUID, uuid: OWN_UUID, fields: { cn: ['Anna Own'], mail: ['anna@example.com'] } },
  { id: 'CN=Bernd,OU=People', fields: { cn: ['Bernd Derived'], mail: ['bernd@example.com'] } },
  {
    id: '3F2B8C1E-9A4D-4E7F-8B6A-1C2D3E4F5A6C',
    uuid: '3f2b8c1e-9a4d-4e7f-8b6a-1c2d3e4f5a6c',
    fields: { cn: ['Carla Upper'], mail: ['carla@example.com'] },
  },
];

describe('a live mount and the entry UUIDs it hands out', () => {
  it('tells the record behind each hit from its DN, a UUID of its own, derived or differing in case', async () => {
    const directory = await testDirectory([
      { name: 'book', mode: 'live', pushdown: true, records: RECORDS, map: 'identity' },
    ]);
    const dns: string[] = [];
    const search = {
      base: `ou=book,${TEST_SUFFIX}`,
      scope: 'sub' as const,
      filter: parseFilter('(mail=*)'),
      attributes: ['cn'],
      typesOnly: false,
    };
    for await (const hit of directory.search(search, new AbortController().signal)) dns.push(hit.dn);
    const records = dns.map((dn) => directory.entryOf(dn)?.recordId).sort();
    expect(records).toEqual([RECORDS[2]!.id, RECORDS[0]!.id, RECORDS[1]!.id].sort());
  });
});
