/**
 * Accepts connections on the configured listeners and runs a session for each, within
 * `limits.maxConnections`: a connection beyond it is told the server is busy and closed.
 */
import net from 'node:net';
import type { ListenerConfig } from './config/types.js';
import { noticeOfDisconnection } from './protocol/notice-of-disconnection.js';
import { ResultCode } from './protocol/result-codes.js';
import { Session } from './session/session.js';
import type { SessionServices } from './session/services.js';

export interface ListeningAddress {
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

export class ListenerConfigError extends Error {
  override name = 'ListenerConfigError';
}

export class LdapServer {
  readonly #servers: net.Server[] = [];
  readonly #sessions = new Set<Session>();
  #nextId = 1;

  constructor(private readonly services: SessionServices) {}

  get connectionCount(): number {
    return this.#sessions.size;
  }

  async listen(listeners: readonly ListenerConfig[]): Promise<ListeningAddress[]> {
    const addresses: ListeningAddress[] = [];
    for (const [index, listener] of listeners.entries()) {
      addresses.push(await this.#listenOne(listener, `listen[${index}]`));
    }
    return addresses;
  }

  async #listenOne(listener: ListenerConfig, where: string): Promise<ListeningAddress> {
    const { host, port } = parseListenUrl(listener.url, where);
    const server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(new ListenerConfigError(`${where}: cannot listen on ${listener.url}: ${error.message}`)),
      );
      server.listen({ host, port }, resolve);
    });
    server.on('error', (error) =>
      this.services.logger.error({ err: error, url: listener.url }, 'listener error'),
    );
    this.#servers.push(server);
    const bound = server.address() as net.AddressInfo;
    return {
      url: `ldap://${formatHost(bound.address)}:${bound.port}`,
      host: bound.address,
      port: bound.port,
    };
  }

  #accept(socket: net.Socket): void {
    if (this.#sessions.size >= this.services.limits.maxConnections) {
      socket.on('error', () => undefined);
      socket.end(noticeOfDisconnection(ResultCode.busy, 'too many connections'));
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    const session = new Session(this.#nextId++, socket, this.services);
    this.#sessions.add(session);
    socket.on('close', () => this.#sessions.delete(session));
    session.start();
  }

  async close(): Promise<void> {
    const closed = this.#servers.map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    for (const session of this.#sessions) session.shutdown();
    await Promise.all(closed);
  }
}

function parseListenUrl(text: string, where: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ListenerConfigError(`${where}.url: "${text}" is not a URL`);
  }
  if (url.protocol !== 'ldap:') {
    throw new ListenerConfigError(
      `${where}.url: ${url.protocol}// listeners need TLS, which comes with TLS support`,
    );
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 389 : Number(url.port) };
}

function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
