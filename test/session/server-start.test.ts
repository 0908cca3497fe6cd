/**
 * src/server.ts at start-up: listening binds the ports before the directory has loaded, connections
 * accepted meanwhile wait until open(), and a port that cannot be bound is told in plain words.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LdapServer, ListenerConfigError } from '../../src/server.js';
import { FakeDirectory, fakeServices } from './fake-services.js';
import { ClientSocket, searchPdu, until } from './ldap-client-socket.js';

let server: LdapServer | undefined;
let blocker: net.Server | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
});

describe('LdapServer before open()', () => {
  it('holds the connections it accepts, unanswered, and serves them once opened', async () => {
    server = new LdapServer(fakeServices(new FakeDirectory()));
    const [address] = await server.listen([{ url: 'ldap://127.0.0.1:0' }]);
    const client = await ClientSocket.connect(address!.port);
    client.socket.write(searchPdu(1, 'ou=2'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.messages).toHaveLength(0);
    expect(server.connectionCount).toBe(1);
    server.open();
    await until(() => client.results().get(1) === 0);
    expect(client.messages).toHaveLength(3);
  });

  it('closes the connections that waited when it closes without having opened', async () => {
    server = new LdapServer(fakeServices(new FakeDirectory()));
    const [address] = await server.listen([{ url: 'ldap://127.0.0.1:0' }]);
    const client = await ClientSocket.connect(address!.port);
    await until(() => server!.connectionCount === 1);
    await server.close();
    await until(() => client.closed);
  });

  it('says a port is in use in plain words, naming the listener', async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    server = new LdapServer(fakeServices(new FakeDirectory()));
    const failure = await server
      .listen([{ url: `ldap://127.0.0.1:${port}` }])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ListenerConfigError);
    expect((failure as Error).message).toBe(
      `listen[0].url: port ${port} on 127.0.0.1 is already in use by another program`,
    );
  });
});
