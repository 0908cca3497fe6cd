/**
 * Bad bytes on the wire: each bad connection is answered or disconnected, quickly, and a normal
 * client is served throughout. (The full hostile-input suite, with memory figures, is a later issue.)
 */
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import { connectRaw } from './support/raw-socket.js';

let server: DirbridgeProcess;

beforeAll(async () => {
  server = await startDirbridge({
    config: {
      limits: {
        maxRequestBytes: 65536,
        maxFilterDepth: 16,
        maxFilterNodes: 256,
        idleTimeout: 900,
        maxConnections: 100,
      },
    },
  });
});

afterAll(async () => {
  await server.stop();
});

/** A normal client searching in a loop while a test runs; resolves with how many searches succeeded. */
function normalClientThroughout(): { stop(): Promise<number> } {
  let running = true;
  const client = new Client({ url: server.url, timeout: 10_000 });
  const loop = (async () => {
    let ok = 0;
    while (running) {
      const { searchEntries } = await client.search(SUFFIX, { filter: '(cn=anna*)', attributes: ['cn'] });
      expect(searchEntries.length).toBeGreaterThan(0);
      ok++;
    }
    return ok;
  })();
  return {
    async stop() {
      running = false;
      const ok = await loop;
      await client.unbind();
      return ok;
    },
  };
}

/** A deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

describe('hostile input', () => {
  it('garbage bytes are answered or disconnected, and never stop a normal client', async () => {
    const normal = normalClientThroughout();
    const random = prng(42);
    for (let i = 0; i < 40; i++) {
      const conn = await connectRaw(server.port);
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)),
      );
      // Half of them start like an LDAPMessage, so decoding goes past the first byte.
      if (i % 2 === 0) bytes[0] = 0x30;
      conn.socket.write(bytes);
      conn.socket.end();
      await conn.closed(10_000);
    }
    expect(await normal.stop()).toBeGreaterThan(0);
  });

  it('a frame header claiming 100 MB is disconnected without waiting for the body', async () => {
    const normal = normalClientThroughout();
    const conn = await connectRaw(server.port);
    conn.socket.write(Buffer.from([0x30, 0x84, 0x06, 0x40, 0x00, 0x00, 0x02, 0x01]));
    const took = await conn.closed(10_000);
    expect(took).toBeLessThan(10_000);
    // The Notice of Disconnection (messageID 0, OID 1.3.6.1.4.1.1466.20036) came first.
    expect(conn.received().includes(Buffer.from('1.3.6.1.4.1.1466.20036'))).toBe(true);
    expect(await normal.stop()).toBeGreaterThan(0);
  });

  it('an indefinite length and an absurd length-of-length are disconnected', async () => {
    for (const bytes of [
      [0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00],
      [0x30, 0x85, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
    ]) {
      const conn = await connectRaw(server.port);
      conn.socket.write(Buffer.from(bytes));
      await conn.closed(10_000);
    }
  });

  it('a filter nested deeper than maxFilterDepth answers adminLimitExceeded (11)', async () => {
    const deep = '(!'.repeat(40) + '(cn=x)' + ')'.repeat(40);
    const result = await ldapsearch(server.url, deep);
    expect(result.code).toBe(11);
    const fine = await ldapsearch(server.url, '(!'.repeat(4) + '(cn=anna*)' + ')'.repeat(4), {
      attributes: ['1.1'],
    });
    expect(fine.code, fine.stderr).toBe(0);
  });

  it('a filter with more nodes than maxFilterNodes answers adminLimitExceeded (11)', async () => {
    const wide = `(|${Array.from({ length: 400 }, (_, i) => `(cn=x${i})`).join('')})`;
    const result = await ldapsearch(server.url, wide);
    expect(result.code).toBe(11);
  });
});

describe('connection limits', () => {
  it('connections beyond maxConnections are told busy and closed; the others carry on', async () => {
    const small = await startDirbridge({ config: { limits: { maxConnections: 2 } } });
    try {
      const first = new Client({ url: small.url });
      const second = new Client({ url: small.url });
      await first.bind('', '');
      await second.bind('', '');
      const third = await connectRaw(small.port);
      await third.closed(10_000);
      expect(third.received().includes(Buffer.from('too many connections'))).toBe(true);
      const { searchEntries } = await first.search(SUFFIX, { filter: '(cn=anna*)' });
      expect(searchEntries.length).toBeGreaterThan(0);
      await first.unbind();
      await second.unbind();
    } finally {
      await small.stop();
    }
  });

  it('an idle connection is closed after idleTimeout', async () => {
    const impatient = await startDirbridge({ config: { limits: { idleTimeout: 1 } } });
    try {
      const conn = await connectRaw(impatient.port);
      const took = await conn.closed(15_000);
      expect(took).toBeGreaterThanOrEqual(900);
    } finally {
      await impatient.stop();
    }
  });
});
