import { describe, expect, it } from 'vitest';
import { ValuesMemo } from '../../src/schema/values-memo.js';

describe('ValuesMemo', () => {
  it('keeps a value on the array it was set for, and only on that one', () => {
    const memo = new ValuesMemo<string>('test');
    const values = ['Anna Müller'];
    memo.set(values, 'anna muller');
    expect(memo.get(values)).toBe('anna muller');
    expect(memo.get(['Anna Müller'])).toBeUndefined();
  });

  it('stays out of what the array shows: keys, JSON, iteration', () => {
    const memo = new ValuesMemo<string>('test');
    const values = ['a', 'b'];
    memo.set(values, 'memo');
    expect(Object.keys(values)).toEqual(['0', '1']);
    expect(JSON.stringify(values)).toBe('["a","b"]');
    expect([...values]).toEqual(['a', 'b']);
  });

  it('falls back to a side table for a frozen array', () => {
    const memo = new ValuesMemo<string>('test');
    const values = Object.freeze(['x']);
    memo.set(values, 'frozen');
    expect(memo.get(values)).toBe('frozen');
  });

  it('keeps one memo apart from another on the same array', () => {
    const folded = new ValuesMemo<string>('folded');
    const forms = new ValuesMemo<string>('forms');
    const values = ['030 1234'];
    folded.set(values, 'f');
    forms.set(values, 'p');
    expect([folded.get(values), forms.get(values)]).toEqual(['f', 'p']);
  });
});
