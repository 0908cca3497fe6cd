/**
 * Guessing from outside, against a real dirbridge process with local accounts: a name nobody has
 * costs the server the same scrypt work as a wrong password for a real account (measured as the
 * process's CPU time from /proc, which no client-side timing noise touches), and guesses sent all at
 * once, pipelined on one connection or on many connections at the same moment, get no more fast
 * answers than `loginFailures`, whether the name is an account's or nobody's. Meanwhile a normal
 * client binds and searches and is answered at once, and correct binds of one account sent all at
 * once are never held back. From an address that is not trusted, every failed bind counts against
 * the address, so made-up names that push it past `addressFailures` hold back real names as well:
 * no name is told apart by a faster answer. A flood across many names, more than scrypt's bounded
 * queue holds, is answered busy (51) past it, alike for real and made-up names, while other clients
 * are served; and binds whose clients left while they waited cost no scrypt (the process's CPU).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuSeconds } from '../../scripts/bench/proc-stats.js';
import { ensureTestCa } from '../../scripts/test-backends/test-ca.js';
import { hashPassword } from '../../src/auth/password-hash.js';
import { FrameReader } from '../../src/protocol/frame-reader.js';
import { encodeRequest } from '../../src/protocol/request-encoder.js';
import { decodeResponse } from '../../src/protocol/response-decoder.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { connectRaw, type RawConnection } from './support/raw-socket.js';
import { registerTestSecret } from './support/test-secrets.js';

const PASSWORDS = {
  pbx: registerTestSecret('Pbx#Guessing-0101'),
  phones: registerTestSecret('Phones#Guessing-0202'),
  target: registerTestSecret('Target#Guessing-0303'),
  other: registerTestSecret('Other#Guessing-0404'),
  fleet: registerTestSecret('Fleet#Guessing-0505'),
};
const WRONG = registerTestSecret('Wrong#Guessing-9999');
const INVALID_CREDENTIALS = 49;
const BUSY = 51;
/** The server's scrypt queue (src/auth/scrypt-queue.ts): running at once, and places to wait in. */
const SCRYPT_RUNNING = 2;
const SCRYPT_WAITING = 64;
/** Failures of one login answered at once (then `DELAY_S`, doubling). */
const LOGIN_FAILURES = 3;
/** Long enough that today's scrypt work on a busy machine never comes close. */
const DELAY_S = 2;
const BURST = 20;
/** Failed binds from one untrusted address before every bind from it is held back. */
const ADDRESS_FAILURES = 4;

let accounts: Record<string, unknown>[];
/** Throttling on, as an operator runs it. */
let server: DirbridgeProcess;
/** Throttling off: the CPU comparison measures the work of a bind, not its wait. */
let unthrottled: DirbridgeProcess;
/** Loopback not trusted, over LDAPS: its clients are counted per address, as outsiders are. */
let untrusted: DirbridgeProcess;
let caPem: Buffer;

beforeAll(async () => {
  const cost = { N: 16384, r: 8, p: 1 };
  accounts = await Promise.all(
    Object.entries(PASSWORDS).map(async ([name, password]) => ({
      name,
      passwordHash: await hashPassword(Buffer.from(password), cost),
    })),
  );
  const ca = ensureTestCa();
  caPem = readFileSync(ca.caCert);
  [server, unthrottled, untrusted] = await Promise.all([
    startDirbridge({
      config: {
        access: {
          anonymous: true,
          accounts,
          throttle: { loginFailures: LOGIN_FAILURES, delay: DELAY_S, maxDelay: DELAY_S * 2 },
        },
      },
      logName: 'bind-guessing',
    }),
    startDirbridge({
      config: { access: { anonymous: true, accounts, throttle: { delay: 0 } } },
      logName: 'bind-guessing-unthrottled',
    }),
    startDirbridge({
      config: {
        listen: [{ url: 'ldaps://127.0.0.1:0' }],
        tls: { cert: ca.serverCert, key: ca.serverKey },
        access: {
          anonymous: true,
          accounts,
          trustLoopback: false,
          throttle: {
            loginFailures: LOGIN_FAILURES,
            addressFailures: ADDRESS_FAILURES,
            delay: DELAY_S,
            maxDelay: DELAY_S * 2,
          },
        },
      },
      logName: 'bind-guessing-untrusted',
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([server.stop(), unthrottled.stop(), untrusted.stop()]);
});

function bindPdu(messageId: number, name: string, password: string): Buffer {
  return Buffer.from(
    encodeRequest({
      messageId,
      controls: [],
      request: {
        type: 'bind',
        version: 3,
        name,
        auth: { method: 'simple', password: Buffer.from(password) },
      },
    }),
  );
}

interface Answer {
  readonly at: number;
  readonly code: number;
  readonly diagnostic: string;
}

/** When each bind response arrives on a raw connection (ms after `start`), with its result. */
function answerTimes(conn: RawConnection, start: number): Answer[] {
  const answers: Answer[] = [];
  const frames = new FrameReader(1 << 20);
  const read = (chunk: Buffer): void => {
    frames.push(chunk);
    for (let frame = frames.next(); frame; frame = frames.next()) {
      const { response } = decodeResponse(frame);
      if (response.type === 'bindResponse') {
        answers.push({
          at: performance.now() - start,
          code: response.resultCode,
          diagnostic: response.diagnosticMessage ?? '',
        });
      }
    }
  };
  read(conn.received());
  conn.socket.on('data', read);
  return answers;
}

/** Waits until `count` answers have come (or `ms` has passed). */
async function until(answers: () => number, count: number, ms: number): Promise<void> {
  for (const deadline = Date.now() + ms; answers() < count && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A normal client while a test runs: binds as its own account and searches, over and over, and
 * records how long each round took. None may be held back by someone else's guessing.
 */
function normalClientThroughout(): { stop(): Promise<number[]> } {
  let running = true;
  const client = new Client({ url: server.url, timeout: 10_000 });
  const loop = (async () => {
    const rounds: number[] = [];
    while (running) {
      const started = performance.now();
      await client.bind('phones', PASSWORDS.phones);
      const { searchEntries } = await client.search(SUFFIX, { filter: '(cn=anna*)', sizeLimit: 5 });
      expect(searchEntries.length).toBeGreaterThan(0);
      rounds.push(performance.now() - started);
    }
    return rounds;
  })();
  return {
    async stop() {
      running = false;
      const rounds = await loop;
      await client.unbind();
      return rounds;
    },
  };
}

/** Asserts a burst's answers: refusals, at most LOGIN_FAILURES fast, the next one held DELAY_S at least. */
function expectThrottled(answers: readonly { at: number; code: number }[]): void {
  const times = answers.map((answer) => answer.at).sort((a, b) => a - b);
  expect(answers.every((answer) => answer.code === INVALID_CREDENTIALS)).toBe(true);
  const fast = times.filter((at) => at < DELAY_S * 1000);
  expect(fast.length, `answered within ${DELAY_S} s: ${times.map(Math.round).join(', ')} ms`).toBe(
    LOGIN_FAILURES,
  );
  expect(times.length).toBeGreaterThan(LOGIN_FAILURES);
  expect(times[LOGIN_FAILURES]!).toBeGreaterThanOrEqual(DELAY_S * 1000);
}

describe('a name nobody has costs what a wrong password costs', () => {
  it('in server CPU: unknown names and DNs run the same scrypt as wrong passwords of an account', async () => {
    const client = new Client({ url: unthrottled.url, timeout: 30_000 });
    const pid = unthrottled.child.pid!;
    const refused = async (name: string): Promise<void> => {
      await expect(client.bind(name, WRONG), name).rejects.toBeInstanceOf(InvalidCredentialsError);
    };
    const cpuOf = async (names: readonly string[]): Promise<number> => {
      const before = cpuSeconds(pid);
      for (const name of names) await refused(name);
      return cpuSeconds(pid) - before;
    };
    const rounds = 6;
    const known = Array.from({ length: rounds }, () => ['pbx', `cn=target,${SUFFIX}`, 'PHONES']).flat();
    const unknown = Array.from({ length: rounds }, (_, i) => [
      `nobody${i}`,
      `cn=nobody${i},${SUFFIX}`,
      `entryUUID=${randomUUID()},ou=demo,${SUFFIX}`,
    ]).flat();
    try {
      await refused('warm-up');
      const knownCpu = await cpuOf(known);
      const unknownCpu = await cpuOf(unknown);
      const ratio = unknownCpu / knownCpu;
      // Scrypt at N=16384 is tens of ms of CPU per bind; a refusal without it is well under one.
      expect(knownCpu).toBeGreaterThan(known.length * 0.01);
      expect(
        ratio,
        `CPU: ${unknownCpu.toFixed(2)} s unknown vs ${knownCpu.toFixed(2)} s known`,
      ).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    } finally {
      await client.unbind();
    }
  });

  it('in the throttle: wrong binds one after another for a name nobody has are held back like an account’s', async () => {
    const client = new Client({ url: server.url, timeout: 30_000 });
    const timed = async (name: string): Promise<number> => {
      const started = performance.now();
      await client.bind(name, WRONG).catch(() => undefined);
      return performance.now() - started;
    };
    try {
      for (const name of ['other', `nobody-${randomUUID()}`]) {
        const fast: number[] = [];
        for (let i = 0; i < LOGIN_FAILURES; i++) fast.push(await timed(name));
        expect(Math.max(...fast), name).toBeLessThan(DELAY_S * 1000);
        expect(await timed(name), name).toBeGreaterThanOrEqual(DELAY_S * 1000);
      }
    } finally {
      await client.unbind();
    }
  });
});

describe('guesses sent all at once', () => {
  it(`${BURST} wrong binds for an account pipelined on one connection: ${LOGIN_FAILURES} answered fast, while a normal client is served`, async () => {
    const normal = normalClientThroughout();
    const conn = await connectRaw(server.port);
    const start = performance.now();
    const answers = answerTimes(conn, start);
    conn.socket.write(
      Buffer.concat(Array.from({ length: BURST }, (_, i) => bindPdu(i + 1, 'target', WRONG))),
    );
    await until(() => answers.length, LOGIN_FAILURES + 1, DELAY_S * 1000 + 10_000);
    const rounds = await normal.stop();
    conn.socket.destroy();
    expectThrottled(answers);
    expect(rounds.length).toBeGreaterThan(3);
    expect(Math.max(...rounds), 'a round of the normal client').toBeLessThan(DELAY_S * 1000);
  });

  it.each([
    ['an account', 'pbx'],
    ['a name nobody has', `cn=nobody-${randomUUID()},${SUFFIX}`],
  ])(
    `${BURST} wrong binds for %s on ${BURST} connections at the same moment: ${LOGIN_FAILURES} answered fast`,
    async (_, name) => {
      const normal = normalClientThroughout();
      const conns = await Promise.all(Array.from({ length: BURST }, () => connectRaw(server.port)));
      const start = performance.now();
      const answers = conns.map((conn) => answerTimes(conn, start));
      for (const conn of conns) conn.socket.write(bindPdu(1, name, WRONG));
      const count = (): number => answers.reduce((sum, list) => sum + list.length, 0);
      await until(count, LOGIN_FAILURES + 1, DELAY_S * 1000 + 10_000);
      const rounds = await normal.stop();
      for (const conn of conns) conn.socket.destroy();
      expectThrottled(answers.flat());
      expect(Math.max(...rounds), 'a round of the normal client').toBeLessThan(DELAY_S * 1000);
    },
  );

  it(`${BURST} correct binds of one account at the same moment are all answered at once`, async () => {
    const clients = Array.from({ length: BURST }, () => new Client({ url: server.url, timeout: 30_000 }));
    const started = performance.now();
    const took = await Promise.all(
      clients.map(async (client) => {
        await client.bind('fleet', PASSWORDS.fleet);
        return performance.now() - started;
      }),
    );
    await Promise.all(clients.map((client) => client.unbind()));
    expect(Math.max(...took)).toBeLessThan(DELAY_S * 1000);
  });
});

describe('from one address that is not trusted', () => {
  it(`made-up names past addressFailures hold back real names as long as made-up ones: no name is told by a fast answer`, async () => {
    const client = new Client({ url: untrusted.url, timeout: 30_000, tlsOptions: { ca: caPem } });
    const held = async (name: string, password: string): Promise<number> => {
      const started = performance.now();
      await client.bind(name, password).catch(() => undefined);
      return performance.now() - started;
    };
    try {
      // Names nobody has, each once: no login is throttled, only the address counts them.
      for (let i = 0; i < ADDRESS_FAILURES; i++) await held(`made-up-${randomUUID()}`, WRONG);
      // Each probe names a login that has not failed yet; only the address can hold it back.
      expect(await held('other', WRONG), 'a real account').toBeGreaterThanOrEqual(DELAY_S * 1000);
      expect(await held(`made-up-${randomUUID()}`, WRONG), 'a made-up name').toBeGreaterThanOrEqual(
        DELAY_S * 1000,
      );
      expect(await held(`cn=target,${SUFFIX}`, WRONG), 'a real account by DN').toBeGreaterThanOrEqual(
        DELAY_S * 1000,
      );
      // Not even the right password is answered sooner: that would tell that the name exists.
      expect(await held('pbx', PASSWORDS.pbx), 'a right password').toBeGreaterThanOrEqual(DELAY_S * 1000);
    } finally {
      await client.unbind();
    }
  });
});

describe('a flood of binds across many names', () => {
  /** Wrong binds on `connections` connections, `perConnection` each, real and made-up names mixed. */
  async function flood(connections: number, perConnection: number) {
    const conns = await Promise.all(Array.from({ length: connections }, () => connectRaw(unthrottled.port)));
    const start = performance.now();
    const answers = conns.map((conn) => answerTimes(conn, start));
    const names: string[][] = conns.map((conn, c) => {
      const sent = Array.from({ length: perConnection }, (_, i) =>
        (c + i) % 2 === 0 ? ['pbx', 'target', 'PHONES'][(c + i) % 3]! : `made-up-${c}-${i}`,
      );
      conn.socket.write(Buffer.concat(sent.map((name, i) => bindPdu(i + 1, name, WRONG))));
      return sent;
    });
    const count = (): number => answers.reduce((sum, list) => sum + list.length, 0);
    return { conns, answers, names, count };
  }

  it(`answers busy (51) past the queue, alike for real and made-up names, and serves other clients meanwhile`, async () => {
    const total = 300;
    const anonymous = new Client({ url: unthrottled.url, timeout: 30_000 });
    const { conns, answers, names, count } = await flood(30, total / 30);
    const searches: number[] = [];
    try {
      while (count() < total) {
        const started = performance.now();
        const { searchEntries } = await anonymous.search(SUFFIX, { filter: '(cn=anna*)', sizeLimit: 5 });
        expect(searchEntries.length).toBeGreaterThan(0);
        searches.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      for (const conn of conns) conn.socket.destroy();
      await anonymous.unbind();
    }
    // Answers come in order on each connection: pair them with the names sent.
    const byKind = { real: new Set<string>(), madeUp: new Set<string>() };
    answers.forEach((list, c) =>
      list.forEach((answer, i) => {
        const kind = names[c]![i]!.startsWith('made-up-') ? 'madeUp' : 'real';
        byKind[kind].add(`${answer.code} ${answer.diagnostic}`);
      }),
    );
    const codes = answers.flat().map((answer) => answer.code);
    expect(codes.every((code) => code === INVALID_CREDENTIALS || code === BUSY)).toBe(true);
    // The queue held every bind it had room for, and refused the rest at once.
    expect(codes.filter((code) => code === INVALID_CREDENTIALS).length).toBeGreaterThanOrEqual(
      SCRYPT_RUNNING + SCRYPT_WAITING,
    );
    expect(codes.filter((code) => code === BUSY).length).toBeGreaterThan(0);
    // Word for word the same answers for real names as for made-up ones: busy tells nothing.
    expect([...byKind.real].sort()).toEqual([...byKind.madeUp].sort());
    expect(byKind.real.size).toBe(2);
    // Generous: the flood takes a few seconds of scrypt, a search none.
    expect(searches.length).toBeGreaterThan(0);
    expect(Math.max(...searches), 'a search during the flood').toBeLessThan(5_000);
  });

  it('costs no scrypt for binds whose clients left while they waited', async () => {
    const client = new Client({ url: unthrottled.url, timeout: 30_000 });
    const pid = unthrottled.child.pid!;
    // What one refused bind costs the server here, one after another.
    const before = cpuSeconds(pid);
    const alone = 8;
    for (let i = 0; i < alone; i++) await client.bind(`made-up-alone-${i}`, WRONG).catch(() => undefined);
    const perBind = (cpuSeconds(pid) - before) / alone;
    await client.unbind();
    expect(perBind, 'a refused bind costs a scrypt').toBeGreaterThan(0.005);

    const waiting = SCRYPT_WAITING;
    const cpuBefore = cpuSeconds(pid);
    const { conns, answers } = await flood(waiting, 1);
    const checked = (): number =>
      answers.flat().filter((answer) => answer.code === INVALID_CREDENTIALS).length;
    // Once the first has been checked the rest are surely queued: then every client leaves.
    await until(checked, 1, 30_000);
    const answeredBeforeLeaving = checked();
    for (const conn of conns) conn.socket.destroy();
    // Long enough for every scrypt still running (or, were they not dropped, queued) to end.
    await new Promise((resolve) => setTimeout(resolve, Math.max(2_000, waiting * perBind * 1000)));
    const spent = cpuSeconds(pid) - cpuBefore;
    // Those answered, those running when the clients left, a few that started as the closes came in:
    // far fewer than the binds that were waiting.
    const bound = (answeredBeforeLeaving + SCRYPT_RUNNING + 10) * perBind;
    expect(
      spent,
      `CPU ${spent.toFixed(2)} s for ${waiting} binds, ${answeredBeforeLeaving} answered; one bind ${perBind.toFixed(3)} s`,
    ).toBeLessThan(bound);
    expect(bound).toBeLessThan(waiting * perBind * 0.5);
  });
});
