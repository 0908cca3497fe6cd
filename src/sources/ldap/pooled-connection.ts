/**
 * One bound service-account connection of the pool (ldap-connections.ts) and the searches running
 * on it. ldapts tells each request's answers apart by message id, so searches share a connection;
 * what they cannot share is a paged search's state: OpenLDAP keeps one per connection, and a paged
 * search that begins on it makes the cookie of one begun earlier "invalid or old" (53). So each
 * search holds a lease that knows whether another search has had the connection since it began: one
 * that has had it alone may keep it to itself for its further pages; another asks them on a
 * connection of its own (ldap-source.ts).
 */
import type { Socket } from 'node:net';
import type { Client } from 'ldapts';

export class PooledConnection {
  /** Searches running on it now. */
  active = 0;
  /** Leases given out on it so far: a lease compares its own number to tell whether one came after. */
  given = 0;
  /** Set while a search keeps the connection to itself: no other joins it. */
  kept = false;
  /** Set while a search waits for a connection of its own: this one takes no more until it is free. */
  reserved = false;
  /** Broken, left with a search half done, or its URL retired: closed once its searches end. */
  retiring = false;

  /** Whether requests written now wait for the end of this turn of the event loop (`#gather`). */
  #gathering = false;

  constructor(
    readonly client: Client,
    /** The index of the URL it went to (url-failover.ts). */
    readonly urlIndex: number,
    /** Its plain socket: after StartTLS, ldapts never notices the server closing it. */
    readonly plainSocket: Socket | undefined,
    /** The socket ldapts writes requests to: the plain one, or TLS over it (once ldapts has made it). */
    private readonly writeSocket: () => Socket | undefined,
  ) {}

  /** Whether another search may be started on it (it may still be full). */
  get joinable(): boolean {
    return !this.kept && !this.reserved && !this.retiring;
  }

  /**
   * Whether its first search is still connecting it: without a bind (or StartTLS), ldapts connects
   * on the first request, and a second one sent meanwhile would open a second socket.
   */
  get connecting(): boolean {
    return this.given === 1 && this.active === 1 && !this.client.isConnected;
  }

  lease(): Lease {
    this.active++;
    // Alone on the connection, a search's request goes at once: held, it would cost a turn of the
    // event loop (and its wait) with nothing to gather it with.
    if (this.active > 1) this.#gather();
    return new Lease(this, ++this.given, this.active > 1);
  }

  /**
   * Holds the requests written to the connection until the event loop has served every client
   * request ready now, then sends them in one write: each write to the backend is a system call
   * (and, over loopback, the server's wake-up), the largest cost of a live search in the front.
   * Only once a second search runs on the connection: that is when requests come in together.
   */
  #gather(): void {
    if (this.#gathering) return;
    const socket = this.writeSocket();
    if (socket === undefined) return;
    this.#gathering = true;
    socket.cork();
    setImmediate(this.#send, socket);
  }

  readonly #send = (socket: Socket): void => {
    this.#gathering = false;
    socket.uncork();
  };
}

/** One search's hold on a pooled connection; given back with LdapConnections.release. */
export class Lease {
  /** Whether this lease keeps the connection to itself (`keep`). */
  kept = false;
  released = false;

  constructor(
    readonly connection: PooledConnection,
    readonly number: number,
    /** Whether another search was running on the connection when this one was given it. */
    private readonly sharedAtStart: boolean,
  ) {}

  get client(): Client {
    return this.connection.client;
  }

  /**
   * Whether no other search has run on the connection since this one began: the connection's paged
   * search state is still this search's own.
   */
  get alone(): boolean {
    return !this.sharedAtStart && this.connection.given === this.number;
  }

  /** No other search joins the connection until this lease is released (its next pages stay its own). */
  keep(): void {
    this.kept = true;
    this.connection.kept = true;
  }
}
