/**
 * PreparedSearch.hitBatches with a longest run: the hits of `hits`, in the same order, cut into runs
 * no longer than asked, and a reader that stops at that many hits has had no more candidates tested
 * than one reading `hits` one by one (a phone's lookup with a size limit).
 */
import { describe, expect, it } from 'vitest';
import type { DirectorySearch, SearchHit } from '../../src/directory/directory.js';
import { EvaluationBudget } from '../../src/directory/evaluation-budget.js';
import { DEFAULT_VISIBILITY } from '../../src/directory/visibility.js';
import { parseFilter } from '../../src/filter/parse.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';

const signal = new AbortController().signal;

/** Twelve people; every third is not a Person by sn, so the filter decides on each. */
const PEOPLE: SourceRecord[] = Array.from({ length: 12 }, (_, i) => {
  const uuid = `3f2504e0-4f89-41d3-9a0c-0305e82c33${String(i).padStart(2, '0')}`;
  return { id: uuid, uuid, fields: { cn: [`Person ${i}`], sn: [i % 3 === 2 ? 'Other' : 'Person'] } };
});

const SEARCH: DirectorySearch = {
  base: `ou=people,${TEST_SUFFIX}`,
  scope: 'sub',
  // A negation: no index answers it exactly, so every candidate is tested.
  filter: parseFilter('(&(cn=Person*)(!(sn=Other)))'),
  attributes: ['cn'],
  typesOnly: false,
};

describe.each(['replica', 'live'] as const)('hits in runs of at most n from a %s mount', (mode) => {
  const directory = () => testDirectory([{ name: 'people', mode, records: PEOPLE }]);

  it('are the hits of `hits`, in order, no run longer than n', async () => {
    const prepared = (await directory()).prepare(SEARCH);
    const one: string[] = [];
    for await (const hit of prepared.hits(signal)) one.push(hit.dn);
    const runs: (readonly SearchHit[])[] = [];
    for await (const run of prepared.hitBatches(signal, DEFAULT_VISIBILITY, undefined, 3)) runs.push(run);
    expect(one).toHaveLength(8);
    expect(runs.flat().map((hit) => hit.dn)).toEqual(one);
    expect(Math.max(...runs.map((run) => run.length))).toBeLessThanOrEqual(3);
    // A replica hands its candidates over in batches: there the runs are cut at n.
    if (mode === 'replica') expect(runs.map((run) => run.length)).toEqual([3, 3, 2]);
  });

  it('test no candidate beyond the nth hit when the reader stops there', async () => {
    const prepared = (await directory()).prepare(SEARCH);
    const byOne = new EvaluationBudget(Infinity);
    const taken: string[] = [];
    for await (const hit of prepared.hits(signal, DEFAULT_VISIBILITY, byOne)) {
      taken.push(hit.dn);
      if (taken.length === 4) break;
    }
    const inRuns = new EvaluationBudget(Infinity);
    const read: string[] = [];
    for await (const run of prepared.hitBatches(signal, DEFAULT_VISIBILITY, inRuns, 4)) {
      read.push(...run.map((hit) => hit.dn));
      if (read.length >= 4) break;
    }
    expect(read).toEqual(taken);
    expect(inRuns.used).toBe(byOne.used);
    // And that is short of what the whole search tests.
    const everything = new EvaluationBudget(Infinity);
    let runs = 0;
    for await (const run of prepared.hitBatches(signal, DEFAULT_VISIBILITY, everything)) runs += run.length;
    expect(runs).toBe(8);
    expect(inRuns.used).toBeLessThan(everything.used);
  });
});
