/**
 * Failures per key, leaking away, and the word it gives of each key it begins or stops counting (the
 * marks listener threads read to know that a bind must ask the main thread).
 */
import { describe, expect, it } from 'vitest';
import { FailureCounts } from '../../src/auth/failure-counts.js';

function counts(maxTracked = 100) {
  let ms = 1_000_000;
  const heard: string[] = [];
  const table = new FailureCounts(
    maxTracked,
    60_000,
    () => ms,
    (key, delta) => heard.push(`${key}${delta}`),
  );
  return { table, heard, advance: (seconds: number) => (ms += seconds * 1000) };
}

describe('FailureCounts', () => {
  it('says once when it begins counting a key, and when it forgets it', () => {
    const { table, heard } = counts();
    table.add('a');
    table.add('a');
    expect(table.current('a')).toBe(2);
    table.forget('a');
    table.forget('a');
    expect(heard).toEqual(['a1', 'a-1']);
  });

  it('says so of a key pushed out by newer ones', () => {
    const { table, heard } = counts(2);
    for (const key of ['a', 'b', 'c']) table.add(key);
    expect(heard).toEqual(['a1', 'b1', 'c1', 'a-1']);
    expect(table.current('a')).toBe(0);
  });

  it('forgets a key whose failures leaked away entirely, and says so', () => {
    const { table, heard, advance } = counts();
    table.add('a');
    advance(30);
    expect(table.current('a')).toBe(1);
    expect(heard).toEqual(['a1']);
    advance(30);
    expect(table.current('a')).toBe(0);
    expect(heard).toEqual(['a1', 'a-1']);
    table.add('a');
    expect(table.current('a')).toBe(1);
  });
});
