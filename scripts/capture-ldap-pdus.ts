/**
 * Captures real LDAP PDUs as hex fixtures for test/protocol (regenerate with
 * `npx tsx scripts/capture-ldap-pdus.ts [outDir]`; needs ldap-utils and slapd installed).
 *
 * Requests: OpenLDAP's own tools (ldapsearch, ldapwhoami, ldapmodify, ...) talk to a small scripted
 * responder here that records every frame they send and answers just enough for them to go on.
 * Responses: the same tools talk to a private slapd (temp dir, mdb, dc=example,dc=test) through a
 * recording relay, so the response bytes are slapd's own.
 *
 * Framing and the envelope peek are done by hand here, independently of the codec under test, so a
 * codec bug cannot leak into its own fixtures. The scripted responder's answers are not fixtures.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeResponse } from '../src/protocol/response-encoder.js';
import type { Control, Response } from '../src/protocol/messages.js';
import { encodePagedResultsValue, PAGED_RESULTS_OID } from '../src/protocol/paged-results-control.js';

const SUFFIX = 'dc=example,dc=test';
const ALICE = `uid=alice,ou=people,${SUFFIX}`;
const COMMAND_TIMEOUT_MS = 10_000;

// protocolOp tags, written out here so the script does not depend on the decoder.
const Op = {
  bind: 0x60,
  unbind: 0x42,
  search: 0x63,
  modify: 0x66,
  add: 0x68,
  delete: 0x4a,
  modifyDN: 0x6c,
  compare: 0x6e,
  abandon: 0x50,
  extended: 0x77,
  bindResponse: 0x61,
  searchResultEntry: 0x64,
  searchResultDone: 0x65,
  modifyResponse: 0x67,
  addResponse: 0x69,
  delResponse: 0x6b,
  modDNResponse: 0x6d,
  compareResponse: 0x6f,
  searchResultReference: 0x73,
  extendedResponse: 0x78,
} as const;

interface Traffic {
  readonly requests: Uint8Array[];
  readonly responses: Uint8Array[];
}

interface Fixture {
  readonly file: string;
  readonly pick: (traffic: Traffic) => Uint8Array | undefined;
}

interface Run {
  readonly target: 'responder' | 'slapd';
  readonly args: readonly string[];
  readonly stdin?: string;
  /** Responder only: answer a search with one entry and no searchResultDone (so the client can abandon it). */
  readonly unfinishedSearch?: boolean;
  readonly fixtures: readonly Fixture[];
}

/** The nth frame with the given protocolOp tag. */
function request(tag: number, nth = 0): Fixture['pick'] {
  return (traffic) => traffic.requests.filter((frame) => opTag(frame) === tag)[nth];
}

function response(tag: number, nth = 0): Fixture['pick'] {
  return (traffic) => traffic.responses.filter((frame) => opTag(frame) === tag)[nth];
}

function search(file: string, ...args: string[]): Run {
  return {
    target: 'responder',
    args: ['ldapsearch', '-x', ...args],
    fixtures: [{ file, pick: request(Op.search) }],
  };
}

const PEOPLE = `ou=people,${SUFFIX}`;

const REQUEST_RUNS: readonly Run[] = [
  {
    target: 'responder',
    args: ['ldapsearch', '-x', '-b', SUFFIX, '(objectclass=*)'],
    fixtures: [
      { file: 'bind-anonymous-request.hex', pick: request(Op.bind) },
      { file: 'search-present-request.hex', pick: request(Op.search) },
      { file: 'unbind-request.hex', pick: request(Op.unbind) },
    ],
  },
  search(
    'search-attributes-request.hex',
    '-b',
    PEOPLE,
    '-s',
    'one',
    '-a',
    'always',
    '(uid=alice)',
    'cn',
    'mail',
    'telephoneNumber',
  ),
  search('search-base-scope-request.hex', '-b', '', '-s', 'base', '(objectClass=*)', '+'),
  search('search-paged-request.hex', '-b', SUFFIX, '-E', 'pr=50/noprompt', '(objectClass=person)'),
  search('search-paged-critical-request.hex', '-b', SUFFIX, '-E', '!pr=10/noprompt', '(objectClass=person)'),
  search('search-unknown-control-request.hex', '-b', SUFFIX, '-e', '!1.3.6.1.4.1.99999.1=AAEC', '(cn=x)'),
  search('search-size-limit-request.hex', '-b', SUFFIX, '-z', '5', '(objectClass=person)'),
  search('search-time-limit-request.hex', '-b', SUFFIX, '-l', '3', '(objectClass=person)'),
  search('search-types-only-request.hex', '-b', SUFFIX, '-A', '(objectClass=person)'),
  search('filter-or-substrings-request.hex', '-b', SUFFIX, '(|(cn=*abc*)(sn=*abc*))'),
  search('filter-and-request.hex', '-b', SUFFIX, '(&(objectCategory=person)(objectClass=user))'),
  search('filter-initial-substring-request.hex', '-b', SUFFIX, '(telephoneNumber=+49 30 1234*)'),
  search('filter-final-substring-request.hex', '-b', SUFFIX, '(mail=*@example.test)'),
  search('filter-approx-request.hex', '-b', SUFFIX, '(cn~=mull)'),
  search('filter-greater-or-equal-request.hex', '-b', SUFFIX, '(cn>=m)'),
  search('filter-less-or-equal-request.hex', '-b', SUFFIX, '(cn<=m)'),
  search('filter-not-request.hex', '-b', SUFFIX, '(!(cn=x))'),
  search('filter-extensible-attribute-rule-request.hex', '-b', SUFFIX, '(cn:caseExactMatch:=x)'),
  search('filter-extensible-dn-rule-request.hex', '-b', SUFFIX, '(:dn:2.5.13.5:=y)'),
  search(
    'filter-extensible-bitwise-request.hex',
    '-b',
    SUFFIX,
    '(userAccountControl:1.2.840.113556.1.4.803:=2)',
  ),
  search('filter-escapes-utf8-request.hex', '-b', SUFFIX, '(&(cn=\\2a\\28\\29\\5c\\00)(sn=Müller))'),
  {
    target: 'responder',
    args: ['ldapwhoami', '-x', '-D', ALICE, '-w', 'pw-alice'],
    fixtures: [
      { file: 'bind-simple-dn-request.hex', pick: request(Op.bind) },
      { file: 'whoami-request.hex', pick: request(Op.extended) },
    ],
  },
  {
    target: 'responder',
    args: ['ldapwhoami', '-x', '-D', 'EXAMPLE\\alice', '-w', 'pw'],
    fixtures: [{ file: 'bind-domain-user-request.hex', pick: request(Op.bind) }],
  },
  {
    target: 'responder',
    args: ['ldapwhoami', '-x', '-D', 'alice@example.test', '-w', 'pw'],
    fixtures: [{ file: 'bind-upn-request.hex', pick: request(Op.bind) }],
  },
  {
    target: 'responder',
    args: ['ldapsearch', '-x', '-P', '2', '-D', ALICE, '-w', 'pw', '-b', SUFFIX, '(uid=alice)'],
    fixtures: [{ file: 'bind-v2-request.hex', pick: request(Op.bind) }],
  },
  {
    // PLAIN comes with Debian's libsasl2-modules; `-O none` lifts the default ban on plaintext mechanisms.
    target: 'responder',
    args: ['ldapwhoami', '-O', 'none', '-Y', 'PLAIN', '-U', 'alice', '-w', 'pw'],
    fixtures: [{ file: 'bind-sasl-plain-request.hex', pick: request(Op.bind) }],
  },
  {
    target: 'responder',
    args: ['ldapcompare', '-x', ALICE, 'sn:Müller'],
    fixtures: [{ file: 'compare-request.hex', pick: request(Op.compare) }],
  },
  {
    target: 'responder',
    args: ['ldapmodify', '-x'],
    stdin: `dn: ${ALICE}\nchangetype: modify\nreplace: mail\nmail: alice@example.test\n`,
    fixtures: [{ file: 'modify-request.hex', pick: request(Op.modify) }],
  },
  {
    target: 'responder',
    args: ['ldapadd', '-x'],
    stdin: `dn: uid=dave,${PEOPLE}\nobjectClass: inetOrgPerson\nuid: dave\ncn: Dave\nsn: Dave\n`,
    fixtures: [{ file: 'add-request.hex', pick: request(Op.add) }],
  },
  {
    target: 'responder',
    args: ['ldapdelete', '-x', `uid=bob,${PEOPLE}`],
    fixtures: [{ file: 'delete-request.hex', pick: request(Op.delete) }],
  },
  {
    target: 'responder',
    args: ['ldapmodrdn', '-x', '-r', `uid=bob,${PEOPLE}`, 'uid=robert'],
    fixtures: [{ file: 'modify-dn-request.hex', pick: request(Op.modifyDN) }],
  },
  {
    target: 'responder',
    args: ['ldappasswd', '-x', '-D', ALICE, '-w', 'pw-alice', '-s', 'new-secret'],
    fixtures: [{ file: 'password-modify-request.hex', pick: request(Op.extended) }],
  },
  {
    target: 'responder',
    args: ['ldapsearch', '-x', '-e', '!abandon', '-b', SUFFIX, '(objectClass=person)'],
    unfinishedSearch: true,
    fixtures: [{ file: 'abandon-request.hex', pick: request(Op.abandon) }],
  },
];

const RESPONSE_RUNS: readonly Run[] = [
  {
    target: 'slapd',
    args: ['ldapwhoami', '-x', '-D', ALICE, '-w', 'pw-alice'],
    fixtures: [
      { file: 'bind-success-response.hex', pick: response(Op.bindResponse) },
      { file: 'whoami-response.hex', pick: response(Op.extendedResponse) },
    ],
  },
  {
    target: 'slapd',
    args: ['ldapwhoami', '-x', '-D', ALICE, '-w', 'wrong'],
    fixtures: [{ file: 'bind-invalid-credentials-response.hex', pick: response(Op.bindResponse) }],
  },
  {
    target: 'slapd',
    args: ['ldapsearch', '-x', '-b', PEOPLE, '(uid=alice)', 'cn', 'sn', 'telephoneNumber', 'mail'],
    fixtures: [
      { file: 'search-entry-response.hex', pick: response(Op.searchResultEntry) },
      { file: 'search-done-response.hex', pick: response(Op.searchResultDone) },
    ],
  },
  {
    target: 'slapd',
    args: ['ldapsearch', '-x', '-A', '-b', PEOPLE, '(uid=alice)', 'cn', 'telephoneNumber'],
    fixtures: [{ file: 'search-entry-types-only-response.hex', pick: response(Op.searchResultEntry) }],
  },
  {
    target: 'slapd',
    args: ['ldapsearch', '-x', '-z', '1', '-b', PEOPLE, '(objectClass=inetOrgPerson)', 'uid'],
    fixtures: [{ file: 'search-done-size-limit-response.hex', pick: response(Op.searchResultDone) }],
  },
  {
    target: 'slapd',
    args: ['ldapsearch', '-x', '-b', `ou=nowhere,${PEOPLE}`, '(objectClass=*)'],
    fixtures: [{ file: 'search-done-no-such-object-response.hex', pick: response(Op.searchResultDone) }],
  },
  {
    target: 'slapd',
    args: ['ldapsearch', '-x', '-E', 'pr=2/noprompt', '-b', PEOPLE, '(objectClass=inetOrgPerson)', 'uid'],
    fixtures: [
      { file: 'search-done-paged-response.hex', pick: response(Op.searchResultDone, 0) },
      { file: 'search-done-paged-last-response.hex', pick: response(Op.searchResultDone, 1) },
    ],
  },
  {
    target: 'slapd',
    args: ['ldapsearch', '-x', '-b', SUFFIX, '(ou=*)', 'ou'],
    fixtures: [{ file: 'search-reference-response.hex', pick: response(Op.searchResultReference) }],
  },
  {
    target: 'slapd',
    args: ['ldapsearch', '-x', '-b', `ou=elsewhere,${SUFFIX}`, '-s', 'base', '(objectClass=*)'],
    fixtures: [{ file: 'search-done-referral-response.hex', pick: response(Op.searchResultDone) }],
  },
  {
    target: 'slapd',
    args: ['ldapcompare', '-x', ALICE, 'sn:Müller'],
    fixtures: [{ file: 'compare-true-response.hex', pick: response(Op.compareResponse) }],
  },
  {
    target: 'slapd',
    args: ['ldapcompare', '-x', ALICE, 'sn:Smith'],
    fixtures: [{ file: 'compare-false-response.hex', pick: response(Op.compareResponse) }],
  },
  {
    target: 'slapd',
    args: ['ldapdelete', '-x', `uid=bob,${PEOPLE}`],
    fixtures: [{ file: 'delete-refused-response.hex', pick: response(Op.delResponse) }],
  },
];

const SEED_LDIF = `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ${PEOPLE}
objectClass: organizationalUnit
ou: people

dn: ${ALICE}
objectClass: inetOrgPerson
uid: alice
cn: Alice Müller
cn: Alice Mueller
sn: Müller
givenName: Alice
mail: alice@example.test
telephoneNumber: +49 30 1234567-10
telephoneNumber: +49 30 1234567-11
userPassword: pw-alice

dn: uid=bob,${PEOPLE}
objectClass: inetOrgPerson
uid: bob
cn: Bob Builder
sn: Builder
mail: bob@example.test
telephoneNumber: 030/1234567-12
userPassword: pw-bob

dn: uid=carol,${PEOPLE}
objectClass: inetOrgPerson
uid: carol
cn: Carol Jones
sn: Jones
telephoneNumber: +49 (30) 1234567 13

dn: ou=elsewhere,${SUFFIX}
objectClass: referral
objectClass: extensibleObject
ou: elsewhere
ref: ldap://ldap.other.test/ou=elsewhere,${SUFFIX}
`;

function slapdConfig(dir: string): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile ${dir}/slapd.pid
access to attrs=userPassword by anonymous auth by self write by * none
access to * by * read
database mdb
suffix "${SUFFIX}"
rootdn "cn=admin,${SUFFIX}"
rootpw secret
directory ${dir}/data
`;
}

/** Splits a byte stream into BER elements (definite lengths only; fixtures never use others). */
class Splitter {
  private buffered = Buffer.alloc(0);

  constructor(private readonly onFrame: (frame: Uint8Array) => void) {}

  push(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const size = elementSize(this.buffered);
      if (size === undefined || size > this.buffered.length) return;
      this.onFrame(new Uint8Array(this.buffered.subarray(0, size)));
      this.buffered = this.buffered.subarray(size);
    }
  }
}

/** [header length, content length] of the element at `at`, or undefined if incomplete. */
function header(bytes: Uint8Array, at: number): [number, number] | undefined {
  const first = bytes[at + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return [2, first];
  const count = first & 0x7f;
  if (at + 2 + count > bytes.length) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[at + 2 + i]!;
  return [2 + count, length];
}

function elementSize(bytes: Uint8Array): number | undefined {
  const parts = header(bytes, 0);
  return parts && parts[0] + parts[1];
}

/** The protocolOp tag: the element after the messageID. */
function opTag(frame: Uint8Array): number | undefined {
  const outer = header(frame, 0);
  if (!outer) return undefined;
  const id = header(frame, outer[0]);
  return id && frame[outer[0] + id[0] + id[1]];
}

function messageIdOf(frame: Uint8Array): number {
  const outer = header(frame, 0)!;
  const id = header(frame, outer[0])!;
  return frame
    .subarray(outer[0] + id[0], outer[0] + id[0] + id[1])
    .reduce((value, byte) => value * 256 + byte, 0);
}

function contains(frame: Uint8Array, text: string): boolean {
  return Buffer.from(frame).includes(text);
}

/** What the scripted responder answers, just enough for each tool to carry on. */
function answer(frame: Uint8Array, run: Run): Uint8Array | 'close' | undefined {
  const messageId = messageIdOf(frame);
  const result = { resultCode: 0, matchedDN: '', diagnosticMessage: '' };
  const reply = (response: Response, controls?: Control[]): Uint8Array =>
    encodeResponse({ messageId, response, ...(controls ? { controls } : {}) });
  switch (opTag(frame)) {
    case Op.unbind:
      return 'close';
    case Op.abandon:
      return undefined;
    case Op.bind:
      return reply({ type: 'bindResponse', ...result });
    case Op.search: {
      if (run.unfinishedSearch)
        return reply({ type: 'searchResultEntry', objectName: ALICE, attributes: [] });
      const paged = contains(frame, PAGED_RESULTS_OID)
        ? [
            {
              oid: PAGED_RESULTS_OID,
              critical: false,
              value: encodePagedResultsValue({ size: 0, cookie: new Uint8Array() }),
            },
          ]
        : undefined;
      return reply({ type: 'searchResultDone', ...result }, paged);
    }
    case Op.compare:
      return reply({ type: 'compareResponse', ...result, resultCode: 6 });
    case Op.extended:
      return reply({ type: 'extendedResponse', ...result });
    case Op.modify:
      return reply({ type: 'modifyResponse', ...result });
    case Op.add:
      return reply({ type: 'addResponse', ...result });
    case Op.delete:
      return reply({ type: 'delResponse', ...result });
    case Op.modifyDN:
      return reply({ type: 'modDNResponse', ...result });
    default:
      return 'close';
  }
}

/** Tracks the run in progress and the traffic it produced. */
class Recorder {
  run: Run | undefined;
  traffic: Traffic = { requests: [], responses: [] };
  readonly sockets = new Set<Socket>();

  reset(run: Run): void {
    this.run = run;
    this.traffic = { requests: [], responses: [] };
  }

  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

function startResponder(recorder: Recorder): Server {
  return createServer((socket) => {
    recorder.track(socket);
    socket.on('error', () => undefined);
    const splitter = new Splitter((frame) => {
      recorder.traffic.requests.push(frame);
      const reply = recorder.run && answer(frame, recorder.run);
      if (reply === 'close') socket.end();
      else if (reply) socket.write(reply);
    });
    socket.on('data', (chunk) => splitter.push(chunk));
  });
}

/** A relay to slapd that records both directions. */
function startRelay(recorder: Recorder, slapdPort: number): Server {
  return createServer((client) => {
    recorder.track(client);
    const server = createConnection({ host: '127.0.0.1', port: slapdPort });
    const toServer = new Splitter((frame) => recorder.traffic.requests.push(frame));
    const toClient = new Splitter((frame) => recorder.traffic.responses.push(frame));
    client.on('data', (chunk) => {
      toServer.push(chunk);
      server.write(chunk);
    });
    server.on('data', (chunk) => {
      toClient.push(chunk);
      client.write(chunk);
    });
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    client.on('error', () => undefined);
    server.on('error', () => undefined);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((done) => probe.close(done));
  return port;
}

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
}

function execute(
  args: readonly string[],
  stdin?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Exit> {
  return new Promise((done, fail) => {
    const [command, ...rest] = args;
    const child = spawn(command!, rest, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

async function settle(recorder: Recorder): Promise<void> {
  for (let i = 0; i < 50 && recorder.sockets.size > 0; i++) await new Promise((done) => setTimeout(done, 20));
  for (const socket of recorder.sockets) socket.destroy();
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Bash's $'...' form, so a multi-line stdin stays on the one header line. */
function ansiQuote(text: string): string {
  return `$'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function toHexFixture(command: string, bytes: Uint8Array): string {
  const lines = [`# ${command}`];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(
      Buffer.from(bytes.subarray(i, i + 16))
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 '),
    );
  }
  return `${lines.join('\n')}\n`;
}

async function capture(
  runs: readonly Run[],
  recorder: Recorder,
  port: number,
  outDir: string,
): Promise<string[]> {
  const written: string[] = [];
  // No ldap.conf or ~/.ldaprc: the captures must not depend on the machine.
  const env = { ...process.env, LDAPNOINIT: '1' };
  for (const run of runs) {
    recorder.reset(run);
    const [tool, ...rest] = run.args;
    const args = [tool!, '-H', `ldap://127.0.0.1:${port}`, ...rest];
    const exit = await execute(args, run.stdin, env);
    await settle(recorder);
    const shown = [tool!, '-H', 'ldap://127.0.0.1:PORT', ...rest].map(shellQuote).join(' ');
    const command = run.stdin === undefined ? shown : `${shown} <<< ${ansiQuote(run.stdin)}`;
    for (const fixture of run.fixtures) {
      const bytes = fixture.pick(recorder.traffic);
      if (!bytes) {
        console.error(
          `! ${fixture.file}: no such PDU from \`${shown}\` (exit ${exit.code}): ${exit.stderr.trim()}`,
        );
        continue;
      }
      await writeFile(join(outDir, fixture.file), toHexFixture(command, bytes));
      written.push(fixture.file);
    }
  }
  return written;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.on('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.on('error', () => done(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`slapd did not start listening on port ${port}`);
}

async function withSlapd<T>(use: (port: number) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dirbridge-capture-'));
  try {
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'slapd.conf'), slapdConfig(dir));
    await writeFile(join(dir, 'seed.ldif'), SEED_LDIF);
    const seeded = await execute([
      'slapadd',
      '-q',
      '-f',
      join(dir, 'slapd.conf'),
      '-l',
      join(dir, 'seed.ldif'),
    ]);
    if (seeded.code !== 0) throw new Error(`slapadd failed: ${seeded.stderr}`);
    const port = await freePort();
    const slapd = spawn(
      'slapd',
      ['-f', join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'],
      {
        stdio: 'ignore',
      },
    );
    try {
      await waitForPort(port);
      return await use(port);
    } finally {
      slapd.kill('SIGTERM');
      await new Promise((done) => slapd.once('close', done));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? 'test/protocol/fixtures');
  await mkdir(outDir, { recursive: true });
  const recorder = new Recorder();

  const responder = startResponder(recorder);
  const written = await capture(REQUEST_RUNS, recorder, await listen(responder), outDir);
  responder.close();

  written.push(
    ...(await withSlapd(async (slapdPort) => {
      const relay = startRelay(recorder, slapdPort);
      try {
        return await capture(RESPONSE_RUNS, recorder, await listen(relay), outDir);
      } finally {
        relay.close();
      }
    })),
  );
  const expected = [...REQUEST_RUNS, ...RESPONSE_RUNS].flatMap((run) => run.fixtures).length;
  console.log(`wrote ${written.length} of ${expected} fixtures to ${outDir}`);
  if (written.length !== expected) process.exitCode = 1;
}

await main();
