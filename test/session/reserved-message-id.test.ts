/**
 * A request with messageID 0, which RFC 4511 4.1.1.1 reserves for unsolicited notifications, is
 * not answered as a request: the client gets a Notice of Disconnection (protocolError) and the
 * connection closes. Other connections carry on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOTICE_OF_DISCONNECTION_OID } from '../../src/protocol/notice-of-disconnection.js';
import { ResultCode } from '../../src/protocol/result-codes.js';
import { FakeDirectory, fakeServices, sessionServer, type SessionServer } from './fake-services.js';
import { ClientSocket, searchPdu, until } from './ldap-client-socket.js';

let server: SessionServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('messageID 0', () => {
  it('closes the connection with a Notice of Disconnection and never runs the request', async () => {
    const directory = new FakeDirectory();
    server = await sessionServer(fakeServices(directory));
    const other = await ClientSocket.connect(server.port);
    const client = await ClientSocket.connect(server.port);
    client.socket.write(searchPdu(0, 'ou=3'));
    await until(() => client.closed);
    expect(client.messages).toHaveLength(1);
    expect(client.messages[0]).toMatchObject({
      messageId: 0,
      response: {
        type: 'extendedResponse',
        resultCode: ResultCode.protocolError,
        responseName: NOTICE_OF_DISCONNECTION_OID,
      },
    });
    expect(directory.started).toBe(0);
    // The connection next to it is served as before.
    other.socket.write(searchPdu(1, 'ou=3'));
    await until(() => other.results().get(1) !== undefined);
    expect(other.results().get(1)).toBe(ResultCode.success);
    expect(other.closed).toBe(false);
  });

  it('ends the connection even after requests that were answered', async () => {
    const directory = new FakeDirectory();
    server = await sessionServer(fakeServices(directory));
    const client = await ClientSocket.connect(server.port);
    client.socket.write(searchPdu(1, 'ou=1'));
    await until(() => client.results().has(1));
    client.socket.write(searchPdu(0, 'ou=1'));
    await until(() => client.closed);
    expect(directory.started).toBe(1);
  });
});
