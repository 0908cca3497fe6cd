/**
 * A connected socket to a backend URL, without any LDAP yet: plain for `ldap://`, TLS (verified as
 * configured) for `ldaps://`, within a time limit. The caller hands it to ldapts or just closes it.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { backendTlsOptions } from './backend-tls.js';
import type { LdapTlsSettings } from './ldap-settings.js';

export function connectBackend(
  url: string,
  tls: LdapTlsSettings,
  timeoutMs: number,
): Promise<Socket | TLSSocket> {
  const parsed = new URL(url);
  const secure = parsed.protocol.toLowerCase() === 'ldaps:';
  const port = Number(parsed.port || (secure ? 636 : 389));
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = secure
      ? tlsConnect({ host, port, ...backendTlsOptions(tls, url) })
      : netConnect({ host, port });
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`no answer from ${url} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    socket.once('error', fail);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      // Until its new owner listens, an error must not go unheard (it would end the process).
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}
