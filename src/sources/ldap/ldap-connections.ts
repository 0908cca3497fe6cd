/**
 * Bound service-account connections to the backend: at most `poolSize` at once, opened on demand
 * and reused. URLs are tried in order; a connection error moves on to the next one, and after
 * `healthInterval` the first is tried again. An LDAP error (a refused bind, say) is not a reason to
 * fail over: the next server would answer the same.
 *
 * Pooled connections would otherwise keep a failed-over pool on the later server for good: one
 * opened to a later URL is retired (closed instead of reused) once `healthInterval` has passed
 * since the failover, or as soon as new connections go elsewhere, so the next one tries the first
 * URL again. A pooled connection the server has dropped is not reused either: ldapts would
 * reconnect it by itself on the next search, unbound (AD drops idle connections after 900 s).
 *
 * A caller that finds every connection taken waits in a bounded queue, for at most the source's
 * `timeout` or until its signal aborts (its search's time limit); a full queue or a wait that runs
 * out is SourceBusy, so a slow backend costs its own clients a quick "busy", not everyone's memory
 * and sockets. How long each request may take once sent is ldapts' `timeout`, per message: a bind,
 * one page of a paged search.
 */
import type { ConnectionOptions } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';
import { Client, ResultCodeError } from 'ldapts';
import { SourceBusy } from '../source.js';
import { backendTlsOptions } from './backend-tls.js';
import type { LdapSourceSettings } from './ldap-settings.js';
import { startTlsWithin } from './start-tls.js';
import { UrlFailover, type FailoverLogger } from './url-failover.js';

export type ConnectionLogger = FailoverLogger;

/**
 * Callers that may wait for a connection, per pooled connection. Enough to ride out a burst (every
 * phone that rings looks the caller up at once: 32 phones asking together over the default 4
 * connections all wait their turn, where 4 per connection answered 12 of them busy); a backend
 * that answers a search in half a millisecond serves a full queue in about 10 ms. Beyond it a
 * caller is answered busy at once. A wait costs a timer and a closure and never outlasts `timeout`,
 * so on a backend that stops answering a longer queue only means more callers answered busy then.
 */
export const WAITERS_PER_CONNECTION = 16;

export class LdapConnections {
  readonly #idle: Client[] = [];
  readonly #waiting: ((client: Client | undefined) => void)[] = [];
  #open = 0;
  #closed = false;
  readonly #failover: UrlFailover;
  /** The index of the URL each open connection went to. */
  readonly #urlIndex = new WeakMap<Client, number>();
  /** Each client's plain socket: after StartTLS, ldapts never notices the server closing it. */
  readonly #plainSockets = new WeakMap<Client, Socket>();

  constructor(
    private readonly settings: LdapSourceSettings,
    logger?: ConnectionLogger,
  ) {
    this.#failover = new UrlFailover(settings.urls, settings.healthIntervalMs, logger);
  }

  /**
   * A bound connection; give it back with `release`. Throws SourceBusy when every connection is
   * taken and the queue is full, or the wait outlasts `timeout` or `signal`.
   */
  async acquire(signal?: AbortSignal): Promise<Client> {
    const deadline = Date.now() + this.settings.timeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      if (this.#closed) throw new Error('closed');
      const idle = this.#takeIdle();
      if (idle) return idle;
      if (this.#open < this.settings.poolSize) return this.#openOne();
      // Woken without a connection: one was closed, so there is room to open another.
      const client = await this.#wait(deadline, signal);
      if (client) return client;
    }
  }

  /** How many callers may wait for a connection (WAITERS_PER_CONNECTION). */
  get queueLimit(): number {
    return this.settings.poolSize * WAITERS_PER_CONNECTION;
  }

  #takeIdle(): Client | undefined {
    for (let idle = this.#idle.pop(); idle; idle = this.#idle.pop()) {
      if (this.#reusable(idle)) return idle;
      this.#discard(idle);
    }
    return undefined;
  }

  async #openOne(): Promise<Client> {
    this.#open++;
    try {
      return await this.connect();
    } catch (error) {
      this.#open--;
      this.#wakeOne();
      throw error;
    }
  }

  /** Waits in the queue for a connection given back (or room to open one) until `deadline` or `signal`. */
  #wait(deadline: number, signal: AbortSignal | undefined): Promise<Client | undefined> {
    if (this.#waiting.length >= this.queueLimit) return Promise.reject(this.#busy());
    return new Promise<Client | undefined>((resolve, reject) => {
      const giveUp = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        const busy = this.#busy();
        this.#waiting.splice(this.#waiting.indexOf(wake), 1);
        reject(busy);
      };
      const wake = (client: Client | undefined): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve(client);
      };
      const timer = setTimeout(giveUp, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', giveUp, { once: true });
      this.#waiting.push(wake);
    });
  }

  #busy(): SourceBusy {
    const running = `${this.#open} backend search${this.#open === 1 ? '' : 'es'} already running`;
    return new SourceBusy(this.settings.name, `${running}, ${this.#waiting.length} waiting; try again`);
  }

  /** Returns a connection; a broken one (or one a search was abandoned on) is closed instead. */
  release(client: Client, healthy: boolean): void {
    if (!healthy || this.#closed || !this.#reusable(client)) {
      this.#discard(client);
      this.#wakeOne();
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(client);
    else this.#idle.push(client);
  }

  /** A new bound connection, failing over through the URLs on connection errors. */
  async connect(): Promise<Client> {
    const { connection, urlIndex } = await this.#failover.connect(
      (url) => this.open(url),
      (error) => !(error instanceof ResultCodeError),
    );
    this.#urlIndex.set(connection, urlIndex);
    return connection;
  }

  /** A client for one URL: connected (StartTLS if configured) and bound as the service account. */
  async open(url: string): Promise<Client> {
    let plain: Socket | undefined;
    const client = new Client({
      url,
      timeout: this.settings.timeoutMs,
      connectTimeout: this.settings.timeoutMs,
      // ldapts speaks TLS from the first byte whenever it is given TLS options, whatever the URL
      // says: an ldap:// URL gets them only for its StartTLS.
      ...(/^ldaps:/i.test(url) ? { tlsOptions: this.tlsOptions(url) } : {}),
      strictDN: false,
      // ldapts dials as it would, but the plain socket is kept for `#reusable`.
      createConnection: ((port: number, host: string) =>
        (plain = netConnect(port, host))) as typeof netConnect,
    });
    try {
      if (this.settings.startTls) {
        await startTlsWithin(client, () => plain, this.tlsOptions(url), this.settings.timeoutMs);
      }
      if (this.settings.bind) await client.bind(this.settings.bind.name, this.settings.bind.password);
      if (plain) this.#plainSockets.set(client, plain);
      return client;
    } catch (error) {
      void client.unbind().catch(() => undefined);
      throw error;
    }
  }

  tlsOptions(url: string): ConnectionOptions {
    return backendTlsOptions(this.settings.tls, url);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const idle = this.#idle.splice(0);
    for (const wake of this.#waiting.splice(0)) wake(undefined);
    await Promise.all(idle.map((client) => client.unbind().catch(() => undefined)));
  }

  /** Whether a pooled connection may serve another search. */
  #reusable(client: Client): boolean {
    if (!(this.settings.bind ? client.isBound : client.isConnected)) return false;
    if (this.#plainSockets.get(client)?.destroyed === true) return false;
    return !this.#failover.retired(this.#urlIndex.get(client) ?? 0);
  }

  #discard(client: Client): void {
    this.#open--;
    void client.unbind().catch(() => undefined);
  }

  #wakeOne(): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(undefined);
  }
}
