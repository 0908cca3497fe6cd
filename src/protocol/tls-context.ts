/**
 * The server side of TLS: the certificate and key, read and checked once at start-up into a
 * SecureContext, and the handshake on a client's socket — accepted on an LDAPS listener or upgraded
 * by StartTLS — which must finish within a bounded time or the socket is destroyed.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';
import type { TlsConfig } from '../config/types.js';

/** A TLS setting that cannot be used; the message names the config path and the file. */
export class TlsSetupError extends Error {
  override name = 'TlsSetupError';
}

export interface ServerTls {
  readonly secureContext: SecureContext;
  /** Clients must present a certificate that the configured CA signed. */
  readonly requireClientCert: boolean;
}

/** Longest a client may take over its handshake (less when `limits.idleTimeout` is shorter). */
const MAX_HANDSHAKE_MS = 10_000;

/** A client that is silent for `limits.idleTimeout` is dropped; one that stalls its handshake too. */
export function handshakeTimeoutMs(idleTimeoutSeconds: number): number {
  return Math.min(idleTimeoutSeconds * 1000, MAX_HANDSHAKE_MS);
}

/** Reads and checks `tls.cert`, `tls.key` and `tls.ca` (absolute paths, as the loader leaves them). */
export function loadServerTls(config: TlsConfig): ServerTls {
  const certPem = readPem('tls.cert', config.cert);
  const keyPem = readPem('tls.key', config.key);
  const caPem = config.ca === undefined ? undefined : readPem('tls.ca', config.ca);
  const cert = parseCertificate('tls.cert', config.cert, certPem);
  const key = parsePrivateKey(config.key, keyPem);
  // Node would take a mismatched pair and fail every handshake later; say so at start-up instead.
  if (!cert.checkPrivateKey(key)) {
    throw new TlsSetupError(
      `tls.key: ${config.key} is not the private key of the certificate in tls.cert (${config.cert})`,
    );
  }
  if (config.ca !== undefined && caPem !== undefined) parseCertificate('tls.ca', config.ca, caPem);
  try {
    const secureContext = createSecureContext({
      cert: certPem,
      key: keyPem,
      ...(caPem === undefined ? {} : { ca: caPem }),
      minVersion: config.minVersion,
    });
    return { secureContext, requireClientCert: config.requestClientCert };
  } catch (error) {
    throw new TlsSetupError(`tls: cannot use ${config.cert} with ${config.key}: ${errorText(error)}`, {
      cause: error,
    });
  }
}

function readPem(at: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TlsSetupError(`${at}: cannot read ${file}: ${unreadable(error)}`, { cause: error });
  }
}

/** Why a file could not be read, in words an operator acts on rather than Node's `ENOENT: ...`. */
function unreadable(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'ENOTDIR':
      return 'a folder on its path is a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (dirbridge runs as a user that may not read it)';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return code === '' ? errorText(error) : `error ${code}`;
  }
}

function parseCertificate(at: string, file: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new TlsSetupError(`${at}: ${file} holds no PEM certificate: ${errorText(error)}`, { cause: error });
  }
}

function parsePrivateKey(file: string, pem: Buffer): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new TlsSetupError(`tls.key: ${file} holds no unencrypted PEM private key: ${errorText(error)}`, {
      cause: error,
    });
  }
}

export interface TlsHandshake {
  /** The encrypted socket: from now on, read and write this one, never the raw one. */
  readonly socket: TLSSocket;
  /** Resolves when the handshake is done; rejects when it fails or times out (the socket is destroyed). */
  readonly done: Promise<void>;
}

/**
 * Starts the server side of TLS on `raw`. Bytes already buffered on `raw` (a ClientHello that came
 * quickly) are taken over by the TLS socket. The time limit is absolute: a client that trickles its
 * handshake a byte at a time is dropped as surely as one that sends nothing.
 */
export function serverHandshake(raw: Socket, tls: ServerTls, timeoutMs: number): TlsHandshake {
  const socket = new TLSSocket(raw, {
    isServer: true,
    secureContext: tls.secureContext,
    requestCert: tls.requireClientCert,
    rejectUnauthorized: tls.requireClientCert,
  });
  // An 'error' without a listener would end the process; whoever uses the socket logs its errors.
  socket.on('error', () => undefined);
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`TLS handshake not done after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onError = (error: Error): void => fail(new Error(`TLS handshake failed: ${error.message}`));
    const onClose = (): void => fail(new Error('connection closed during the TLS handshake'));
    const onSecure = (): void => {
      const refusal = tls.requireClientCert ? clientCertificateRefusal(socket) : undefined;
      if (refusal !== undefined) {
        fail(new Error(refusal));
        return;
      }
      settle();
      resolve();
    };
    const settle = (): void => {
      clearTimeout(timer);
      socket.off('error', onError).off('close', onClose).off('secure', onSecure);
    };
    const fail = (error: Error): void => {
      settle();
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError).once('close', onClose).once('secure', onSecure);
    timer.unref();
  });
  return { socket, done };
}

/**
 * Node verifies a client certificate only on sockets that a tls.Server created (OpenSSL itself
 * accepts any chain and leaves the verdict to Node), so a socket we wrap ourselves asks the handle
 * for the verdict as tls.Server does. Without that method we cannot tell, and refuse.
 */
function clientCertificateRefusal(socket: TLSSocket): string | undefined {
  const handle = (socket as unknown as { ssl?: { verifyError?: () => Error | null } }).ssl;
  if (typeof handle?.verifyError !== 'function') return 'client certificates cannot be verified';
  const error = handle.verifyError();
  return error ? `client certificate refused: ${error.message}` : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
