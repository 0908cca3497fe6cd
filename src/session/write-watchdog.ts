/**
 * Notices a connection whose output has stopped moving: a client that sends requests and never reads
 * the answers. Progress is bytes the kernel took from us, `bytesWritten - writableLength` (Node counts
 * bytes still buffered in the stream in `bytesWritten`), not 'drain': a slow reader of a large export
 * may keep the queue from emptying for minutes, yet it takes bytes all along and must not be cut.
 *
 * One interval timer per connection, and only while output is queued: the kernel takes nearly every
 * write at once, so most connections never start it. It counts checks rather than reading a clock.
 */

/** What the watchdog reads of a socket; net.Socket and tls.TLSSocket both have it. */
export interface QueuedOutput {
  /** Bytes written so far, including those still buffered in the stream. */
  readonly bytesWritten: number;
  /** Bytes buffered in the stream, not yet taken by the kernel. */
  readonly writableLength: number;
}

/** Checks per timeout: a stall is noticed at most a tenth of `timeoutMs` late. */
export const CHECKS_PER_TIMEOUT = 10;

export class WriteWatchdog {
  #output: QueuedOutput | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Bytes the kernel had taken at the last check. */
  #taken = 0;
  /** Checks in a row that found output queued and nothing taken. */
  #stalledChecks = 0;

  constructor(
    private readonly timeoutMs: number,
    /** Called once when queued output has not moved for `timeoutMs`; the watchdog has stopped then. */
    private readonly onStall: () => void,
  ) {}

  get watching(): boolean {
    return this.#timer !== undefined;
  }

  /** Call after each write to `output`: starts watching when bytes were left queued. */
  watch(output: QueuedOutput): void {
    this.#output = output;
    if (this.#timer !== undefined || output.writableLength === 0) return;
    this.#taken = taken(output);
    this.#stalledChecks = 0;
    this.#timer = setInterval(this.#check, this.timeoutMs / CHECKS_PER_TIMEOUT);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  readonly #check = (): void => {
    const output = this.#output!;
    if (output.writableLength === 0) {
      this.stop();
      return;
    }
    const now = taken(output);
    if (now !== this.#taken) {
      this.#taken = now;
      this.#stalledChecks = 0;
      return;
    }
    if (++this.#stalledChecks < CHECKS_PER_TIMEOUT) return;
    this.stop();
    this.onStall();
  };
}

function taken(output: QueuedOutput): number {
  return output.bytesWritten - output.writableLength;
}
