/**
 * StartTLS on a backend connection, within a time limit: ldapts times the StartTLS request but not
 * the TLS handshake after it, which a stuck backend would otherwise hold open (with a pool slot) for
 * ever. On time-out the plain socket is destroyed, which ends the handshake.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { Client } from 'ldapts';

export async function startTlsWithin(
  client: Client,
  plain: () => Socket | undefined,
  options: ConnectionOptions,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      plain()?.destroy();
      reject(new Error(`StartTLS not done within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  try {
    await Promise.race([client.startTLS(options), late]);
  } finally {
    clearTimeout(timer);
  }
}
