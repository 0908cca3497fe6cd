import type { Socket } from 'node:net';
import type { Client } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { PooledConnection } from '../../../src/sources/ldap/pooled-connection.js';

/** A socket that counts what it is told: corked writes wait for as many uncorks as corks. */
function countingSocket(): { socket: Socket; corked: () => number } {
  let depth = 0;
  const socket = {
    cork: () => {
      depth++;
    },
    uncork: () => {
      depth = Math.max(0, depth - 1);
    },
  } as unknown as Socket;
  return { socket, corked: () => depth };
}

function connection(socket: Socket): PooledConnection {
  return new PooledConnection({ isConnected: true } as unknown as Client, 0, socket, () => socket);
}

describe('pooled connection', () => {
  it('sends the request of a search alone on it at once, without waiting for the turn to end', () => {
    const { socket, corked } = countingSocket();
    connection(socket).lease();
    expect(corked()).toBe(0);
  });

  it('gathers the requests of searches that join a busy connection into one write at the end of the turn', async () => {
    const { socket, corked } = countingSocket();
    const pooled = connection(socket);
    pooled.lease();
    pooled.lease();
    pooled.lease();
    expect(corked()).toBe(1);
    await new Promise(setImmediate);
    expect(corked()).toBe(0);
  });
});
