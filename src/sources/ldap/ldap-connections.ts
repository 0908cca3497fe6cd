/**
 * Bound service-account connections to the backend: at most `poolSize` at once, opened on demand
 * and reused, each carrying up to SEARCHES_PER_CONNECTION searches at once (pooled-connection.ts).
 * URLs are tried in order; a connection error moves on to the next one, and after `healthInterval`
 * the first is tried again. An LDAP error (a refused bind, say) is not a reason to fail over: the
 * next server would answer the same.
 *
 * Pooled connections would otherwise keep a failed-over pool on the later server for good: one
 * opened to a later URL is retired (closed once its searches end, instead of reused) once
 * `healthInterval` has passed since the failover, or as soon as new connections go elsewhere, so the
 * next one tries the first URL again. A pooled connection the server has dropped is not reused
 * either: ldapts would reconnect it by itself on the next search, unbound (AD drops idle
 * connections after 900 s). When a connection breaks, ldapts fails every request on it at once:
 * exactly the searches running on it fail, and no other.
 *
 * A caller that finds every connection full waits in a bounded queue, for at most the source's
 * `timeout` or until its signal aborts (its search's time limit); a full queue or a wait that runs
 * out is SourceBusy, so a slow backend costs its own clients a quick "busy", not everyone's memory
 * and sockets. How long each request may take once sent is ldapts' `timeout`, per message: a bind,
 * one page of a paged search; one that runs out closes its connection, and so fails the searches
 * sharing it, which wait on the same unanswering server.
 */
import type { ConnectionOptions } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';
import { SourceBusy } from '../source.js';
import { backendTlsOptions } from './backend-tls.js';
import type { LdapSourceSettings } from './ldap-settings.js';
import { startTlsWithin } from './start-tls.js';
import { UrlFailover, type FailoverLogger } from './url-failover.js';
import { PooledConnection, type Lease } from './pooled-connection.js';

export type ConnectionLogger = FailoverLogger;

/**
 * Callers that may wait for room on a connection, per pooled connection. Enough to ride out a burst
 * (every phone that rings looks the caller up at once); a backend that answers a search in half a
 * millisecond serves a full queue in a few milliseconds. Beyond it a caller is answered busy at
 * once. A wait costs a timer and a closure and never outlasts `timeout`, so on a backend that stops
 * answering a longer queue only means more callers answered busy then.
 */
export const WAITERS_PER_CONNECTION = 16;

/**
 * Searches one connection carries at once. OpenLDAP's back-ldap multiplexes a whole client load
 * over a few connections; one search per connection at a time served 32 phones four at a time. A
 * few per connection keep the backend's threads busy without letting one connection's loss (or one
 * search's timeout, which closes it) take more than these many searches with it.
 */
export const SEARCHES_PER_CONNECTION = 8;

interface Waiter {
  /** Whether it waits for a connection of its own. */
  readonly exclusive: boolean;
  /** A lease on a connection, or undefined: room to open one (or the pool closed). */
  readonly wake: (lease: Lease | undefined) => void;
}

/** A bound client, its plain socket and the TLS socket over it, if any (ldapts makes that one later for ldaps://). */
interface OpenedClient {
  readonly client: Client;
  readonly plain: Socket | undefined;
  readonly secure: () => TLSSocket | undefined;
}

export class LdapConnections {
  /** Open connections, those closing once their searches end included. */
  readonly #connections: PooledConnection[] = [];
  #opening = 0;
  readonly #waiting: Waiter[] = [];
  #closed = false;
  readonly #failover: UrlFailover;

  constructor(
    private readonly settings: LdapSourceSettings,
    logger?: ConnectionLogger,
  ) {
    this.#failover = new UrlFailover(settings.urls, settings.healthIntervalMs, logger);
  }

  /**
   * A lease on a bound connection; give it back with `release`. A connection no search runs on is
   * taken first, then a new one while there is room, then the least busy one with room for another
   * search. `exclusive`: a connection no other search runs on or joins until the lease is released
   * (a change feed's round, or a paged search that could not keep the one it began on). Throws
   * SourceBusy when none comes free and the queue is full, or the wait outlasts `timeout` or `signal`.
   */
  async acquire(signal?: AbortSignal, exclusive = false): Promise<Lease> {
    const deadline = Date.now() + this.settings.timeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      if (this.#closed) throw new Error('closed');
      const lease = this.#lease(exclusive);
      if (lease) return lease;
      if (this.#hasRoom()) return this.#openOne(exclusive);
      // Woken without a lease: a connection was closed, so there is room to open another.
      const woken = await this.#wait(exclusive, deadline, signal);
      if (woken) return woken;
    }
  }

  /**
   * A lease on a connection with room now, as `acquire` would give it first, or undefined: the
   * caller then waits in `acquire`. Saves a search that finds room (most of them) the promises of
   * an asynchronous call.
   */
  leaseNow(): Lease | undefined {
    return this.#closed ? undefined : this.#lease(false);
  }

  /** How many callers may wait for a connection (WAITERS_PER_CONNECTION). */
  get queueLimit(): number {
    return this.settings.poolSize * WAITERS_PER_CONNECTION;
  }

  /** A lease on an open connection a caller may have now, without waiting; closes unusable idle ones. */
  #lease(exclusive: boolean): Lease | undefined {
    let shared: PooledConnection | undefined;
    for (let i = this.#connections.length - 1; i >= 0; i--) {
      const connection = this.#connections[i]!;
      if (!connection.joinable || connection.connecting) continue;
      if (!this.#reusable(connection)) {
        connection.retiring = true;
        if (connection.active === 0) void this.#discard(connection);
        continue;
      }
      if (connection.active === 0) return this.#leaseOn(connection, exclusive);
      if (connection.active < SEARCHES_PER_CONNECTION && connection.active < (shared?.active ?? Infinity))
        shared = connection;
    }
    // A shared one only once no more may be opened: each connection is served by its own backend thread.
    return shared && !exclusive && !this.#hasRoom() ? shared.lease() : undefined;
  }

  #leaseOn(connection: PooledConnection, exclusive: boolean): Lease {
    const lease = connection.lease();
    if (exclusive) lease.keep();
    return lease;
  }

  #hasRoom(): boolean {
    return this.#connections.length + this.#opening < this.settings.poolSize;
  }

  async #openOne(exclusive: boolean): Promise<Lease> {
    this.#opening++;
    let connection: PooledConnection;
    try {
      connection = await this.#connect();
    } catch (error) {
      this.#opening--;
      this.#serve();
      throw error;
    }
    this.#opening--;
    this.#connections.push(connection);
    const lease = this.#leaseOn(connection, exclusive);
    // Callers that queued while it opened may share it now.
    if (this.#waiting.length > 0) this.#serve();
    return lease;
  }

  /** Waits in the queue for a lease (or room to open a connection) until `deadline` or `signal`. */
  #wait(exclusive: boolean, deadline: number, signal: AbortSignal | undefined): Promise<Lease | undefined> {
    if (this.#waiting.length >= this.queueLimit) return Promise.reject(this.#busy());
    if (exclusive) this.#reserveOne();
    return new Promise<Lease | undefined>((resolve, reject) => {
      const giveUp = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        const busy = this.#busy();
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(busy);
      };
      const waiter: Waiter = {
        exclusive,
        wake: (lease) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', giveUp);
          resolve(lease);
        },
      };
      const timer = setTimeout(giveUp, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', giveUp, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /**
   * Keeps new searches off the least busy connection until it is free, for a caller waiting for one
   * of its own: with every connection busy, one might otherwise never come free.
   */
  #reserveOne(): void {
    let least: PooledConnection | undefined;
    for (const connection of this.#connections) {
      if (connection.reserved) return;
      if (connection.joinable && connection.active < (least?.active ?? Infinity)) least = connection;
    }
    if (least) least.reserved = true;
  }

  #busy(): SourceBusy {
    let running = 0;
    for (const connection of this.#connections) running += connection.active;
    const searches = `${running} backend search${running === 1 ? '' : 'es'} already running`;
    return new SourceBusy(this.settings.name, `${searches}, ${this.#waiting.length} waiting; try again`);
  }

  /**
   * Ends a lease. A connection given back unhealthy (broken, or a search abandoned on it half done)
   * takes no more searches and is closed once those still running on it end: they go on, or fail
   * by themselves when it is broken.
   */
  release(lease: Lease, healthy: boolean): void {
    if (lease.released) return;
    lease.released = true;
    const connection = lease.connection;
    connection.active--;
    if (lease.kept) connection.kept = false;
    if (!healthy || this.#closed || !this.#reusable(connection)) connection.retiring = true;
    if (connection.active === 0) {
      connection.reserved = false;
      if (connection.retiring) void this.#discard(connection);
    }
    if (this.#waiting.length > 0) this.#serve();
  }

  /**
   * Hands what is free to the callers waiting, in order; one that cannot be served keeps waiting
   * (one that wants a connection of its own keeps one reserved). Room to open a connection goes to
   * as many callers as there is room: each opens one.
   */
  #serve(): void {
    let room = this.settings.poolSize - this.#connections.length - this.#opening;
    for (let i = 0; i < this.#waiting.length;) {
      const waiter = this.#waiting[i]!;
      const lease = this.#lease(waiter.exclusive);
      if (lease === undefined && room <= 0) {
        if (waiter.exclusive) this.#reserveOne();
        i++;
        continue;
      }
      if (lease === undefined) room--;
      this.#waiting.splice(i, 1);
      waiter.wake(lease);
    }
  }

  /** A new bound connection, failing over through the URLs on connection errors. */
  async #connect(): Promise<PooledConnection> {
    const { connection, urlIndex } = await this.#failover.connect(
      (url) => this.#open(url),
      (error) => !(error instanceof ResultCodeError),
    );
    const { client, plain, secure } = connection;
    return new PooledConnection(client, urlIndex, plain, () => secure() ?? plain);
  }

  /** A client for one URL: connected (StartTLS if configured) and bound as the service account. */
  async open(url: string): Promise<Client> {
    return (await this.#open(url)).client;
  }

  async #open(url: string): Promise<OpenedClient> {
    let plain: Socket | undefined;
    let secure: TLSSocket | undefined;
    const client = new Client({
      url,
      timeout: this.settings.timeoutMs,
      connectTimeout: this.settings.timeoutMs,
      // ldapts speaks TLS from the first byte whenever it is given TLS options, whatever the URL
      // says: an ldap:// URL gets them only for its StartTLS.
      ...(/^ldaps:/i.test(url) ? { tlsOptions: this.tlsOptions(url) } : {}),
      strictDN: false,
      // ldapts dials as it would, but the plain socket is kept for `#reusable`.
      createConnection: ((port: number, host: string) => {
        plain = netConnect(port, host);
        // Requests are gathered into one write per turn (pooled-connection.ts): none should wait more.
        plain.setNoDelay(true);
        return plain;
      }) as typeof netConnect,
      // And the TLS socket (ldaps://, or after StartTLS), which requests are written to then.
      createSecureConnection: ((...args: Parameters<typeof tlsConnect>) => {
        secure = tlsConnect(...args);
        secure.setNoDelay(true);
        return secure;
      }) as typeof tlsConnect,
    });
    try {
      if (this.settings.startTls) {
        await startTlsWithin(client, () => plain, this.tlsOptions(url), this.settings.timeoutMs);
      }
      if (this.settings.bind) await client.bind(this.settings.bind.name, this.settings.bind.password);
      return { client, plain, secure: () => secure };
    } catch (error) {
      void client.unbind().catch(() => undefined);
      throw error;
    }
  }

  tlsOptions(url: string): ConnectionOptions {
    return backendTlsOptions(this.settings.tls, url);
  }

  /** Closes the connections no search runs on; the others close as their searches end. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.wake(undefined);
    const idle = this.#connections.filter((connection) => connection.active === 0);
    for (const connection of this.#connections) connection.retiring = true;
    await Promise.all(idle.map((connection) => this.#discard(connection)));
  }

  /** Whether a pooled connection may serve another search. */
  #reusable(connection: PooledConnection): boolean {
    const client = connection.client;
    if (!(this.settings.bind ? client.isBound : client.isConnected)) return false;
    if (connection.plainSocket?.destroyed === true) return false;
    return !this.#failover.retired(connection.urlIndex);
  }

  /** Closes a connection no search runs on any more. */
  #discard(connection: PooledConnection): Promise<void> {
    const index = this.#connections.indexOf(connection);
    if (index >= 0) this.#connections.splice(index, 1);
    return connection.client.unbind().catch(() => undefined);
  }
}
