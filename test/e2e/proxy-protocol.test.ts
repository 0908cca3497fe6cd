/**
 * Listeners behind a TCP balancer that speaks the PROXY protocol (`listen[].proxyProtocol`), end to
 * end against a real dirbridge process: the client a header names is the connection's client for
 * trust (a password in clear from a loopback client is taken, from another client refused), for
 * the log, and through a real HAProxy (`send-proxy-v2`) on plain LDAP and LDAPS alike; a connection
 * without a header, or from an address that is not a listed balancer, is closed.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaproxy, type Haproxy } from '../../scripts/test-backends/haproxy.js';
import { ensureTestCa } from '../../scripts/test-backends/test-ca.js';
import { ResultCode } from '../../src/protocol/result-codes.js';
import { demoConfig, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { eventually } from './support/eventually.js';
import { responses, resultCodeOf, simpleBindPdu } from './support/ldap-wire.js';
import { processLogPath } from './support/process-logs.js';
import { connectRaw, type RawConnection } from './support/raw-socket.js';
import { scryptHash } from './support/scrypt-hash.js';
import { registerTestSecret } from './support/test-secrets.js';

const PASSWORD = registerTestSecret('Pbx#Proxied-Bind-7314');
const TOKEN = registerTestSecret('proxy-protocol-admin-token-5521');
const TOKEN_VARIABLE = 'DIRBRIDGE_E2E_PROXY_TOKEN';
const ca = ensureTestCa();

let server: DirbridgeProcess;
let haproxy: Haproxy;
let haproxyTls: Haproxy;

beforeAll(async () => {
  process.env[TOKEN_VARIABLE] = TOKEN;
  server = await startDirbridge({
    config: demoConfig({
      listen: [
        { url: 'ldap://127.0.0.1:0', proxyProtocol: { from: ['127.0.0.1'] } },
        { url: 'ldaps://127.0.0.1:0', proxyProtocol: { from: ['127.0.0.0/8'] } },
        // Balancers elsewhere only: a loopback connection here is nobody's balancer.
        { url: 'ldap://127.0.0.1:0', proxyProtocol: { from: ['192.0.2.0/24'] } },
      ],
      tls: { cert: ca.serverCert, key: ca.serverKey },
      access: { anonymous: true, accounts: [{ name: 'pbx', passwordHash: scryptHash(PASSWORD) }] },
      admin: { listen: 'http://127.0.0.1:0', token: `\${env:${TOKEN_VARIABLE}}` },
    }),
    logName: 'proxy-protocol',
  });
  const adminPort = Number(new URL(/metrics and health on (http:\/\/\S+)/.exec(server.output())![1]!).port);
  const balanced = (url: string): { name: string; ldapPort: number; adminPort: number } => ({
    name: 'only',
    ldapPort: Number(new URL(url).port),
    adminPort,
  });
  const common = { adminToken: TOKEN, sendProxy: true };
  haproxy = await startHaproxy({
    ...common,
    name: 'proxy-plain',
    servers: [balanced(server.urls[0]!)],
    log: processLogPath('haproxy-proxy-plain'),
  });
  haproxyTls = await startHaproxy({
    ...common,
    name: 'proxy-tls',
    servers: [balanced(server.urls[1]!)],
    log: processLogPath('haproxy-proxy-tls'),
  });
  for (const balancer of [haproxy, haproxyTls])
    await balancer.until('only', (state) => state.status === 'UP' && state.checkStatus === 'L7OK');
});

afterAll(async () => {
  await (haproxy as Haproxy | undefined)?.stop();
  await (haproxyTls as Haproxy | undefined)?.stop();
  await (server as DirbridgeProcess | undefined)?.stop();
  delete process.env.DIRBRIDGE_E2E_PROXY_TOKEN;
});

/** Sends `bytes` on a raw connection to `port` and waits for the answer to message 1, or the close. */
async function exchange(port: number, bytes: Buffer): Promise<RawConnection> {
  const connection = await connectRaw(port);
  connection.socket.write(bytes);
  await eventually(
    () => resultCodeOf(responses(connection.received()), 1) !== undefined || connection.socket.destroyed,
    'an answer or the end of the connection',
  );
  return connection;
}

function bindAs(port: number, header: string): Promise<RawConnection> {
  return exchange(port, Buffer.concat([Buffer.from(header, 'latin1'), simpleBindPdu(1, 'pbx', PASSWORD)]));
}

describe('a listener that takes PROXY headers', () => {
  it('treats the client a v1 header names as the client: a password in clear is trusted from loopback only', async () => {
    const port = Number(new URL(server.urls[0]!).port);
    const fromElsewhere = await bindAs(port, 'PROXY TCP4 192.0.2.7 127.0.0.1 50123 1389\r\n');
    expect(resultCodeOf(responses(fromElsewhere.received()), 1)).toBe(ResultCode.strongerAuthRequired);
    fromElsewhere.socket.destroy();
    const fromLoopback = await bindAs(port, 'PROXY TCP4 127.0.0.1 127.0.0.1 50124 1389\r\n');
    expect(resultCodeOf(responses(fromLoopback.received()), 1)).toBe(ResultCode.success);
    fromLoopback.socket.destroy();
    // The log names the relayed clients, not the balancer's connection.
    await eventually(
      () => server.output().includes('"peer":"192.0.2.7:50123"'),
      'the relayed client in the log',
    );
    expect(server.output()).toContain('"peer":"127.0.0.1:50124"');
  });

  it('closes a connection that does not start with a header, without answering it', async () => {
    const port = Number(new URL(server.urls[0]!).port);
    const connection = await exchange(port, simpleBindPdu(1, 'pbx', PASSWORD));
    await connection.closed(30_000);
    expect(connection.received()).toHaveLength(0);
    await eventually(() => server.output().includes('PROXY header refused'), 'the refusal in the log');
  });

  it('closes a connection from an address that is not a listed balancer, header or not', async () => {
    const port = Number(new URL(server.urls[2]!).port);
    const connection = await bindAs(port, 'PROXY TCP4 127.0.0.1 127.0.0.1 50125 1389\r\n');
    await connection.closed(30_000);
    expect(connection.received()).toHaveLength(0);
    expect(server.output()).toContain('not from a balancer in proxyProtocol.from');
  });

  it('serves clients through HAProxy with send-proxy-v2, naming each client by its own port', async () => {
    const connection = await exchange(haproxy.port, simpleBindPdu(1, 'pbx', PASSWORD));
    expect(resultCodeOf(responses(connection.received()), 1)).toBe(ResultCode.success);
    const clientPort = connection.socket.localPort!;
    connection.socket.destroy();
    await eventually(
      () => server.output().includes(`"peer":"127.0.0.1:${clientPort}"`),
      'the client behind HAProxy in the log',
    );
  });

  it('does TLS after the header on an LDAPS listener behind HAProxy', async () => {
    const client = new Client({
      url: `ldaps://localhost:${haproxyTls.port}`,
      tlsOptions: { ca: readFileSync(ca.caCert) },
    });
    try {
      await client.bind('pbx', PASSWORD);
      const { searchEntries } = await client.search('dc=dirbridge,dc=local', {
        filter: '(objectClass=person)',
        attributes: ['cn'],
      });
      expect(searchEntries.length).toBeGreaterThan(100);
    } finally {
      await client.unbind();
    }
  });
});
