/**
 * The metrics of operations a listener thread answered, counted by the main thread's metrics (the
 * admin listener lives there): gathered in the thread as three columns and posted every quarter of
 * a second, or sooner when many, rather than one message per operation.
 */
import type { MessagePort } from 'node:worker_threads';
import type { OperationOutcome, ServerEvents } from '../observability/server-events.js';
import type { FromListenerThread } from './thread-messages.js';

const REPORT_EVERY_MS = 250;
const REPORT_AT = 1024;

type Request = OperationOutcome['request'];

/** A listener thread's events, for the main thread. */
export class RelayedEvents implements ServerEvents {
  #types: Request['type'][] = [];
  #codes: number[] = [];
  #ms: number[] = [];
  #throttled = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly port: Pick<MessagePort, 'postMessage'>) {}

  operationEnded(record: OperationOutcome): void {
    this.#types.push(record.request.type);
    this.#codes.push(record.resultCode ?? -1);
    this.#ms.push(record.ms);
    this.#due();
  }

  bindThrottled(): void {
    this.#throttled++;
    this.#due();
  }

  /** Posts what was gathered (at once, before the thread ends). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#types.length === 0 && this.#throttled === 0) return;
    this.port.postMessage({
      kind: 'events',
      types: this.#types,
      codes: this.#codes,
      ms: this.#ms,
      throttled: this.#throttled,
    } satisfies FromListenerThread);
    this.#types = [];
    this.#codes = [];
    this.#ms = [];
    this.#throttled = 0;
  }

  #due(): void {
    if (this.#types.length >= REPORT_AT) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), REPORT_EVERY_MS).unref();
  }
}

/** The main thread's side: a thread's report counted as if its operations had been answered here. */
export function countRelayed(
  report: Extract<FromListenerThread, { kind: 'events' }>,
  events: ServerEvents,
): void {
  for (let i = 0; i < report.types.length; i++) {
    const code = report.codes[i]!;
    events.operationEnded({
      request: { type: report.types[i]! },
      resultCode: code === -1 ? undefined : code,
      ms: report.ms[i]!,
    });
  }
  for (let i = 0; i < report.throttled; i++) events.bindThrottled();
}
