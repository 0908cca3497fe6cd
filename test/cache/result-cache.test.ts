import { describe, expect, it } from 'vitest';
import { ResultCache } from '../../src/cache/result-cache.js';
import type { SourceRecord } from '../../src/sources/source.js';

const record = (id: string): SourceRecord => ({ id, fields: { cn: [id] } });

async function* stream(count: number, failAt?: number): AsyncIterable<SourceRecord> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error('backend went away');
    await Promise.resolve();
    yield record(`r${i}`);
  }
}

async function drain(records: AsyncIterable<SourceRecord>, stopAfter = Infinity): Promise<string[]> {
  const ids: string[] = [];
  for await (const r of records) {
    ids.push(r.id);
    if (ids.length >= stopAfter) break;
  }
  return ids;
}

describe('ResultCache', () => {
  const settings = { size: 10, ttl: 30, maxRecords: 5 };

  it('keeps a small, complete answer and passes every record through', async () => {
    const cache = new ResultCache(settings);
    expect(await drain(cache.through('q', stream(3)))).toEqual(['r0', 'r1', 'r2']);
    expect(cache.get('q')?.map((r) => r.id)).toEqual(['r0', 'r1', 'r2']);
  });

  it('keeps nothing for an answer larger than maxRecords (a PBX import)', async () => {
    const cache = new ResultCache(settings);
    expect(await drain(cache.through('q', stream(6)))).toHaveLength(6);
    expect(cache.get('q')).toBeUndefined();
  });

  it('never keeps an answer that failed', async () => {
    const cache = new ResultCache(settings);
    await expect(drain(cache.through('q', stream(4, 2)))).rejects.toThrow('backend went away');
    expect(cache.get('q')).toBeUndefined();
  });

  it('never keeps an answer the consumer stopped reading (size limit, abandon)', async () => {
    const cache = new ResultCache(settings);
    expect(await drain(cache.through('q', stream(4)), 2)).toEqual(['r0', 'r1']);
    expect(cache.get('q')).toBeUndefined();
  });

  it('is off with size 0', async () => {
    const cache = new ResultCache({ ...settings, size: 0 });
    await drain(cache.through('q', stream(2)));
    expect(cache.get('q')).toBeUndefined();
  });
});
