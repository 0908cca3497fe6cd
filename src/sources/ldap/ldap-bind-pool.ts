/**
 * Connections for checking users' passwords, apart from the service account's search pool: at most
 * `size` at once, reused across binds (a client that re-binds 10,000 times must not cost 10,000
 * sockets), and never used for anything but binds. Each bind is sent exactly once: a connection
 * error before it is sent moves on to the next URL, but a bind that was sent and got no answer is
 * never retried elsewhere, so one failed sign-on is one failed bind at the backend (lockout
 * counters rise no faster than the user's own mistakes make them).
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';
import type { AuthVerdict } from '../source.js';
import { connectBackend } from './backend-socket.js';
import { backendTlsOptions } from './backend-tls.js';
import { refusedBind } from './bind-verdict.js';
import { startTlsWithin } from './start-tls.js';
import { UrlFailover } from './url-failover.js';
import type { LdapTlsSettings } from './ldap-settings.js';

export interface BindPoolSettings {
  readonly urls: readonly string[];
  readonly startTls: boolean;
  readonly tls: LdapTlsSettings;
  /** Most connections open at once. */
  readonly size: number;
  /** Milliseconds for connecting, for the bind's answer, and for waiting for a free connection. */
  readonly timeoutMs: number;
  /** Milliseconds after a failover before the first URL is tried again. */
  readonly healthIntervalMs: number;
  /** Milliseconds an unused connection stays open. */
  readonly idleMs: number;
}

export interface BindPoolLogger {
  warn(obj: object, msg: string): void;
}

interface Pooled {
  readonly client: Client;
  /** The socket we connected (under TLS, the plain one): see `gone`. */
  readonly socket: Socket;
  readonly urlIndex: number;
  idleSince: number;
  /** Connected by us but not yet handed to ldapts, which reports it unconnected until its first use. */
  fresh: boolean;
}

export class LdapBindPool {
  readonly #idle: Pooled[] = [];
  readonly #waiting: ((pooled: Pooled | undefined) => void)[] = [];
  #open = 0;
  #closed = false;
  readonly #failover: UrlFailover;
  readonly #sweeper: NodeJS.Timeout;

  constructor(
    private readonly settings: BindPoolSettings,
    logger?: BindPoolLogger,
  ) {
    this.#failover = new UrlFailover(settings.urls, settings.healthIntervalMs, logger, 'bind');
    this.#sweeper = setInterval(() => this.#closeIdle(), Math.max(1000, settings.idleMs / 2));
    this.#sweeper.unref();
  }

  /** Connections open now (for monitoring and tests). */
  get openConnections(): number {
    return this.#open;
  }

  /** Binds as `account` with `password` and says what the backend answered. */
  async bind(account: string, password: string): Promise<AuthVerdict> {
    let pooled: Pooled;
    try {
      pooled = await this.#acquire();
    } catch (error) {
      return unavailable(error);
    }
    const { client } = pooled;
    // Checked in the same turn as the send: ldapts would otherwise reconnect on its own, and a
    // reconnect after StartTLS would be in clear text.
    if (gone(pooled)) {
      this.#discard(pooled);
      return this.bind(account, password);
    }
    pooled.fresh = false;
    try {
      await client.bind(account, password);
      this.#release(pooled);
      return { ok: true };
    } catch (error) {
      if (error instanceof ResultCodeError) {
        this.#release(pooled);
        return refusedBind(error);
      }
      this.#discard(pooled);
      return unavailable(error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const wake of this.#waiting.splice(0)) wake(undefined);
    const idle = this.#idle.splice(0);
    this.#open -= idle.length; // busy ones are counted off when their bind ends (#release)
    await Promise.all(idle.map((p) => p.client.unbind().catch(() => undefined)));
  }

  async #acquire(): Promise<Pooled> {
    if (this.#closed) throw new Error('closed');
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#open < this.settings.size) {
      this.#open++;
      try {
        return await this.#connect();
      } catch (error) {
        this.#open--;
        this.#wakeOne();
        throw error;
      }
    }
    const pooled = await new Promise<Pooled | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiting.indexOf(wake);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(new Error(`all ${this.settings.size} bind connections stayed busy`));
      }, this.settings.timeoutMs);
      const wake = (pooled: Pooled | undefined): void => {
        clearTimeout(timer);
        resolve(pooled);
      };
      this.#waiting.push(wake);
    });
    return pooled ?? this.#acquire();
  }

  #release(pooled: Pooled): void {
    if (this.#closed || this.#failover.retired(pooled.urlIndex)) {
      this.#discard(pooled);
      return;
    }
    pooled.idleSince = Date.now();
    const waiter = this.#waiting.shift();
    if (waiter) waiter(pooled);
    else this.#idle.push(pooled);
  }

  #discard(pooled: Pooled): void {
    this.#open--;
    void pooled.client.unbind().catch(() => undefined);
    this.#wakeOne();
  }

  #wakeOne(): void {
    this.#waiting.shift()?.(undefined);
  }

  #closeIdle(): void {
    const now = Date.now();
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const pooled = this.#idle[i]!;
      if (now - pooled.idleSince >= this.settings.idleMs || gone(pooled)) {
        this.#idle.splice(i, 1);
        this.#discard(pooled);
      }
    }
  }

  /** A connected (and TLS-protected) client, from the first URL that takes a connection. */
  async #connect(): Promise<Pooled> {
    // No bind has been sent on a connection that failed to open: trying the next URL is safe.
    const { connection, urlIndex } = await this.#failover.connect(
      (url) =>
        this.#openClient(url).catch((error: unknown) => {
          throw new Error(`${url}: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }),
      () => true,
    );
    const { client, socket } = connection;
    return { client, socket, urlIndex, idleSince: Date.now(), fresh: !this.settings.startTls };
  }

  /** Connects (no bind yet), with StartTLS where configured, so no password is ever sent in clear. */
  async #openClient(url: string): Promise<{ client: Client; socket: Socket }> {
    const socket = await connectBackend(url, this.settings.tls, this.settings.timeoutMs);
    const client = new Client({
      url,
      timeout: this.settings.timeoutMs,
      connectTimeout: this.settings.timeoutMs,
      strictDN: false,
      // No tlsOptions: ldapts reads any as "connect with TLS", even to an ldap:// URL's plain port.
      // The socket is already connected (and TLS-protected for ldaps://): ldapts takes it over.
      ...(socket instanceof TLSSocket
        ? { createSecureConnection: () => socket }
        : { createConnection: () => socket }),
    });
    if (!this.settings.startTls) return { client, socket };
    try {
      await startTlsWithin(
        client,
        () => socket,
        backendTlsOptions(this.settings.tls, url),
        this.settings.timeoutMs,
      );
      return { client, socket };
    } catch (error) {
      void client.unbind().catch(() => undefined);
      throw error;
    }
  }
}

/**
 * Whether a pooled connection is closed. After StartTLS ldapts never notices the server closing it
 * (it stops watching the plain socket once the TLS one is its own) and would send the next bind into
 * the void, so the plain socket is asked too.
 */
function gone(pooled: Pooled): boolean {
  return pooled.socket.destroyed || (!pooled.fresh && !pooled.client.isConnected);
}

function unavailable(error: unknown): AuthVerdict {
  return {
    ok: false,
    code: 'unavailable',
    diagnostic: error instanceof Error ? error.message : String(error),
  };
}
