/**
 * What a Session needs around it, faked so a test sees exactly what the session does to the
 * directory: a directory whose searches yield entries of a chosen size, count how many run at once,
 * and record whether each ended and whether it was aborted. Sessions run on real loopback sockets.
 */
import net from 'node:net';
import type { AccessPolicy } from '../../src/auth/access-policy.js';
import type { Authenticator } from '../../src/auth/authenticator.js';
import type { DirectoryConfig, LimitsConfig } from '../../src/config/types.js';
import type { Directory, DirectorySearch, PreparedSearch, SearchHit } from '../../src/directory/directory.js';
import { DEFAULT_VISIBILITY } from '../../src/directory/visibility.js';
import { silentLogger } from '../../src/observability/logger.js';
import { Session } from '../../src/session/session.js';
import type { SessionServices } from '../../src/session/services.js';

export const LIMITS: LimitsConfig = {
  maxConnections: 100,
  shutdownTimeout: 10,
  idleTimeout: 900,
  requestTimeout: 30,
  writeTimeout: 30,
  maxRequestBytes: 1 << 20,
  maxQueuedBytes: 1 << 20,
  maxFilterDepth: 64,
  maxFilterNodes: 2048,
  maxFilterEvaluations: 2_000_000,
};

export const DIRECTORY_CONFIG: DirectoryConfig = {
  suffix: 'dc=test',
  sizeLimit: 100_000,
  maxPageSize: 1000,
  timeLimit: 3600,
  defaultCountry: 'DE',
};

/**
 * The base DN says what a search yields: `cn=<bytes>` one entry with a value of that many bytes,
 * `ou=<count>` that many small entries, `cn=held` one entry once `release()` is called.
 */
export class FakeDirectory {
  /** Searches started and not yet ended (their generator returned, threw or was closed). */
  running = 0;
  mostRunning = 0;
  started = 0;
  /** Entries handed to the session so far. */
  yielded = 0;
  /** Searches that ended with their signal aborted. */
  aborted = 0;
  #release: (() => void) | undefined;
  readonly #held: Promise<void> = new Promise((resolve) => (this.#release = resolve));

  release(): void {
    this.#release?.();
  }

  baseClass(): 'tree' {
    return 'tree';
  }

  prepare(search: DirectorySearch): PreparedSearch {
    return {
      access: 'tree',
      hits: (signal) => this.search(search, signal),
      hitBatches: (signal) => this.batches(search, signal),
    };
  }

  /** The same entries a run at a time, as a paged search reads them: one entry per run. */
  async *batches(search: DirectorySearch, signal: AbortSignal): AsyncGenerator<readonly SearchHit[]> {
    for await (const hit of this.search(search, signal)) yield [hit];
  }

  async *search(search: DirectorySearch, signal: AbortSignal): AsyncGenerator<SearchHit> {
    this.started++;
    this.mostRunning = Math.max(this.mostRunning, ++this.running);
    try {
      // `ou=N`: N entries of 16 bytes; `cn=B`: one entry of B bytes; `ou=N,cn=B`: N entries of B bytes.
      if (search.base === 'cn=held') await this.#held;
      const count = Number(/^ou=(\d+)/.exec(search.base)?.[1] ?? 1);
      const bytes = Number(/cn=(\d+)$/.exec(search.base)?.[1] ?? 16);
      for (let i = 0; i < count; i++) {
        this.yielded++;
        yield {
          dn: `cn=${i},${search.base}`,
          attributes: [{ type: 'description', values: ['x'.repeat(bytes)] }],
        };
      }
    } finally {
      this.running--;
      if (signal.aborted) this.aborted++;
    }
  }
}

export function fakeServices(directory: FakeDirectory, limits: Partial<LimitsConfig> = {}): SessionServices {
  const access = { read: () => ({ allowed: true, visibility: DEFAULT_VISIBILITY }) };
  return {
    directory: directory as unknown as Directory,
    authenticator: {} as unknown as Authenticator,
    access: access as unknown as AccessPolicy,
    directoryConfig: DIRECTORY_CONFIG,
    limits: { ...LIMITS, ...limits },
    logger: silentLogger(),
  };
}

export interface SessionServer {
  readonly port: number;
  /** The server side of each accepted connection, in order. */
  readonly sockets: net.Socket[];
  close(): Promise<void>;
}

/**
 * A loopback server that runs a Session for each connection. `prepare` sees the server-side socket
 * before the session does (to watch its writes).
 */
export async function sessionServer(
  services: SessionServices,
  prepare: (socket: net.Socket) => void = () => undefined,
): Promise<SessionServer> {
  const sockets: net.Socket[] = [];
  let id = 0;
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.push(socket);
    prepare(socket);
    new Session(++id, socket, services).start();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves when `socket` closes, with the milliseconds since `since`. */
export function closedAfter(socket: net.Socket, since: number): Promise<number> {
  if (socket.destroyed) return Promise.resolve(performance.now() - since);
  return new Promise((resolve) => socket.once('close', () => resolve(performance.now() - since)));
}
