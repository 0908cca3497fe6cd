/** A mount counts its replica's entries by the attributes they hold; a live mount does not count. */
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../src/sources/source.js';
import { buildTestDirectory } from '../support/test-directory.js';

const signal = new AbortController().signal;

function records(count: number): SourceRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(i),
    fields: {
      cn: [`Person ${i}`],
      ...(i % 2 === 0 ? { mobile: [`0151 ${1000 + i}`] } : {}),
      ...(i % 5 === 0 ? { telephoneNumber: ['030 1', '030 2'] } : {}),
    },
  }));
}

describe('fill counts', () => {
  it("counts a replica's entries per attribute (an entry once, however many values it holds)", async () => {
    const { directory, mounts } = buildTestDirectory([{ name: 'hr', records: records(1000) }]);
    await directory.start(signal);
    const counted = await mounts[0]!.fillCounts(signal);
    expect(counted!.entries).toBe(1000);
    expect(counted!.counts.get('cn')).toBe(1000);
    expect(counted!.counts.get('mobile')).toBe(500);
    expect(counted!.counts.get('telephonenumber')).toBe(200);
    expect(counted!.counts.has('mail')).toBe(false);
  });

  it('does not count a live source: that would read the whole backend', async () => {
    const { directory, mounts } = buildTestDirectory([{ name: 'crm', mode: 'live', records: records(3) }]);
    await directory.start(signal);
    expect(await mounts[0]!.fillCounts(signal)).toBeUndefined();
  });

  it('says a replica not loaded yet has no count, rather than zeros', async () => {
    const { mounts } = buildTestDirectory([{ name: 'hr', records: records(3) }]);
    await expect(mounts[0]!.fillCounts(signal)).rejects.toThrow('source hr: its copy is not loaded yet');
  });

  it('stops when asked to', async () => {
    const { directory, mounts } = buildTestDirectory([{ name: 'hr', records: records(1000) }]);
    await directory.start(signal);
    const stop = new AbortController();
    stop.abort(new Error('page closed'));
    await expect(mounts[0]!.fillCounts(stop.signal)).rejects.toThrow('page closed');
  });
});
