/**
 * Reads the PROXY header off a new connection (proxy-header.ts) and leaves the socket paused with
 * the bytes that followed it put back, so whoever reads next (a session, or a TLS handshake) sees
 * the client's stream from its first byte.
 */
import type { Socket } from 'node:net';
import { parseProxyHeader, ProxyHeaderError, type ProxiedClient } from './proxy-header.js';

/** Resolves with the client the header names (undefined for the balancer's own checks). */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<ProxiedClient | undefined> {
  return new Promise((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    const timer = setTimeout(
      () => fail(new ProxyHeaderError(`no complete PROXY header within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      let result;
      try {
        result = parseProxyHeader(received);
      } catch (error) {
        fail(error as Error);
        return;
      }
      if (!result.complete) return;
      settle();
      socket.pause();
      if (result.rest.length > 0) socket.unshift(result.rest);
      resolve(result.client);
    };
    const onEnd = (): void => fail(new ProxyHeaderError('connection closed before its PROXY header'));
    const onError = (error: Error): void => fail(error);
    const settle = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
    const fail = (error: Error): void => {
      settle();
      reject(error);
    };
    socket.on('data', onData);
    socket.once('close', onEnd);
    socket.once('error', onError);
  });
}
