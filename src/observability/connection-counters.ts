/**
 * Connections per listener, counted as the listener accepts them (including those then turned away
 * as busy or failing their TLS handshake) and as they close. Read by cn=Monitor, never reset.
 */
import type { Socket } from 'node:net';

export interface ListenerCounts {
  readonly url: string;
  readonly open: number;
  readonly accepted: number;
}

interface Counter {
  readonly url: string;
  open: number;
  accepted: number;
}

export class ConnectionCounters {
  readonly #listeners: Counter[] = [];

  /** Starts counting a listener; returns what to call with each socket it accepts. */
  listener(url: string): (socket: Socket) => void {
    const counter: Counter = { url, open: 0, accepted: 0 };
    this.#listeners.push(counter);
    return (socket) => {
      counter.accepted++;
      counter.open++;
      socket.once('close', () => counter.open--);
    };
  }

  /** The counts now, one per listener in the order they started. */
  snapshot(): ListenerCounts[] {
    return this.#listeners.map(({ url, open, accepted }) => ({ url, open, accepted }));
  }
}
