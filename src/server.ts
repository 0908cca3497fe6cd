/**
 * Accepts connections on the configured listeners and runs a session for each, within
 * `limits.maxConnections`: a connection beyond it is told the server is busy and closed. On an
 * `ldaps://` listener the session starts once the TLS handshake is done; a client that does not
 * finish it in time is dropped. Plain listeners offer StartTLS when `tls` is configured.
 *
 * Listening and serving are two steps: `listen` binds the ports while the directory still loads, so a
 * port in use stops start-up before any source is contacted and no other program can take the port
 * meanwhile; connections accepted before `open` wait, unread, as they would in the kernel's backlog.
 */
import net from 'node:net';
import { AddressList } from './access/address-list.js';
import type { ListenerConfig } from './config/types.js';
import { ConnectionCounters, type ListenerCountCells } from './observability/connection-counters.js';
import { noticeOfDisconnection } from './protocol/notice-of-disconnection.js';
import type { ProxiedClient } from './protocol/proxy-header.js';
import { readProxyHeader } from './protocol/proxy-header-reader.js';
import { ResultCode } from './protocol/result-codes.js';
import { handshakeTimeoutMs, serverHandshake, type ServerTls } from './protocol/tls-context.js';
import { Session } from './session/session.js';
import { currentServices, type CurrentServices } from './session/current-services.js';
import type { SessionServices } from './session/services.js';
import type { SessionTransport } from './session/start-tls.js';

export interface ListeningAddress {
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

export class ListenerConfigError extends Error {
  override name = 'ListenerConfigError';
}

/**
 * Connections counted against `limits.maxConnections`: this server's alone, or those of every
 * listener thread serving the same ports (threads/shared-connection-tally.ts).
 */
export interface ConnectionTally {
  /** This server's connections went up or down by `delta`. */
  add(delta: number): void;
  /** Connections counted now, this server's included. */
  readonly count: number;
}

/** What else a server is built with: what counts its connections (one tally across listener threads). */
export interface LdapServerOptions {
  readonly tally?: ConnectionTally;
  /** Where listener threads count each listener's connections together (cn=Monitor, metrics). */
  readonly listenerCounts?: ListenerCountCells;
}

export class LdapServer {
  /** Per-listener connection counts, for cn=Monitor. */
  readonly connections: ConnectionCounters;
  readonly #servers: net.Server[] = [];
  readonly #sessions = new Set<Session>();
  /**
   * Connections still in their TLS handshake or their PROXY header: they count against
   * `maxConnections` too.
   */
  readonly #handshaking = new Set<net.Socket>();
  /** Connections accepted before `open`, and how their sessions will run. */
  readonly #waiting = new Map<net.Socket, SessionTransport>();
  #serving = false;
  #nextId = 1;
  #closed = false;
  readonly #services: CurrentServices;
  readonly #tally: ConnectionTally | undefined;
  /** This server's connections as last told to the tally. */
  #tallied = 0;

  constructor(
    /** A swappable set when the server reloads its config (src/session/current-services.ts). */
    services: SessionServices | CurrentServices,
    /** The certificate for LDAPS and StartTLS; undefined when no `tls` is configured. */
    private readonly tls?: ServerTls,
    options: LdapServerOptions = {},
  ) {
    this.#services = currentServices(services);
    this.#tally = options.tally;
    this.connections = new ConnectionCounters(options.listenerCounts);
  }

  /** Tells the shared tally (if any) how many connections this server holds now. */
  #counted(): void {
    if (!this.#tally) return;
    const now = this.connectionCount;
    this.#tally.add(now - this.#tallied);
    this.#tallied = now;
  }

  get connectionCount(): number {
    return this.#sessions.size + this.#handshaking.size + this.#waiting.size;
  }

  /** Starts serving: the connections that waited first, then every new one at once. */
  open(): void {
    if (this.#closed) return;
    this.#serving = true;
    for (const [socket, transport] of this.#waiting) this.#startSession(socket, transport);
    this.#waiting.clear();
    this.#counted();
  }

  /**
   * Binds each listener's port; with `fds` (a listener thread), accepts on the sockets another
   * thread bound instead, listener i on fds[i]: every thread's event loop accepts from the one
   * socket and the kernel hands each connection to one of them.
   */
  async listen(listeners: readonly ListenerConfig[], fds?: readonly number[]): Promise<ListeningAddress[]> {
    const addresses: ListeningAddress[] = [];
    for (const [index, listener] of listeners.entries()) {
      addresses.push(await this.#listenOne(listener, index, fds?.[index]));
    }
    return addresses;
  }

  /**
   * The listening sockets' file descriptors, listener by listener, for listener threads (`listen`'s
   * `fds`). Node has no public way to share a listening socket with a worker thread (no `reusePort`
   * on Node 20, and a socket cannot be posted), so this reads the handle's descriptor.
   */
  listeningFds(): number[] {
    return this.#servers.map((server, index) => {
      const fd = (server as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
      if (typeof fd !== 'number' || fd < 0)
        throw new Error(`listen[${index}]: its socket has no file descriptor to share with listener threads`);
      return fd;
    });
  }

  async #listenOne(listener: ListenerConfig, index: number, fd?: number): Promise<ListeningAddress> {
    const where = `listen[${index}]`;
    const { host, port, secure } = parseListenUrl(listener.url, where, this.tls !== undefined);
    const balancers = listener.proxyProtocol && new AddressList(listener.proxyProtocol.from);
    const accept = (socket: net.Socket, client?: ProxiedClient): void =>
      secure ? this.#acceptTls(socket, index, client) : this.#accept(socket, index, client);
    const server = net.createServer({ noDelay: true }, (socket) =>
      balancers ? this.#acceptProxied(socket, balancers, accept) : accept(socket),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new ListenerConfigError(`${where}.url: ${listenProblem(error, host, port)}`, { cause: error }),
        ),
      );
      server.listen(fd === undefined ? { host, port } : { fd }, resolve);
    });
    server.on('error', (error) =>
      this.#services.current.logger.error({ err: error, url: listener.url }, 'listener error'),
    );
    this.#servers.push(server);
    const bound = server.address() as net.AddressInfo;
    const url = `${secure ? 'ldaps' : 'ldap'}://${formatHost(bound.address)}:${bound.port}`;
    server.on('connection', this.connections.listener(url));
    return { url, host: bound.address, port: bound.port };
  }

  get #full(): boolean {
    const count = this.#tally ? this.#tally.count : this.connectionCount;
    return count >= this.#services.current.limits.maxConnections;
  }

  #accept(socket: net.Socket, listener: number, client?: ProxiedClient): void {
    if (this.#full) {
      socket.on('error', () => undefined);
      socket.end(noticeOfDisconnection(ResultCode.busy, 'too many connections'));
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    this.#startSession(socket, { secure: false, tls: this.tls, listener, ...(client ? { client } : {}) });
  }

  /**
   * A connection through a balancer: only from the balancers listed, and only once its PROXY header
   * (within the handshake's time limit) has named the client it relays.
   */
  #acceptProxied(
    socket: net.Socket,
    balancers: AddressList,
    accept: (socket: net.Socket, client?: ProxiedClient) => void,
  ): void {
    socket.on('error', () => undefined);
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    if (!balancers.has(socket.remoteAddress ?? '')) {
      this.#services.current.logger.warn(
        { peer },
        'connection refused: not from a balancer in proxyProtocol.from',
      );
      socket.destroy();
      return;
    }
    this.#handshaking.add(socket);
    this.#counted();
    readProxyHeader(socket, handshakeTimeoutMs(this.#services.current.limits.idleTimeout)).then(
      (client) => {
        this.#handshaking.delete(socket);
        this.#counted();
        if (this.#closed) socket.destroy();
        else accept(socket, client);
      },
      (error: unknown) => {
        this.#handshaking.delete(socket);
        this.#counted();
        socket.destroy();
        const reason = error instanceof Error ? error.message : String(error);
        this.#services.current.logger.info({ peer, err: reason }, 'PROXY header refused');
      },
    );
  }

  /** An LDAPS connection: TLS first, within a time limit, then a session that is secure throughout. */
  #acceptTls(raw: net.Socket, listener: number, client?: ProxiedClient): void {
    // Errors of the plain socket surface on the TLS socket, which the handshake and session log.
    raw.on('error', () => undefined);
    const tls = this.tls;
    // A client on this port expects a TLS handshake: a busy notice in clear would mean nothing to it.
    if (this.#full || !tls) {
      raw.destroy();
      return;
    }
    const peer = client
      ? `${client.address}:${client.port}`
      : `${raw.remoteAddress ?? '?'}:${raw.remotePort ?? 0}`;
    const handshake = serverHandshake(
      raw,
      tls,
      handshakeTimeoutMs(this.#services.current.limits.idleTimeout),
    );
    this.#handshaking.add(raw);
    this.#counted();
    handshake.done.then(
      () => {
        this.#handshaking.delete(raw);
        this.#counted();
        if (this.#closed) handshake.socket.destroy();
        else
          this.#startSession(handshake.socket, {
            secure: true,
            tls,
            listener,
            ...(client ? { client } : {}),
          });
      },
      (error: unknown) => {
        this.#handshaking.delete(raw);
        this.#counted();
        const reason = error instanceof Error ? error.message : String(error);
        this.#services.current.logger.info({ peer, err: reason }, 'LDAPS handshake failed');
      },
    );
  }

  #startSession(socket: net.Socket, transport: SessionTransport): void {
    if (!this.#serving) {
      this.#wait(socket, transport);
      return;
    }
    const session = new Session(this.#nextId++, socket, this.#services, transport);
    this.#sessions.add(session);
    this.#counted();
    socket.on('close', () => {
      this.#sessions.delete(session);
      this.#counted();
    });
    session.start();
    // Left paused by the PROXY header's reader, with what followed the header put back.
    if (socket.isPaused()) socket.resume();
  }

  #wait(socket: net.Socket, transport: SessionTransport): void {
    this.#waiting.set(socket, transport);
    this.#counted();
    socket.on('error', () => undefined);
    socket.once('close', () => {
      this.#waiting.delete(socket);
      this.#counted();
    });
  }

  /**
   * Stops listening at once; with `drainMs`, lets the operations under way finish for up to that
   * long (each connection is closed as soon as it has none), then closes what is left.
   */
  async close(drainMs = 0): Promise<void> {
    this.#closed = true;
    for (const socket of this.#waiting.keys()) socket.destroy();
    this.#waiting.clear();
    const closed = this.#servers.map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    for (const socket of this.#handshaking) socket.destroy();
    if (drainMs > 0)
      await within(Promise.all([...this.#sessions].map((session) => session.drain())), drainMs);
    for (const session of this.#sessions) session.shutdown();
    await Promise.all(closed);
  }
}

function parseListenUrl(
  text: string,
  where: string,
  tlsConfigured: boolean,
): { host: string; port: number; secure: boolean } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ListenerConfigError(`${where}.url: "${text}" is not a URL`);
  }
  const secure = url.protocol === 'ldaps:';
  if (!secure && url.protocol !== 'ldap:') {
    throw new ListenerConfigError(`${where}.url: "${text}" is neither ldap:// nor ldaps://`);
  }
  // The config loader already refuses this; a caller that builds its own config gets the same words.
  if (secure && !tlsConfigured) {
    throw new ListenerConfigError(
      `${where}.url: an ldaps:// listener needs the \`tls\` section (cert and key)`,
    );
  }
  const defaultPort = secure ? 636 : 389;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? defaultPort : Number(url.port),
    secure,
  };
}

/** Why a listener could not open, in plain words rather than Node's `listen EADDRINUSE: ...`. */
function listenProblem(error: Error, host: string, port: number): string {
  const code = 'code' in error ? String(error.code) : undefined;
  const where = `port ${port} on ${formatHost(host)}`;
  switch (code) {
    case 'EADDRINUSE':
      return `${where} is already in use by another program`;
    case 'EACCES':
      return `${where} needs privileges dirbridge does not have (ports below 1024 need root or CAP_NET_BIND_SERVICE)`;
    case 'EADDRNOTAVAIL':
      return `${formatHost(host)} is not an address of this machine`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${host} cannot be resolved`;
    default:
      return `cannot listen on ${where} (${code === undefined ? error.message : `error ${code}`})`;
  }
}

function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** `work`, or the end of `ms`, whichever comes first. */
function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([work.then(() => undefined), deadline]).finally(() => clearTimeout(timer));
}
