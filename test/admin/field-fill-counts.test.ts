/**
 * Each source's field map on the status page: the map's entries in its order, under the identity map
 * also the attributes the entries hold, with how many entries fill each; a count kept for a minute
 * and shared; a live source's map without counts.
 */
import { describe, expect, it } from 'vitest';
import { COUNT_TTL_MS, FieldFillCounts, type MappedSource } from '../../src/admin/field-fill-counts.js';
import { FieldMap } from '../../src/mapping/field-map.js';
import { Schema } from '../../src/schema/schema.js';

const schema = Schema.load();

function source(
  name: string,
  map: FieldMap,
  counts: Record<string, number> | undefined,
  entries = 10,
): MappedSource & { counted: number } {
  const mapped = {
    name,
    mode: counts ? 'replica' : 'live',
    map,
    counted: 0,
    fillCounts: () => {
      mapped.counted++;
      return Promise.resolve(counts && { entries, counts: new Map(Object.entries(counts)) });
    },
  };
  return mapped;
}

describe('field fill counts', () => {
  it("lists an explicit map's entries in its order, with their counts (0 for none held)", async () => {
    const map = new FieldMap(
      schema,
      { telephoneNumber: 'OfficePhone', mobile: ['CellPhone', 'Mobile'] },
      { cn: 'FullName' },
    );
    const hr = source('hr', map, { telephonenumber: 7, cn: 10, objectclass: 10 });
    const [shown] = await new FieldFillCounts([hr]).maps();
    expect(shown).toMatchObject({ source: 'hr', mode: 'replica', identity: false, counted: { entries: 10 } });
    expect(shown!.rows).toEqual([
      { attribute: 'telephoneNumber', fields: ['OfficePhone'], filled: 7 },
      { attribute: 'mobile', fields: ['CellPhone', 'Mobile'], filled: 0 },
      { attribute: 'cn', fields: ['FullName'], filled: 10 },
    ]);
  });

  it('under the identity map lists what the entries hold, by name, but not what the directory derives', async () => {
    const map = new FieldMap(schema, 'identity', { mobile: 'Handy' });
    const [shown] = await new FieldFillCounts([
      source('demo', map, { sn: 4, cn: 10, mobile: 3, objectclass: 10, entryuuid: 10, objectcategory: 10 }),
    ]).maps();
    expect(shown!.identity).toBe(true);
    expect(shown!.rows).toEqual([
      { attribute: 'mobile', fields: ['Handy'], filled: 3 },
      { attribute: 'cn', fields: ['cn'], filled: 10 },
      { attribute: 'sn', fields: ['sn'], filled: 4 },
    ]);
  });

  it('shows a live source its map, and says counts need a copy', async () => {
    const [shown] = await new FieldFillCounts([
      source('crm', new FieldMap(schema, { mail: 'email' }), undefined),
    ]).maps();
    expect(shown!.rows).toEqual([{ attribute: 'mail', fields: ['email'] }]);
    expect(shown!.counted).toBeUndefined();
    expect(shown!.note).toMatch(/counts need a copy/);
  });

  it('counts a replica once a minute, however often the page is loaded', async () => {
    let now = 1_000_000;
    const hr = source('hr', new FieldMap(schema, { cn: 'FullName' }), { cn: 10 });
    const counts = new FieldFillCounts([hr], () => now);
    await Promise.all([counts.maps(), counts.maps()]);
    await counts.maps();
    expect(hr.counted).toBe(1);
    now += COUNT_TTL_MS;
    await counts.maps();
    expect(hr.counted).toBe(2);
  });

  it('says why a count failed, and tries again on the next load', async () => {
    const hr = source('hr', new FieldMap(schema, { cn: 'FullName' }), { cn: 1 });
    hr.fillCounts = () => Promise.reject(new Error('copy not loaded'));
    const counts = new FieldFillCounts([hr]);
    const [shown] = await counts.maps();
    expect(shown!.note).toBe('entries not counted: copy not loaded');
    expect(shown!.rows).toEqual([{ attribute: 'cn', fields: ['FullName'] }]);
    hr.fillCounts = () => Promise.resolve({ entries: 1, counts: new Map([['cn', 1]]) });
    const [again] = await counts.maps();
    expect(again!.rows).toEqual([{ attribute: 'cn', fields: ['FullName'], filled: 1 }]);
  });
});
