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
 */
import type { ConnectionOptions } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';
import { Client, ResultCodeError } from 'ldapts';
import { backendTlsOptions } from './backend-tls.js';
import type { LdapSourceSettings } from './ldap-settings.js';
import { startTlsWithin } from './start-tls.js';
import { UrlFailover, type FailoverLogger } from './url-failover.js';

export type ConnectionLogger = FailoverLogger;

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

  /** A bound connection; give it back with `release`. */
  async acquire(signal?: AbortSignal): Promise<Client> {
    signal?.throwIfAborted();
    if (this.#closed) throw new Error('closed');
    for (let idle = this.#idle.pop(); idle; idle = this.#idle.pop()) {
      if (this.#reusable(idle)) return idle;
      this.#discard(idle);
    }
    if (this.#open < this.settings.poolSize) {
      this.#open++;
      try {
        return await this.connect();
      } catch (error) {
        this.#open--;
        this.#wakeOne();
        throw error;
      }
    }
    const client = await new Promise<Client | undefined>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(wake);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason as Error);
      };
      const wake = (client: Client | undefined): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(client);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(wake);
    });
    return client ?? this.acquire(signal);
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
