/**
 * A TCP relay of the test's own on 127.0.0.1, in front of a real server, to stand in for a second
 * domain controller that can fail (two Samba DCs would be two domains: TEST-BACKENDS.md). It relays
 * bytes only, so TLS still runs end to end between the client and the server behind it.
 *
 * - `on`: forwards in both directions;
 * - `off`: the listener is closed and every relayed connection destroyed: connects are refused and
 *   established connections end, as when a server goes down;
 * - `blackhole`: new connections are accepted but never forwarded, and established ones stop
 *   forwarding (their bytes are held, not dropped, so they carry on intact if the relay comes back):
 *   a server that hangs, or packets lost on the way.
 */
import net from 'node:net';

export type RelayMode = 'on' | 'off' | 'blackhole';

export interface TcpRelay {
  /** The port it listens on (kept when it is switched off and on again). */
  readonly port: number;
  readonly mode: RelayMode;
  /** Connections accepted since it was made. */
  readonly accepted: number;
  /** Accepted connections not yet closed (relayed or held in the blackhole). */
  readonly open: number;
  /** Most connections that were open at once. */
  readonly maxOpen: number;
  /** Bytes passed on from clients to the target: rises only when requests really go through it. */
  readonly forwarded: number;
  setMode(mode: RelayMode): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  readonly client: net.Socket;
  /** The connection to the target; none for one accepted in the blackhole. */
  readonly target?: net.Socket;
}

export async function startTcpRelay(targetHost: string, targetPort: number): Promise<TcpRelay> {
  let mode: RelayMode = 'on';
  let accepted = 0;
  let forwarded = 0;
  let maxOpen = 0;
  const pairs = new Set<Pair>();
  const server = net.createServer((client) => {
    accepted++;
    // Accepted in the blackhole: held open, never connected onwards, until the client gives up.
    const pair: Pair = mode === 'on' ? { client, target: net.connect(targetPort, targetHost) } : { client };
    pairs.add(pair);
    maxOpen = Math.max(maxOpen, pairs.size);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      pair.target?.destroy();
    };
    client.on('error', end).on('close', end);
    if (!pair.target) {
      client.pause();
      return;
    }
    pair.target.on('error', end).on('close', end);
    const flowing = (): boolean => mode === 'on';
    relay(client, pair.target, flowing, (bytes) => (forwarded += bytes));
    relay(pair.target, client, flowing);
  });
  await listen(server, 0);
  const { port } = server.address() as net.AddressInfo;

  /** Holds or releases every relayed connection's bytes (paused sockets are simply not read). */
  const setFlowing = (flowing: boolean): void => {
    for (const { client, target } of pairs) {
      if (!target) continue;
      for (const socket of [client, target]) {
        if (flowing) socket.resume();
        else socket.pause();
      }
    }
  };
  const destroyAll = (which: (pair: Pair) => boolean): void => {
    for (const pair of [...pairs]) {
      if (!which(pair)) continue;
      pairs.delete(pair);
      pair.client.destroy();
      pair.target?.destroy();
    }
  };

  return {
    port,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    get forwarded() {
      return forwarded;
    },
    async setMode(next) {
      if (next === mode) return;
      const wasListening = mode !== 'off';
      mode = next;
      if (next === 'off') {
        destroyAll(() => true);
        if (wasListening) await closeListener(server);
        return;
      }
      if (!wasListening) await listen(server, port);
      // Connections the blackhole held were never connected onwards: they cannot be relayed now.
      if (next === 'on') destroyAll((pair) => !pair.target);
      setFlowing(next === 'on');
    },
    async close() {
      mode = 'off';
      destroyAll(() => true);
      if (server.listening) await closeListener(server);
    },
  };
}

/** Copies `from` to `to`, holding `from` while `to` cannot take more. */
function relay(
  from: net.Socket,
  to: net.Socket,
  flowing: () => boolean,
  count?: (bytes: number) => void,
): void {
  from.on('data', (chunk: Buffer) => {
    count?.(chunk.length);
    if (to.write(chunk)) return;
    from.pause();
    // Not resumed into a blackhole: switching back on resumes it.
    to.once('drain', () => {
      if (flowing()) from.resume();
    });
  });
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeListener(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
