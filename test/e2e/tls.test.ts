/**
 * TLS on the LDAP front, through real clients: LDAPS and StartTLS with OpenLDAP's ldapsearch and
 * with ldapts, each verifying dirbridge's certificate against the test CA; StartTLS sequencing
 * (twice, with work outstanding, with requests pipelined behind it) on a raw socket; StartTLS
 * without `tls`; clients that never finish a handshake; old TLS versions; and start-up errors.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { Client, OperationsError, ProtocolError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestCa, type TestCa } from '../../scripts/test-backends/test-ca.js';
import { parseFilter } from '../../src/filter/parse.js';
import { FrameReader } from '../../src/protocol/frame-reader.js';
import type { ResponseMessage } from '../../src/protocol/messages.js';
import { encodeRequest } from '../../src/protocol/request-encoder.js';
import { decodeResponse } from '../../src/protocol/response-decoder.js';
import { START_TLS_OID } from '../../src/session/supported.js';
import {
  REPO,
  SUFFIX,
  demoConfig,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { parseLdif, type ToolResult } from './support/ldap-utils.js';
import { connectRaw, type RawConnection } from './support/raw-socket.js';
import { registerTestSecret } from './support/test-secrets.js';

const NOBODY_PASSWORD = registerTestSecret('nobody-tls-Pw-3307');

/** Seconds a silent connection lives; also the bound on an unfinished TLS handshake. */
const IDLE_TIMEOUT = 2;

let ca: TestCa;
let caPem: Buffer;
/** Plain and LDAPS listeners, with `tls` configured. */
let server: DirbridgeProcess;
let ldapUrl: string;
let ldapsUrl: string;
/** The demo config: no `tls` at all. */
let plain: DirbridgeProcess;

beforeAll(async () => {
  ca = ensureTestCa();
  caPem = readFileSync(ca.caCert);
  [server, plain] = await Promise.all([
    startDirbridge({
      config: {
        listen: [{ url: 'ldap://127.0.0.1:0' }, { url: 'ldaps://127.0.0.1:0' }],
        tls: { cert: ca.serverCert, key: ca.serverKey },
        limits: { idleTimeout: IDLE_TIMEOUT },
      },
    }),
    startDirbridge(),
  ]);
  [ldapUrl, ldapsUrl] = server.urls as [string, string];
});

afterAll(async () => {
  await Promise.all([server.stop(), plain.stop()]);
});

// ---- real clients -----------------------------------------------------------------------------

/** ldapsearch with the environment that makes libldap verify the server against our CA (or not). */
function ldapsearchTls(args: readonly string[], trustCa = true): Promise<ToolResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, LDAPTLS_REQCERT: 'demand' };
  if (trustCa) env.LDAPTLS_CACERT = ca.caCert;
  else env.LDAPTLS_CACERT = '/dev/null';
  return new Promise((resolve) => {
    execFile(
      'ldapsearch',
      ['-x', '-LLL', '-o', 'ldif-wrap=no', ...args],
      { env, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const ANNA = ['-b', SUFFIX, '(cn=Anna Müller)', 'cn', 'telephoneNumber'];

describe('LDAPS and StartTLS with ldapsearch', () => {
  it('ldapsearch -ZZ on the ldap:// listener upgrades, verifies the certificate and searches', async () => {
    const result = await ldapsearchTls(['-ZZ', '-H', ldapUrl, ...ANNA]);
    expect(result.code, result.stderr).toBe(0);
    expect(parseLdif(result.stdout)[0]?.attributes.cn).toEqual(['Anna Müller']);
  });

  it('ldapsearch on the ldaps:// listener verifies the certificate and searches', async () => {
    const result = await ldapsearchTls(['-H', ldapsUrl, ...ANNA]);
    expect(result.code, result.stderr).toBe(0);
    expect(parseLdif(result.stdout)[0]?.attributes.cn).toEqual(['Anna Müller']);
  });

  it('a client that does not trust the CA refuses the server, on both listeners', async () => {
    const startTls = await ldapsearchTls(['-ZZ', '-H', ldapUrl, ...ANNA], false);
    expect(startTls.code).not.toBe(0);
    expect(startTls.stdout).toBe('');
    const ldaps = await ldapsearchTls(['-H', ldapsUrl, ...ANNA], false);
    expect(ldaps.code).not.toBe(0);
    expect(ldaps.stdout).toBe('');
  });
});

describe('LDAPS and StartTLS with ldapts', () => {
  it('searches over ldaps:// with the CA as the trust anchor', async () => {
    const client = new Client({ url: ldapsUrl, tlsOptions: { ca: caPem } });
    try {
      const { searchEntries } = await client.search(SUFFIX, { filter: '(cn=anna*)', attributes: ['cn'] });
      expect(searchEntries.length).toBeGreaterThan(0);
    } finally {
      await client.unbind();
    }
  });

  it('upgrades with startTLS, refuses a second StartTLS with operationsError (1), and stays usable', async () => {
    const client = new Client({ url: ldapUrl });
    try {
      await client.startTLS({ ca: caPem });
      const first = await client.search(SUFFIX, { filter: '(cn=anna*)', attributes: ['cn'] });
      expect(first.searchEntries.length).toBeGreaterThan(0);
      const again = await client.startTLS({ ca: caPem }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(again).toBeInstanceOf(OperationsError);
      expect((again as OperationsError).code).toBe(1);
      const after = await client.search(SUFFIX, { filter: '(cn=anna*)', attributes: ['cn'] });
      expect(after.searchEntries).toEqual(first.searchEntries);
    } finally {
      await client.unbind();
    }
  });
});

// ---- StartTLS sequencing on a raw socket ------------------------------------------------------

function searchRequest(messageId: number): Uint8Array {
  return encodeRequest({
    messageId,
    request: {
      type: 'search',
      baseObject: SUFFIX,
      scope: 'sub',
      derefAliases: 'never',
      sizeLimit: 0,
      timeLimit: 0,
      typesOnly: false,
      filter: parseFilter('(objectClass=*)'),
      attributes: ['cn'],
    },
    controls: [],
  });
}

function startTlsRequest(messageId: number): Uint8Array {
  return encodeRequest({ messageId, request: { type: 'extended', oid: START_TLS_OID }, controls: [] });
}

function responses(connection: RawConnection): ResponseMessage[] {
  const frames = new FrameReader(64 * 1024 * 1024);
  frames.push(connection.received());
  const messages: ResponseMessage[] = [];
  for (let frame = frames.next(); frame; frame = frames.next()) messages.push(decodeResponse(frame));
  return messages;
}

/** The result code of the response to `messageId` that ends it, once it has arrived. */
async function resultOf(connection: RawConnection, messageId: number, ms = 10_000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const done = responses(connection).find(
      (message) => message.messageId === messageId && 'resultCode' in message.response,
    );
    if (done && 'resultCode' in done.response) return done.response.resultCode;
    if (Date.now() > deadline) throw new Error(`no response to message ${messageId} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

describe('StartTLS sequencing', () => {
  it('refuses StartTLS with operationsError (1) while a search is outstanding; the search and the connection go on', async () => {
    const connection = await connectRaw(server.port);
    try {
      // One write: the search is running when the StartTLS request is read.
      connection.socket.write(concat(searchRequest(1), startTlsRequest(2)));
      expect(await resultOf(connection, 2)).toBe(1);
      expect(await resultOf(connection, 1)).toBe(0);
      connection.socket.write(searchRequest(3));
      expect(await resultOf(connection, 3)).toBe(0);
    } finally {
      connection.socket.destroy();
    }
  });

  it('never answers requests pipelined behind StartTLS: operationsError (1), then the connection closes', async () => {
    const connection = await connectRaw(server.port);
    connection.socket.write(concat(startTlsRequest(1), searchRequest(2)));
    expect(await resultOf(connection, 1)).toBe(1);
    await connection.closed(5_000);
    expect(responses(connection).filter((message) => message.messageId === 2)).toEqual([]);
  });

  it('after a successful StartTLS, LDAP in clear instead of a handshake is never read: the connection closes', async () => {
    const connection = await connectRaw(server.port);
    connection.socket.write(startTlsRequest(1));
    expect(await resultOf(connection, 1)).toBe(0);
    connection.socket.write(searchRequest(2));
    await connection.closed(5_000);
    expect(responses(connection).map((message) => message.messageId)).toEqual([1]);
  });
});

describe('without tls configured', () => {
  it('refuses StartTLS with protocolError (2) and goes on serving the connection in clear', async () => {
    const client = new Client({ url: plain.url });
    try {
      const refused = await client.startTLS({ ca: caPem }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ProtocolError);
      expect((refused as ProtocolError).code).toBe(2);
      const { searchEntries } = await client.search(SUFFIX, { filter: '(cn=anna*)', attributes: ['cn'] });
      expect(searchEntries.length).toBeGreaterThan(0);
    } finally {
      await client.unbind();
    }
  });

  it('ldapsearch -ZZ fails, ldapsearch -Z carries on in clear', async () => {
    const required = await ldapsearchTls(['-ZZ', '-H', plain.url, ...ANNA]);
    expect(required.code).not.toBe(0);
    const optional = await ldapsearchTls(['-Z', '-H', plain.url, ...ANNA]);
    expect(optional.code, optional.stderr).toBe(0);
    expect(parseLdif(optional.stdout)[0]?.attributes.cn).toEqual(['Anna Müller']);
  });

  it('the root DSE lists StartTLS only when tls is configured', async () => {
    const rootDse = async (url: string): Promise<string[]> => {
      const result = await ldapsearchTls([
        '-H',
        url,
        '-b',
        '',
        '-s',
        'base',
        '(objectClass=*)',
        'supportedExtension',
      ]);
      expect(result.code, result.stderr).toBe(0);
      return parseLdif(result.stdout)[0]?.attributes.supportedExtension ?? [];
    };
    expect(await rootDse(ldapUrl)).toContain(START_TLS_OID);
    expect(await rootDse(ldapsUrl)).toContain(START_TLS_OID);
    const without = await rootDse(plain.url);
    expect(without).not.toContain(START_TLS_OID);
    expect(without).toContain('1.3.6.1.4.1.4203.1.11.3');
  });
});

// ---- handshakes that go wrong -----------------------------------------------------------------

/** Connects to the LDAPS port with node's TLS client: `secure`, or the error it failed with. */
function tlsClient(options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const port = Number(new URL(ldapsUrl).port);
    const socket = tls.connect(
      { host: '127.0.0.1', port, servername: 'localhost', ca: caPem, ...options },
      () => {
        socket.destroy();
        resolve('secure');
      },
    );
    socket.on('error', (error: Error) => resolve(error.message));
  });
}

describe('LDAPS handshakes that go wrong', () => {
  it('drops clients that send garbage or never handshake, within the time limit, while serving a normal client', async () => {
    const ldapsPort = Number(new URL(ldapsUrl).port);
    const silent = await connectRaw(ldapsPort);
    const garbage = await connectRaw(ldapsPort);
    garbage.socket.write(searchRequest(1));
    const client = new Client({ url: ldapsUrl, tlsOptions: { ca: caPem } });
    try {
      const { searchEntries } = await client.search(SUFFIX, { filter: '(cn=anna*)', attributes: ['cn'] });
      expect(searchEntries.length).toBeGreaterThan(0);
    } finally {
      await client.unbind();
    }
    expect(await garbage.closed(2_000)).toBeLessThan(2_000);
    const silentFor = await silent.closed((IDLE_TIMEOUT + 3) * 1000);
    expect(silentFor).toBeGreaterThanOrEqual(IDLE_TIMEOUT * 1000 - 100);
    expect(garbage.received().length).toBeLessThan(100); // a TLS alert at most, never an LDAP answer
    expect(silent.received().length).toBe(0);
  });

  it('refuses TLS 1.1 (minVersion TLSv1.2) and accepts TLS 1.2', async () => {
    // SECLEVEL=0: OpenSSL 3 would not even offer TLS 1.1 otherwise, and the test would prove nothing.
    const old = await tlsClient({
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    expect(old).toMatch(/protocol version|unsupported protocol/i);
    expect(await tlsClient({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toBe('secure');
  });

  it('openssl s_client -tls1_1 is refused too', () => {
    const port = new URL(ldapsUrl).port;
    const result = spawnSync(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-tls1_1',
        '-cipher',
        'DEFAULT@SECLEVEL=0',
        '-CAfile',
        ca.caCert,
      ],
      { input: '', encoding: 'utf8', timeout: 10_000 },
    );
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/alert protocol version|unsupported protocol/i);
  });
});

// ---- what operations see ----------------------------------------------------------------------

describe('a connection is secure after StartTLS and on LDAPS', () => {
  let strict: DirbridgeProcess;

  beforeAll(async () => {
    // Loopback not trusted: a password in clear is refused with strongerAuthRequired (8), so a bind
    // tells whether the server saw the connection as secure.
    strict = await startDirbridge({
      config: {
        listen: [{ url: 'ldap://127.0.0.1:0' }, { url: 'ldaps://127.0.0.1:0' }],
        tls: { cert: ca.serverCert, key: ca.serverKey },
        access: { anonymous: true, trustLoopback: false },
      },
    });
  });

  afterAll(async () => {
    await strict.stop();
  });

  it('a password bind answers strongerAuthRequired (8) in clear, and is judged on its merits (49) over TLS', async () => {
    const [strictLdap, strictLdaps] = strict.urls as [string, string];
    const bind = async (url: string, startTls: boolean): Promise<number> => {
      // ldapts speaks TLS from the start whenever tlsOptions are given: only for ldaps://.
      const client = new Client(url.startsWith('ldaps:') ? { url, tlsOptions: { ca: caPem } } : { url });
      try {
        if (startTls) await client.startTLS({ ca: caPem });
        await client.bind('nobody@example.test', NOBODY_PASSWORD);
        return 0;
      } catch (error) {
        return (error as { code?: number }).code ?? -1;
      } finally {
        await client.unbind();
      }
    };
    expect(await bind(strictLdap, false)).toBe(8);
    expect(await bind(strictLdap, true)).toBe(49);
    expect(await bind(strictLdaps, false)).toBe(49);
  });
});

// ---- start-up ---------------------------------------------------------------------------------

function serveWith(config: Record<string, unknown>): { status: number | null; stderr: string; file: string } {
  const file = writeConfig(config);
  const result = spawnSync(process.execPath, [join(REPO, 'dist/cli.js'), 'serve', '--config', file], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr, file };
}

describe('start-up', () => {
  it('an ldaps:// listener without tls stops start-up naming listen[i].url', () => {
    const { status, stderr, file } = serveWith(
      demoConfig({ listen: [{ url: 'ldap://127.0.0.1:0' }, { url: 'ldaps://127.0.0.1:0' }] }),
    );
    expect(status).not.toBe(0);
    expect(stderr).toContain(`${file}: listen[1].url: an ldaps:// listener needs the \`tls\` section`);
  });

  it('a certificate that cannot be read stops start-up naming tls.cert and the file', () => {
    const missing = join(ca.folder, 'no-such-cert.pem');
    const { status, stderr, file } = serveWith(demoConfig({ tls: { cert: missing, key: ca.serverKey } }));
    expect(status).not.toBe(0);
    expect(stderr).toContain(`${file}: tls.cert: cannot read ${missing}`);
    expect(stderr).not.toContain('serving');
  });

  it('a key that does not match the certificate stops start-up naming tls.key and both files', () => {
    const { status, stderr, file } = serveWith(
      demoConfig({ tls: { cert: ca.serverCert, key: ca.clientKey } }),
    );
    expect(status).not.toBe(0);
    expect(stderr).toContain(
      `${file}: tls.key: ${ca.clientKey} is not the private key of the certificate in tls.cert (${ca.serverCert})`,
    );
  });
});
