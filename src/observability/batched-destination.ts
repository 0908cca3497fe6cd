/**
 * A log destination that hands the operation lines of a few milliseconds to the stream below in one
 * write. Every LDAP operation logs a line, and a synchronous destination made each line a write(2)
 * of its own: one syscall per operation, as costly as the answer's own write. Gathered per turn of
 * the event loop, a phone's lone lookup (one operation per turn) still paid one; gathered for
 * `gatherMs` (10 ms) after the first of them, the lines of every operation (all connections) leave
 * together, or at once past `flushAt` characters or before any other line, and whatever is left goes
 * out synchronously when the process exits, so a normal exit or a crash still writes its last
 * lines; only a SIGKILL can lose the lines of its last few milliseconds.
 */
import type { DestinationStream } from 'pino';

/** The stream below: pino's synchronous sonic-boom, which copes with partial writes and EAGAIN. */
export interface SyncDestination extends DestinationStream {
  flushSync(): void;
}

const FLUSH_AT = 64 * 1024;
/** How long the first operation line waits for others: a hundredth of a second. */
const GATHER_MS = 10;
/** What an operation line holds and no other line does (operation-log.ts names the operation `op`). */
const OPERATION_MARK = '"op":"';

export class BatchedDestination implements DestinationStream {
  #lines: string[] = [];
  #length = 0;
  #scheduled = false;

  constructor(
    private readonly target: SyncDestination,
    private readonly flushAt = FLUSH_AT,
    private readonly gatherMs = GATHER_MS,
  ) {
    process.on('exit', this.flushSync);
  }

  write(line: string): void {
    // Only the per-operation lines (operation-log.ts, the one with `op`) wait for others:
    // any other line (a warning, a replica's state) goes out at once, after what was gathered, so
    // the log keeps its order and nothing an operator or a test waits for comes after the answer.
    if (line.includes(OPERATION_MARK)) {
      this.writeOperationLine(line);
      return;
    }
    this.#lines.push(line);
    this.#length += line.length;
    this.#handOver();
  }

  /**
   * A per-operation line, known to be one: operation-line.ts hands its lines here rather than to
   * write(), which would have to read the whole line to find out (and copy it to do so).
   */
  writeOperationLine(line: string): void {
    this.#lines.push(line);
    this.#length += line.length;
    if (this.#length >= this.flushAt) {
      this.#handOver();
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(this.#onTimer, this.gatherMs).unref();
  }

  /** pino's `logger.flush(callback)`: everything written, then the callback. */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }

  /** Hands what is gathered to the stream below. */
  #handOver(): void {
    if (this.#lines.length === 0) return;
    const text = this.#lines.length === 1 ? this.#lines[0]! : this.#lines.join('');
    this.#lines = [];
    this.#length = 0;
    this.target.write(text);
  }

  /** Writes everything out before returning (process exit; pino.flush callers). */
  readonly flushSync = (): void => {
    this.#handOver();
    this.target.flushSync();
  };

  readonly #onTimer = (): void => {
    this.#scheduled = false;
    this.#handOver();
  };
}
