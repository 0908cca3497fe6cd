/**
 * The bind throttle across listener threads: one throttle, the main thread's, counts every bind's
 * failures and turns wherever the connection landed, so that guesses spread over the threads get no
 * more fast answers than guesses sent to one. A listener thread's authenticator asks it through a
 * MessagePort (RemoteThrottle); the main thread answers (ThrottleHost). A message costs both
 * threads tens of microseconds (most of it Node's dispatch, not the copy), so each side sends what
 * one event-loop turn produced as one message: under load the binds of many connections share it.
 * The throttle's promise (DESIGN.md "Binds") is worth the hop. A bind the thread can give its turn
 * itself, in shared memory, makes none (local-turns.ts): only the others ask.
 */
import type { MessagePort } from 'node:worker_threads';
import { cancellableOf, whenAborted, type Cancellable } from '../auth/cancellable.js';
import type { SharedTurns } from '../auth/shared-turns.js';
import type { Admission, BindAttempt, BindThrottle, Outcome } from '../auth/throttle.js';
import { Cancellation } from '../session/cancellation.js';
import type { LocalReport, LocalTurns } from './local-turns.js';

/** From a listener thread: ask for a turn, give up waiting for it, or say how the bind went. */
export type ThrottleRequest =
  | { readonly kind: 'admit'; readonly id: number; readonly attempt: BindAttempt }
  | { readonly kind: 'cancel'; readonly id: number }
  | { readonly kind: 'settle'; readonly id: number; readonly outcome: Outcome }
  | LocalReport;

/** From the main thread: the turn given (with its delay), or none (the bind was cancelled meanwhile). */
export type ThrottleAnswer = { readonly id: number; readonly delayMs: number } | { readonly id: number };

/** Messages of one kind gathered during an event-loop turn and posted together at its end. */
class Outbox<T> {
  #pending: T[] = [];

  constructor(private readonly port: MessagePort) {}

  send(message: T): void {
    if (this.#pending.length === 0) setImmediate(() => this.#flush());
    this.#pending.push(message);
  }

  #flush(): void {
    const messages = this.#pending;
    this.#pending = [];
    // A port closed meanwhile (its thread ended) drops them: that thread's binds were released.
    this.port.postMessage(messages);
  }
}

/** A listener thread's throttle: the main thread's, through a port. */
export class RemoteThrottle implements BindThrottle {
  #next = 1;
  readonly #waiting = new Map<number, (delayMs: number | undefined) => void>();
  readonly #outbox: Outbox<ThrottleRequest>;
  readonly #local: LocalTurns | undefined;

  /** `local`: how the thread gives turns itself (made with the report it is handed); absent: never. */
  constructor(port: MessagePort, local?: (report: (report: LocalReport) => void) => LocalTurns) {
    this.#outbox = new Outbox(port);
    this.#local = local?.((report) => this.#outbox.send(report));
    port.on('message', (answers: readonly ThrottleAnswer[]) => {
      for (const answer of answers) {
        const resolve = this.#waiting.get(answer.id);
        this.#waiting.delete(answer.id);
        resolve?.('delayMs' in answer ? answer.delayMs : undefined);
      }
    });
    // Binds waiting on the port keep the thread alive; an idle port must not.
    port.unref();
  }

  async admit(attempt: BindAttempt, cancel: Cancellable | AbortSignal): Promise<Admission | undefined> {
    const cancellable = cancellableOf(cancel);
    if (cancellable.aborted) return undefined;
    const here = this.#local?.admit(attempt);
    if (here) return here;
    const id = this.#next++;
    let stopListening = noop;
    const delayMs = await new Promise<number | undefined>((resolve) => {
      this.#waiting.set(id, resolve);
      this.#outbox.send({ kind: 'admit', id, attempt });
      stopListening = whenAborted(cancellable, () => this.#outbox.send({ kind: 'cancel', id }));
    }).finally(() => stopListening());
    if (delayMs === undefined) return undefined;
    let settled = false;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      this.#outbox.send({ kind: 'settle', id, outcome });
    };
    return {
      delayMs,
      failed: () => settle('failed'),
      succeeded: () => settle('succeeded'),
      released: () => settle('released'),
    };
  }

  /** To the main thread's throttle, as LocalTurns reports its binds' outcomes. */
  ended(attempt: BindAttempt, outcome: Outcome): void {
    this.#outbox.send({ kind: 'ended', attempt, outcome });
  }
}

/** The main thread's side of one listener thread's port: its binds admitted by the throttle in force. */
export class ThrottleHost {
  /** Cancellations, not AbortControllers: a signal is made only for a bind that has to wait its turn. */
  readonly #cancels = new Map<number, Cancellation>();
  readonly #admissions = new Map<number, Admission>();
  readonly #outbox: Outbox<ThrottleAnswer>;

  constructor(
    private readonly port: MessagePort,
    /** The throttle in force (a reload may replace it). */
    private readonly throttle: () => BindThrottle,
    /** The memory where the thread gives turns itself, if it does. */
    private readonly turns?: SharedTurns,
  ) {
    this.#outbox = new Outbox(port);
    port.on('message', (requests: readonly ThrottleRequest[]) => {
      for (const request of requests) this.#handle(request);
    });
    port.unref();
  }

  /** The thread is gone: its binds under way end uncounted, its waits are given up. */
  close(): void {
    for (const cancel of this.#cancels.values()) cancel.abort(undefined);
    for (const admission of this.#admissions.values()) admission.released();
    this.#cancels.clear();
    this.#admissions.clear();
    this.port.close();
  }

  #handle(request: ThrottleRequest): void {
    if (request.kind === 'left') {
      this.turns?.wake(request.lane, request.slot);
      return;
    }
    if (request.kind === 'ended') {
      this.throttle().ended(request.attempt, request.outcome);
      return;
    }
    if (request.kind === 'cancel') {
      this.#cancels.get(request.id)?.abort(undefined);
      return;
    }
    if (request.kind === 'settle') {
      const admission = this.#admissions.get(request.id);
      this.#admissions.delete(request.id);
      admission?.[request.outcome]();
      return;
    }
    const cancel = new Cancellation();
    this.#cancels.set(request.id, cancel);
    this.throttle()
      .admit(request.attempt, cancel)
      .then(
        (admission) => {
          this.#cancels.delete(request.id);
          if (admission) this.#admissions.set(request.id, admission);
          this.#outbox.send(admission ? { id: request.id, delayMs: admission.delayMs } : { id: request.id });
        },
        () => {
          this.#cancels.delete(request.id);
          this.#outbox.send({ id: request.id });
        },
      );
  }
}

function noop(): void {}
