/**
 * A listener thread giving a bind its turn itself, in shared memory (SharedTurns), when the main
 * thread's throttle would give it at once and without delay: no failure is counted for its login
 * or address, and fewer of their binds are under way than they have free failures. A service
 * account's bind, the common case, then costs no message to the main thread and back (tens of
 * microseconds for each thread, as much as the rest of the bind). Any other bind (undefined) asks
 * the main thread as before.
 *
 * The outcome goes to the main thread only when there is something to count: a failure, or a
 * success whose login is marked failing (its failures are forgotten there). The thread hands its
 * turns over with it, and the main thread ends them once the outcome is counted, so no bind takes a
 * turn a failure freed without seeing the failure.
 *
 * Why this keeps the throttle's promise: a turn is taken by one compare-and-swap below the free
 * failures, after seeing no failure marked. A failure marked after that look belongs to a bind that
 * still holds its turn (the main thread counts before it ends turns), so binds under way and
 * failures together never exceed the free failures, and the delay the main thread would have given
 * is 0. A slot shared with another key only looks busier or failing: the bind then asks the main thread.
 * A thread that dies gives back the turns it holds (SharedTurns.release); one it handed over with
 * an outcome the main thread never got stays taken, which only ever makes binds wait more.
 */
import type { Admission, BindAttempt, Outcome } from '../auth/throttle.js';
import { turnsOf } from '../auth/throttle.js';
import { LOGINS, type LaneIndex, type SharedTurns } from '../auth/shared-turns.js';

/** What the thread tells the main thread about a bind it gave its turn itself. */
export type LocalReport =
  /** It ended with an outcome to count; its turns are handed over (Throttle.ended). */
  | { readonly kind: 'ended'; readonly attempt: BindAttempt; readonly outcome: Outcome }
  /** A turn in a slot the main thread keeps binds waiting on ended. */
  | { readonly kind: 'left'; readonly lane: LaneIndex; readonly slot: number };

interface Taken {
  readonly lane: LaneIndex;
  readonly slot: number;
}

export class LocalTurns {
  constructor(
    private readonly turns: SharedTurns,
    /** This thread's number (from 1): where the turns it holds are counted. */
    private readonly thread: number,
    private readonly report: (report: LocalReport) => void,
  ) {}

  /** The bind's turn, given here; undefined: it must ask the main thread. */
  admit(attempt: BindAttempt): Admission | undefined {
    const taken: Taken[] = [];
    for (const { lane, key, turn } of turnsOf(attempt)) {
      const slot = this.turns.slot(turn);
      const fast =
        !this.turns.failing(lane, this.turns.slot(key)) &&
        this.turns.tryEnter(lane, slot, this.turns.freeTurns(lane), this.thread);
      if (!fast) {
        this.#leave(taken);
        return undefined;
      }
      taken.push({ lane, slot });
    }
    return this.#admission(attempt, taken);
  }

  #admission(attempt: BindAttempt, taken: readonly Taken[]): Admission {
    let settled = false;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      if (outcome === 'released' || (outcome === 'succeeded' && !this.#loginFailing(attempt))) {
        this.#leave(taken);
        return;
      }
      for (const { lane, slot } of taken) this.turns.handOver(lane, slot, this.thread);
      this.report({ kind: 'ended', attempt, outcome });
    };
    return {
      delayMs: 0,
      failed: () => settle('failed'),
      succeeded: () => settle('succeeded'),
      released: () => settle('released'),
    };
  }

  /** Whether the main thread may count failures for the login (a success must make it forget them). */
  #loginFailing(attempt: BindAttempt): boolean {
    return attempt.login !== undefined && this.turns.failing(LOGINS, this.turns.slot(attempt.login));
  }

  #leave(taken: readonly Taken[]): void {
    for (const { lane, slot } of taken) {
      if (this.turns.leave(lane, slot, this.thread)) this.report({ kind: 'left', lane, slot });
    }
  }
}
