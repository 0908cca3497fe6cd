/**
 * The main thread's throttle counting one lane's binds under way in shared memory (SharedTurns), so
 * that listener threads see its binds and it sees theirs.
 */
import type { TurnCounter } from './in-flight-binds.js';
import type { LaneIndex, SharedTurns } from './shared-turns.js';

export class SharedInFlight implements TurnCounter {
  constructor(
    private readonly turns: SharedTurns,
    private readonly lane: LaneIndex,
  ) {}

  count(turn: string): number {
    return this.turns.underWay(this.lane, this.turns.slot(turn));
  }

  tryEnter(turn: string, limit: number): boolean {
    return this.turns.tryEnter(this.lane, this.turns.slot(turn), limit);
  }

  leave(turn: string): void {
    const slot = this.turns.slot(turn);
    if (this.turns.leave(this.lane, slot)) this.turns.wake(this.lane, slot);
  }

  whenBelow(turn: string, limit: number, signal: AbortSignal): Promise<void> {
    return this.turns.whenBelow(this.lane, this.turns.slot(turn), limit, signal);
  }
}
