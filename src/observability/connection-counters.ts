/**
 * Connections per listener, counted as the listener accepts them (including those then turned away
 * as busy or failing their TLS handshake) and as they close. Read by cn=Monitor, never reset. With
 * listener threads, each thread counts in shared cells too, and the counts read are all threads'.
 */
import type { Socket } from 'node:net';

export interface ListenerCounts {
  readonly url: string;
  readonly open: number;
  readonly accepted: number;
}

/**
 * Counts kept where other threads add theirs (threads/shared-listener-counts.ts), by listener
 * number: `counts` is every thread's together, or undefined for a listener it does not keep.
 */
export interface ListenerCountCells {
  opened(listener: number): void;
  closed(listener: number): void;
  counts(listener: number): { readonly open: number; readonly accepted: number } | undefined;
}

interface Counter {
  readonly url: string;
  open: number;
  accepted: number;
}

export class ConnectionCounters {
  readonly #listeners: Counter[] = [];

  /** `shared`: with listener threads, the counts every thread keeps (listeners in the same order). */
  constructor(private readonly shared?: ListenerCountCells) {}

  /** Starts counting a listener; returns what to call with each socket it accepts. */
  listener(url: string): (socket: Socket) => void {
    const counter: Counter = { url, open: 0, accepted: 0 };
    const number = this.#listeners.push(counter) - 1;
    const { shared } = this;
    return (socket) => {
      counter.accepted++;
      counter.open++;
      shared?.opened(number);
      socket.once('close', () => {
        counter.open--;
        shared?.closed(number);
      });
    };
  }

  /** The counts now, one per listener in the order they started (every thread's, when shared). */
  snapshot(): ListenerCounts[] {
    return this.#listeners.map(({ url, open, accepted }, number) => ({
      url,
      ...(this.shared?.counts(number) ?? { open, accepted }),
    }));
  }
}
