/**
 * The benchmark's load generator, run as its own process so that its work is not counted as the
 * server's. The bench drives it (scripts/bench/load-generator.ts) with one JSON command per line on
 * stdin and reads one JSON reply per line on stdout:
 *
 *   { "cmd": "connect", "url", "connections", "bind": { "dn", "password" }, "termsFile", "suffix",
 *     "caFile"? }                                 suffix: the search base; caFile: trust for ldaps://
 *   { "cmd": "run", "scenario", "seconds" }      -> { "ops", "errors", "seconds", "p50", "p99" }
 *   { "cmd": "hogs", "count", "searches" }       clients that ask for a lot and never read
 *   { "cmd": "releaseHogs" } / { "cmd": "close" }
 *
 * Each connection binds once, then loops on its scenario with terms picked at random from the
 * term list, timing every operation.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { Client } from 'ldapts';
import { parseFilter } from '../../src/filter/parse.js';
import { encodeRequest } from '../../src/protocol/request-encoder.js';
import type { Terms } from './phonebook.js';
import { SeededRandom } from '../seeded-random.js';

export type Scenario =
  'prefix' | 'suffix' | 'number' | 'equality' | 'bind' | 'export' | 'callerId' | 'typeAhead' | 'reread';

export interface Credentials {
  readonly dn: string;
  readonly password: string;
}

export type Command =
  | {
      readonly cmd: 'connect';
      readonly url: string;
      readonly connections: number;
      readonly bind: Credentials;
      readonly termsFile: string;
      readonly suffix: string;
      /** PEM file of the CA that issued an `ldaps://` server's certificate. */
      readonly caFile?: string;
    }
  | { readonly cmd: 'run'; readonly scenario: Scenario; readonly seconds: number }
  | { readonly cmd: 'hogs'; readonly count: number; readonly searches: number }
  | { readonly cmd: 'releaseHogs' }
  | { readonly cmd: 'close' };

export interface RunResult {
  readonly ops: number;
  /** Entries received by the timed operations. */
  readonly entries: number;
  readonly errors: number;
  readonly seconds: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p99: number;
  /** CPU seconds this load generator used (it shares the machine with the server). */
  readonly clientCpuSeconds: number;
  readonly firstError?: string;
}

/** Entries per page of the paged export. */
const PAGE_SIZE = 1000;
/** What a phone asks for: a few hits. */
const PHONE_SIZE_LIMIT = 50;
const PHONE_ATTRIBUTES = ['cn', 'telephoneNumber', 'mobile', 'ipPhone'];

interface Setup {
  readonly clients: Client[];
  readonly terms: Terms;
  readonly bind: Credentials;
  readonly suffix: string;
  readonly url: string;
}

/** Takes one operation's latency and the entries it returned. */
type Recorder = (ms: number, entries: number) => void;

/** One operation of a scenario on one client (an export: pages until `more()` says stop). */
type Step = (client: Client, random: () => number, record: Recorder, more: () => boolean) => Promise<void>;

function steps(setup: Setup): Record<Scenario, Step> {
  const { terms, suffix, bind } = setup;
  const timed = async (
    record: Recorder,
    work: () => Promise<{ searchEntries?: unknown[] }>,
  ): Promise<void> => {
    const started = performance.now();
    const result = await work();
    record(performance.now() - started, result.searchEntries?.length ?? 0);
  };
  return {
    prefix: (client, random, record) => {
      const term = pick(terms.namePrefixes, random);
      const filter = `(|(cn=${term}*)(sn=${term}*))`;
      const options = { filter, sizeLimit: PHONE_SIZE_LIMIT, attributes: PHONE_ATTRIBUTES };
      return timed(record, () => client.search(suffix, options));
    },
    suffix: (client, random, record) => {
      const digits = pick(terms.numberSuffixes, random);
      const filter = `(|(telephoneNumber=*${digits})(mobile=*${digits}))`;
      const options = { filter, sizeLimit: PHONE_SIZE_LIMIT, attributes: PHONE_ATTRIBUTES };
      return timed(record, () => client.search(suffix, options));
    },
    // The digits anywhere in the number, as a PBX asks AD for a caller's number.
    number: (client, random, record) => {
      const digits = pick(terms.numberSuffixes, random);
      const filter = `(|(telephoneNumber=*${digits}*)(mobile=*${digits}*))`;
      const options = { filter, sizeLimit: PHONE_SIZE_LIMIT, attributes: PHONE_ATTRIBUTES };
      return timed(record, () => client.search(suffix, options));
    },
    // A caller-ID lookup: the whole number, as the PBX has it from the incoming call.
    callerId: (client, random, record) => {
      const filter = `(telephoneNumber=${pick(required(terms.callerIds, 'callerIds'), random)})`;
      return timed(record, () => client.search(suffix, { filter, attributes: PHONE_ATTRIBUTES }));
    },
    // A phone's type-ahead: letters typed anywhere in a name, or digits anywhere in a number.
    typeAhead: (client, random, record) => {
      const name = pick(terms.namePrefixes, random);
      const digits = pick(terms.numberSuffixes, random).slice(1);
      const filter = `(|(cn=*${name}*)(telephoneNumber=*${digits}*))`;
      const options = { filter, sizeLimit: PHONE_SIZE_LIMIT, attributes: PHONE_ATTRIBUTES };
      return timed(record, () => client.search(suffix, options));
    },
    // A Gigaset-style phone reads each hit again by its DN (base scope) before showing it.
    reread: (client, random, record) => {
      const dn = pick(required(terms.dns, 'dns'), random);
      const options = { scope: 'base' as const, filter: '(objectClass=*)', attributes: PHONE_ATTRIBUTES };
      return timed(record, () => client.search(dn, options));
    },
    equality: (client, random, record) => {
      const filter = `(mail=${pick(terms.mails, random)})`;
      return timed(record, () => client.search(suffix, { filter, attributes: PHONE_ATTRIBUTES }));
    },
    bind: (client, _random, record) =>
      timed(record, async () => {
        await client.bind(bind.dn, bind.password);
        return {};
      }),
    // One operation is one page: a full export is a hundred of them, too long to time whole.
    export: async (client, _random, record, more) => {
      const pages = client.searchPaginated(suffix, {
        filter: '(objectClass=*)',
        paged: { pageSize: PAGE_SIZE },
      });
      let started = performance.now();
      for await (const page of pages) {
        record(performance.now() - started, page.searchEntries.length);
        if (!more()) break;
        started = performance.now();
      }
    },
  };
}

function required<T>(items: readonly T[] | undefined, name: string): readonly T[] {
  if (items === undefined || items.length === 0) throw new Error(`the terms file has no ${name}`);
  return items;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

async function connect(command: Extract<Command, { cmd: 'connect' }>): Promise<Setup> {
  const tlsOptions =
    command.caFile === undefined ? {} : { tlsOptions: { ca: [readFileSync(command.caFile)] } };
  const clients = Array.from(
    { length: command.connections },
    () => new Client({ url: command.url, timeout: 60_000, connectTimeout: 10_000, ...tlsOptions }),
  );
  await Promise.all(clients.map((client) => client.bind(command.bind.dn, command.bind.password)));
  const terms = JSON.parse(readFileSync(command.termsFile, 'utf8')) as Terms;
  return { clients, terms, bind: command.bind, suffix: command.suffix, url: command.url };
}

/**
 * Every client loops on the scenario until the time is up (an operation under way is finished, and
 * an export stops at its next page boundary).
 */
async function run(setup: Setup, scenario: Scenario, seconds: number): Promise<RunResult> {
  const step = steps(setup)[scenario];
  const latencies: number[] = [];
  let entries = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = started + seconds * 1000;
  const more = (): boolean => performance.now() < deadline;
  // Operations that end after the deadline count too, and so does the time they took: the server's
  // CPU is measured around the whole run, tail included.
  const record: Recorder = (ms, count) => {
    latencies.push(ms);
    entries += count;
  };
  await Promise.all(
    setup.clients.map(async (client, index) => {
      const seededRandom = new SeededRandom(index + 1);
      const random = (): number => seededRandom.next();
      while (more()) {
        try {
          await step(client, random, record, more);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length,
    entries,
    errors,
    seconds: elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Connections that bind, ask for `searches` unpaged exports of everything at once, and never read:
 * the server must stop writing to them when their buffers fill, and keep its memory bounded.
 */
async function openHogs(setup: Setup, count: number, searches: number): Promise<net.Socket[]> {
  const { port, hostname } = new URL(setup.url);
  const hogs = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ host: hostname, port: Number(port) }, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  for (const socket of hogs) {
    socket.on('error', () => undefined);
    socket.pause();
    socket.write(bindPdu(1, setup.bind));
    for (let id = 2; id < searches + 2; id++) socket.write(exportPdu(id, setup.suffix));
  }
  return hogs;
}

function bindPdu(messageId: number, { dn, password }: Credentials): Uint8Array {
  return encodeRequest({
    messageId,
    controls: [],
    request: {
      type: 'bind',
      version: 3,
      name: dn,
      auth: { method: 'simple', password: Buffer.from(password, 'utf8') },
    },
  });
}

function exportPdu(messageId: number, suffix: string): Uint8Array {
  return encodeRequest({
    messageId,
    controls: [],
    request: {
      type: 'search',
      baseObject: suffix,
      scope: 'sub',
      derefAliases: 'never',
      sizeLimit: 0,
      timeLimit: 0,
      typesOnly: false,
      filter: parseFilter('(objectClass=*)'),
      attributes: [],
    },
  });
}

async function main(): Promise<void> {
  let setup: Setup | undefined;
  let hogs: net.Socket[] = [];
  const reply = (value: unknown): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command;
    switch (command.cmd) {
      case 'connect':
        setup = await connect(command);
        reply({ ok: true });
        break;
      case 'run':
        reply(await run(setup!, command.scenario, command.seconds));
        break;
      case 'hogs':
        hogs = await openHogs(setup!, command.count, command.searches);
        reply({ ok: true });
        break;
      case 'releaseHogs':
        for (const socket of hogs) socket.destroy();
        hogs = [];
        reply({ ok: true });
        break;
      case 'close':
        await Promise.allSettled(setup?.clients.map((client) => client.unbind()) ?? []);
        setup = undefined;
        reply({ ok: true });
        break;
    }
  }
}

await main();
