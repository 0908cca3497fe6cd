/** The quota back-off: doubling pauses from the change interval, jittered, capped, ended by success. */
import { describe, expect, it } from 'vitest';
import { QuotaBackOff } from '../../../src/sources/google/quota-back-off.js';

function backOff(random: number): { off: QuotaBackOff; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return {
    off: new QuotaBackOff(
      60_000,
      () => clock.now,
      () => random,
    ),
    clock,
  };
}

describe('quota back-off', () => {
  it('pauses between half and all of a ceiling that doubles with each refusal', () => {
    const low = backOff(0).off;
    const high = backOff(0.999_999).off;
    expect([low.refused(), low.refused(), low.refused()]).toEqual([30_000, 60_000, 120_000]);
    expect([high.refused(), high.refused(), high.refused()].map((ms) => Math.round(ms / 1000))).toEqual([
      60, 120, 240,
    ]);
  });

  it('never pauses longer than 15 minutes', () => {
    const { off } = backOff(0.999_999);
    for (let refusal = 0; refusal < 20; refusal++) expect(off.refused()).toBeLessThanOrEqual(15 * 60_000);
  });

  it('counts the pause down and ends it on success', () => {
    const { off, clock } = backOff(0.5);
    expect(off.remaining()).toBe(0);
    const pause = off.refused();
    expect(off.remaining()).toBe(pause);
    clock.now += pause - 1;
    expect(off.remaining()).toBe(1);
    clock.now += 1;
    expect(off.remaining()).toBe(0);
    off.refused();
    off.succeeded();
    expect(off.remaining()).toBe(0);
    expect(off.refused()).toBe(45_000); // back to the first ceiling
  });
});
