/**
 * Bound service-account connections to the backend: at most `poolSize` at once, opened on demand
 * and reused. URLs are tried in order; a connection error moves on to the next one, and after
 * `healthInterval` the first is tried again. An LDAP error (a refused bind, say) is not a reason to
 * fail over: the next server would answer the same.
 */
import type { ConnectionOptions } from 'node:tls';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { Client, ResultCodeError } from 'ldapts';
import type { LdapSourceSettings } from './ldap-settings.js';

export interface ConnectionLogger {
  warn(obj: object, msg: string): void;
}

export class LdapConnections {
  readonly #idle: Client[] = [];
  readonly #waiting: ((client: Client | undefined) => void)[] = [];
  #open = 0;
  #closed = false;
  /** Index of the URL new connections go to first, and since when it is not the first. */
  #current = 0;
  #failedOverAt = 0;
  /** Each client's plain socket: after StartTLS, ldapts never notices the server closing it. */
  readonly #plainSockets = new WeakMap<Client, Socket>();

  constructor(
    private readonly settings: LdapSourceSettings,
    private readonly logger?: ConnectionLogger,
  ) {}

  /** A bound connection; give it back with `release`. */
  async acquire(signal?: AbortSignal): Promise<Client> {
    signal?.throwIfAborted();
    if (this.#closed) throw new Error('closed');
    const idle = this.#idle.pop();
    if (idle) {
      if (this.#usable(idle)) return idle;
      // Closed by the server while idle (a restart, an idle limit): ldapts would reconnect on its
      // own, without StartTLS or the service bind, and search anonymously. A new one is opened.
      this.#open--;
      void idle.unbind().catch(() => undefined);
      return this.acquire(signal);
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
    if (!healthy || this.#closed) {
      this.#open--;
      void client.unbind().catch(() => undefined);
      this.#wakeOne();
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(client);
    else this.#idle.push(client);
  }

  /** A new bound connection, failing over through the URLs on connection errors. */
  async connect(): Promise<Client> {
    const { urls } = this.settings;
    if (this.#current > 0 && Date.now() - this.#failedOverAt >= this.settings.healthIntervalMs) {
      this.#current = 0; // time to see whether the first server is back
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < urls.length; attempt++) {
      const index = (this.#current + attempt) % urls.length;
      const url = urls[index]!;
      try {
        const client = await this.open(url);
        if (index !== this.#current) {
          this.logger?.warn({ url, failed: urls[this.#current] }, `failed over to ${url}`);
          this.#current = index;
          this.#failedOverAt = Date.now();
        }
        return client;
      } catch (error) {
        if (error instanceof ResultCodeError) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  /** A client for one URL: connected (StartTLS if configured) and bound as the service account. */
  async open(url: string): Promise<Client> {
    let plain: Socket | undefined;
    const client = new Client({
      url,
      timeout: this.settings.timeoutMs,
      connectTimeout: this.settings.timeoutMs,
      // Only for ldaps://: ldapts reads any tlsOptions as "connect with TLS", even to a plain port,
      // where StartTLS (below) is what protects the connection.
      ...(/^ldaps:/i.test(url) ? { tlsOptions: this.tlsOptions(url) } : {}),
      strictDN: false,
      // ldapts dials as it would, but the plain socket is kept for `#usable`.
      createConnection: ((port: number, host: string) =>
        (plain = netConnect(port, host))) as typeof netConnect,
    });
    try {
      if (this.settings.startTls) await client.startTLS(this.tlsOptions(url));
      if (this.settings.bind) await client.bind(this.settings.bind.name, this.settings.bind.password);
      if (plain) this.#plainSockets.set(client, plain);
      return client;
    } catch (error) {
      void client.unbind().catch(() => undefined);
      throw error;
    }
  }

  /** Whether a pooled client's connection is still open. */
  #usable(client: Client): boolean {
    return client.isConnected && this.#plainSockets.get(client)?.destroyed !== true;
  }

  tlsOptions(url: string): ConnectionOptions {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return {
      ...(this.settings.tls.ca === undefined ? {} : { ca: this.settings.tls.ca }),
      rejectUnauthorized: this.settings.tls.rejectUnauthorized,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      minVersion: 'TLSv1.2',
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const idle = this.#idle.splice(0);
    for (const wake of this.#waiting.splice(0)) wake(undefined);
    await Promise.all(idle.map((client) => client.unbind().catch(() => undefined)));
  }

  #wakeOne(): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(undefined);
  }
}
