/**
 * An operation's log line is built once its answer is handed to the socket, not before: the line
 * costs a live lookup's client ~12 µs of waiting otherwise (issue 16), and a graceful stop still
 * waits for it.
 */
import type net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDirectory, fakeServices, sessionServer, type SessionServer } from './fake-services.js';
import { ClientSocket, searchPdu, until } from './ldap-client-socket.js';

let server: SessionServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the operation log line', () => {
  it('is written after the answer it reports has been handed to the socket', async () => {
    const events: string[] = [];
    const logger = pino({ level: 'info' }, { write: () => void events.push('log') });
    const directory = new FakeDirectory();
    directory.release();
    const services = { ...fakeServices(directory), logger };
    server = await sessionServer(services, (socket: net.Socket) => {
      const write = socket.write.bind(socket);
      socket.write = (chunk: Uint8Array, ...rest: never[]) => {
        events.push('answer');
        return write(chunk, ...rest);
      };
    });
    const client = await ClientSocket.connect(server.port);
    client.socket.write(searchPdu(1, 'cn=1'));
    await until(() => client.results().has(1) && events.includes('log'));
    expect(events).toEqual(['answer', 'log']);
  });
});
