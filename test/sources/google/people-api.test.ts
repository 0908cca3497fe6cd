/** gaxios's retry delay as the reader sets it: a short Retry-After is obeyed, else the delay is jittered. */
import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../../src/sources/google/people-api.js';

describe('retry delay', () => {
  it('spreads the default delay over half to one and a half times it', () => {
    expect(retryDelay(undefined, 1000, () => 0)).toBe(500);
    expect(retryDelay(undefined, 1000, () => 0.5)).toBe(1000);
    expect(retryDelay(new Headers(), 1000, () => 0.999)).toBeCloseTo(1499, 0);
  });

  it('obeys a short Retry-After in seconds and ignores a long or unreadable one', () => {
    expect(retryDelay(new Headers({ 'retry-after': '7' }), 1000, () => 0)).toBe(7000);
    expect(retryDelay(new Headers({ 'retry-after': '3600' }), 1000, () => 0)).toBe(500);
    expect(retryDelay(new Headers({ 'retry-after': 'soon' }), 1000, () => 0)).toBe(500);
  });
});
