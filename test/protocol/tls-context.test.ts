/**
 * The server's TLS material and handshake: start-up errors that name the setting and the file, and
 * handshakes that succeed, fail or stall — each settled within its time limit.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsConfig } from '../../src/config/types.js';
import {
  TlsSetupError,
  handshakeTimeoutMs,
  loadServerTls,
  serverHandshake,
  type ServerTls,
} from '../../src/protocol/tls-context.js';
import { ensureTestCa, type TestCa } from '../../scripts/test-backends/test-ca.js';

let ca: TestCa;
let otherCa: TestCa;
const scratch = mkdtempSync(join(tmpdir(), 'dirbridge-tls-unit-'));

beforeAll(() => {
  ca = ensureTestCa(join(scratch, 'ca'));
  otherCa = ensureTestCa(join(scratch, 'other-ca'));
});

function settings(overrides: Partial<TlsConfig> = {}): TlsConfig {
  return {
    cert: ca.serverCert,
    key: ca.serverKey,
    minVersion: 'TLSv1.2',
    requestClientCert: false,
    ...overrides,
  };
}

function setupError(config: TlsConfig): string {
  try {
    loadServerTls(config);
  } catch (error) {
    expect(error).toBeInstanceOf(TlsSetupError);
    return (error as Error).message;
  }
  throw new Error('loadServerTls accepted a bad setting');
}

describe('loadServerTls', () => {
  it('loads a certificate and its key', () => {
    expect(loadServerTls(settings()).requireClientCert).toBe(false);
    expect(loadServerTls(settings({ ca: ca.caCert, requestClientCert: true })).requireClientCert).toBe(true);
  });

  it('names tls.cert and the file when the certificate cannot be read, in plain words', () => {
    const missing = join(scratch, 'missing.pem');
    expect(setupError(settings({ cert: missing }))).toBe(
      `tls.cert: cannot read ${missing}: it does not exist`,
    );
    expect(setupError(settings({ cert: scratch }))).toBe(`tls.cert: cannot read ${scratch}: it is a folder`);
  });

  it('names tls.key and the file when the key cannot be read', () => {
    const missing = join(scratch, 'missing-key.pem');
    expect(setupError(settings({ key: missing }))).toMatch(new RegExp(`^tls\\.key: cannot read ${missing}`));
  });

  it('names tls.ca and the file when the CA cannot be read', () => {
    const missing = join(scratch, 'missing-ca.pem');
    expect(setupError(settings({ ca: missing }))).toMatch(new RegExp(`^tls\\.ca: cannot read ${missing}`));
  });

  it('names the file that holds no certificate or no key', () => {
    const garbage = join(scratch, 'garbage.pem');
    writeFileSync(garbage, 'not a PEM file\n');
    expect(setupError(settings({ cert: garbage }))).toMatch(`tls.cert: ${garbage} holds no PEM certificate`);
    expect(setupError(settings({ key: garbage }))).toMatch(
      `tls.key: ${garbage} holds no unencrypted PEM private key`,
    );
  });

  it('refuses a key that does not belong to the certificate, naming both files', () => {
    expect(setupError(settings({ key: ca.clientKey }))).toBe(
      `tls.key: ${ca.clientKey} is not the private key of the certificate in tls.cert (${ca.serverCert})`,
    );
  });
});

describe('handshakeTimeoutMs', () => {
  it('is 10 seconds, or the idle timeout when that is shorter', () => {
    expect(handshakeTimeoutMs(900)).toBe(10_000);
    expect(handshakeTimeoutMs(2)).toBe(2_000);
  });
});

describe('serverHandshake', () => {
  interface Accepted {
    readonly outcome: Promise<string>;
  }
  let server: net.Server;
  let port: number;
  let current: ServerTls;
  let timeoutMs = 2_000;
  const accepted: Accepted[] = [];

  beforeAll(async () => {
    server = net.createServer((raw) => {
      raw.on('error', () => undefined);
      const handshake = serverHandshake(raw, current, timeoutMs);
      accepted.push({
        outcome: handshake.done.then(
          () => {
            handshake.socket.end('hello over TLS');
            return 'secure';
          },
          (error: unknown) => (error as Error).message,
        ),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** The server side's verdict on the next connection. */
  async function nextOutcome(): Promise<string> {
    const before = accepted.length;
    while (accepted.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    return accepted[before]!.outcome;
  }

  function connect(options: tls.ConnectionOptions = {}): Promise<string> {
    return new Promise((resolve) => {
      const client = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options });
      let text = '';
      client.on('data', (chunk: Buffer) => (text += chunk.toString()));
      client.on('error', (error: Error) => resolve(`error: ${error.message}`));
      client.on('close', () => resolve(text));
    });
  }

  it('serves a client that trusts the CA', async () => {
    current = loadServerTls(settings());
    const outcome = nextOutcome();
    expect(await connect({ ca: readCa() })).toBe('hello over TLS');
    expect(await outcome).toBe('secure');
  });

  it('drops a client that never starts its handshake, after the time limit', async () => {
    current = loadServerTls(settings());
    timeoutMs = 300;
    const started = Date.now();
    const outcome = nextOutcome();
    const silent = net.connect({ host: '127.0.0.1', port });
    silent.on('error', () => undefined);
    const closed = new Promise((resolve) => silent.on('close', resolve));
    expect(await outcome).toMatch(/not done after 300 ms/);
    await closed;
    expect(Date.now() - started).toBeLessThan(2_000);
    timeoutMs = 2_000;
  });

  it('drops a client that sends something other than TLS at once', async () => {
    current = loadServerTls(settings());
    const outcome = nextOutcome();
    const garbage = net.connect({ host: '127.0.0.1', port }, () => garbage.write('GET / HTTP/1.0\r\n\r\n'));
    garbage.on('error', () => undefined);
    expect(await outcome).toMatch(/TLS handshake failed|closed during/);
  });

  it('refuses TLS 1.1, and TLS 1.2 when the minimum is TLS 1.3', async () => {
    current = loadServerTls(settings());
    let outcome = nextOutcome();
    // SECLEVEL=0: OpenSSL 3 will not even offer TLS 1.1 otherwise, and the test would prove nothing.
    const old = await connect({
      ca: readCa(),
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    expect(old).toMatch(/error: .*(protocol version|unsupported protocol)/i);
    expect(await outcome).toMatch(/TLS handshake failed/);

    current = loadServerTls(settings({ minVersion: 'TLSv1.3' }));
    outcome = nextOutcome();
    expect(await connect({ ca: readCa(), maxVersion: 'TLSv1.2' })).toMatch(/error: .*protocol version/i);
    expect(await outcome).toMatch(/TLS handshake failed/);
    outcome = nextOutcome();
    expect(await connect({ ca: readCa(), minVersion: 'TLSv1.3' })).toBe('hello over TLS');
    expect(await outcome).toBe('secure');
  });

  describe('with client certificates required', () => {
    it('serves a client whose certificate the CA signed', async () => {
      current = loadServerTls(settings({ ca: ca.caCert, requestClientCert: true }));
      const outcome = nextOutcome();
      const text = await connect({ ca: readCa(), cert: read(ca.clientCert), key: read(ca.clientKey) });
      expect(text).toBe('hello over TLS');
      expect(await outcome).toBe('secure');
    });

    it('refuses a client without a certificate', async () => {
      current = loadServerTls(settings({ ca: ca.caCert, requestClientCert: true }));
      const outcome = nextOutcome();
      expect(await connect({ ca: readCa() })).not.toBe('hello over TLS');
      expect(await outcome).toMatch(/TLS handshake failed|certificate/);
    });

    it('refuses a client whose certificate another CA signed', async () => {
      current = loadServerTls(settings({ ca: ca.caCert, requestClientCert: true }));
      const outcome = nextOutcome();
      const text = await connect({
        ca: readCa(),
        cert: read(otherCa.clientCert),
        key: read(otherCa.clientKey),
      });
      expect(text).not.toBe('hello over TLS');
      expect(await outcome).toMatch(/client certificate refused/);
    });
  });
});

function read(file: string): Buffer {
  return readFileSync(file);
}

function readCa(): Buffer {
  return read(ca.caCert);
}
