/**
 * Reload without restart (issue 18), against a real process while a PBX import (a paged search, one
 * page at a time, on its own connection) and a phone's number lookups (in a loop, on another) run:
 * SIGHUP with an added account, with a changed file source, with a broken config, and
 * `dirbridge reload`. No connection is dropped, no lookup fails, the import gets every entry.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, InvalidCredentialsError, type SearchResult } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from './support/cli-process.js';
import { demoRows } from './support/demo-data.js';
import {
  DEMO_CSV,
  SUFFIX,
  demoConfig,
  startDirbridge,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { scryptHash } from './support/scrypt-hash.js';
import { registerTestSecret } from './support/test-secrets.js';

const PBX_PASSWORD = registerTestSecret('reload-pbx-Pw-4410');
const PHONES_PASSWORD = registerTestSecret('reload-phones-Pw-5521');
const PBX = { name: 'pbx', passwordHash: scryptHash(PBX_PASSWORD) };
const PHONES = { name: 'phones', passwordHash: scryptHash(PHONES_PASSWORD) };

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-reload-config-'));
const BOOK_V1 = join(folder, 'book-v1.csv');
const BOOK_V2 = join(folder, 'book-v2.csv');
const HEADER = 'id,objectClass,cn,sn,telephoneNumber';
const BOOK_ROWS = ['b1,user,Berta Buch,Buch,+49 40 555-01', 'b2,user,Bodo Buch,Buch,+49 40 555-02'];
writeFileSync(BOOK_V1, [HEADER, ...BOOK_ROWS].join('\n'));
writeFileSync(BOOK_V2, [HEADER, ...BOOK_ROWS, 'b3,user,Zora Neu,Neu,+49 40 555-03'].join('\n'));

/** A demo person's number, as a phone looks up a caller: by digits inside it. */
const ANNA_DIGITS = '456712';
const LOOKUP = `(|(telephoneNumber=*${ANNA_DIGITS}*)(mobile=*${ANNA_DIGITS}*))`;
/** The import's page size: the demo phonebook takes many pages. */
const PAGE_SIZE = 40;
const LIVENESS_MS = 30_000;

function config(options: { accounts?: readonly object[]; book?: string } = {}): Record<string, unknown> {
  return demoConfig({
    directory: { suffix: SUFFIX, dataDir: join(folder, 'data') },
    access: { anonymous: true, accounts: options.accounts ?? [PBX] },
    sources: [
      { name: 'book', type: 'file', path: options.book ?? BOOK_V1 },
      { name: 'demo', type: 'file', path: DEMO_CSV },
    ],
  });
}

let server: DirbridgeProcess;
/** The PBX import's connection, bound once, and its pages. */
let importer: Client;
let pages: AsyncGenerator<SearchResult>;
const imported: string[] = [];
/** The phone's connection and its lookups, running in a loop for the whole file. */
let phone: Client;
let lookups = 0;
const lookupFailures: string[] = [];
let lookingUp = true;
let lookupLoop: Promise<void>;

beforeAll(async () => {
  server = await startDirbridge({ config: config(), logName: 'reload' });
  importer = new Client({ url: server.url, timeout: LIVENESS_MS });
  await importer.bind('pbx', PBX_PASSWORD);
  pages = importer.searchPaginated(`ou=demo,${SUFFIX}`, {
    scope: 'sub',
    filter: '(objectClass=person)',
    attributes: ['cn'],
    paged: { pageSize: PAGE_SIZE },
  });
  phone = new Client({ url: server.url, timeout: LIVENESS_MS });
  lookupLoop = lookUpInALoop();
});

afterAll(async () => {
  lookingUp = false;
  await lookupLoop;
  await importer.unbind();
  await phone.unbind();
  await server.stop();
});

async function lookUpInALoop(): Promise<void> {
  while (lookingUp) {
    try {
      const { searchEntries } = await phone.search(SUFFIX, {
        filter: LOOKUP,
        attributes: ['cn'],
        sizeLimit: 5,
      });
      const names = searchEntries.map((entry) => String(entry.cn));
      if (!names.includes('Anna Müller')) lookupFailures.push(`found ${JSON.stringify(names)}`);
    } catch (error) {
      lookupFailures.push(error instanceof Error ? error.message : String(error));
    }
    lookups++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The next page of the import; false when it has ended. */
async function importPage(): Promise<boolean> {
  const page = await pages.next();
  if (page.done) return false;
  imported.push(...page.value.searchEntries.map((entry) => String(entry.cn)));
  return true;
}

/** Waits for a log line matching `pattern` written after `from` characters of output. */
async function logged(pattern: RegExp, from: number): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < LIVENESS_MS) {
    const line = server
      .output()
      .slice(from)
      .split('\n')
      .find((text) => pattern.test(text));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const events = server
    .output()
    .slice(from)
    .split('\n')
    .filter((line) => !/"op":"(search|bind|unbind)"/.test(line));
  throw new Error(`no log line matching ${String(pattern)} among:\n${events.join('\n')}`);
}

const REPORT = /config reloaded|config not reloaded/;

/** Rewrites the config file and sends SIGHUP; returns the reload's report line. */
async function reloadWith(data: Record<string, unknown> | string): Promise<{ line: string; from: number }> {
  writeFileSync(server.configFile, typeof data === 'string' ? data : stringify(data));
  const from = server.output().length;
  server.child.kill('SIGHUP');
  return { line: await logged(REPORT, from), from };
}

async function binds(name: string, password: string): Promise<boolean> {
  const client = new Client({ url: server.url, timeout: LIVENESS_MS });
  try {
    await client.bind(name, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw error;
  } finally {
    await client.unbind();
  }
}

async function cnsOf(filter: string, base = SUFFIX): Promise<string[]> {
  const client = new Client({ url: server.url, timeout: LIVENESS_MS });
  try {
    const { searchEntries } = await client.search(base, { filter, attributes: ['cn'] });
    return searchEntries.map((entry) => String(entry.cn)).sort();
  } finally {
    await client.unbind();
  }
}

/** The server's connection ids that ran searches whose log line contains `text`. */
function connectionsSearching(text: string): Set<number> {
  return new Set(
    server
      .output()
      .split('\n')
      .filter((line) => line.includes('"op":"search"') && line.includes(text))
      .map((line) => (JSON.parse(line) as { conn: number }).conn),
  );
}

describe('reload without restart', () => {
  it('starts the import and the lookups', async () => {
    expect(await importPage()).toBe(true);
    expect(imported).toHaveLength(PAGE_SIZE);
    const started = Date.now();
    while (lookups < 5 && Date.now() - started < LIVENESS_MS) await new Promise((r) => setTimeout(r, 20));
    expect(lookupFailures).toEqual([]);
  });

  it('SIGHUP with an added account: the account binds, and the connections stay open', async () => {
    expect(await binds('phones', PHONES_PASSWORD)).toBe(false);
    const { line } = await reloadWith(config({ accounts: [PBX, PHONES] }));
    expect(line).toContain('config reloaded: settings: accounts');
    expect(await binds('phones', PHONES_PASSWORD)).toBe(true);
    expect(await binds('pbx', PBX_PASSWORD)).toBe(true);
    // The import goes on with its cookie on the connection bound before the reload.
    expect(await importPage()).toBe(true);
    expect(imported).toHaveLength(2 * PAGE_SIZE);
  });

  it('SIGHUP with a changed file source: its new person is found, the unchanged source is kept', async () => {
    expect(await cnsOf('(sn=Neu)')).toEqual([]);
    // A paged search of the changed source, begun before the reload, one entry a page.
    const bookPages = importer.searchPaginated(`ou=book,${SUFFIX}`, {
      scope: 'one',
      filter: '(objectClass=person)',
      attributes: ['cn'],
      paged: { pageSize: 1 },
    });
    const firstBookPage = await bookPages.next();
    if (firstBookPage.done) throw new Error('the paged search of book ended at once');
    const { line, from } = await reloadWith(config({ accounts: [PBX, PHONES], book: BOOK_V2 }));
    expect(line).toContain('sources changed: book');
    expect(JSON.parse(line)).toMatchObject({ changed: ['book'], unchanged: ['demo'] });
    expect(await cnsOf('(sn=Neu)')).toEqual(['Zora Neu']);
    expect(await cnsOf('(sn=Buch)')).toEqual(['Berta Buch', 'Bodo Buch']);
    // The new book loaded (from its snapshot, then the file); demo's copy was neither loaded nor
    // restored again, nor its snapshot rewritten.
    const since = server.output().slice(from);
    expect(since).toMatch(/"source":"book".*replica (loaded|restored from its snapshot)/);
    expect(since).not.toMatch(/"source":"demo".*replica (loaded|restored|snapshot)/);
    // The paged search of book ends on the source it began on: the two people it had, not Zora;
    // the replaced source closes only then.
    expect(since).not.toMatch(/"source":"book".*source closed/);
    const bookNames = [String(firstBookPage.value.searchEntries[0]?.cn)];
    for await (const page of bookPages)
      bookNames.push(...page.searchEntries.map((entry) => String(entry.cn)));
    expect(bookNames.sort()).toEqual(['Berta Buch', 'Bodo Buch']);
    await logged(/"source":"book".*source closed: a reload replaced or removed it/, from);
    expect(await importPage()).toBe(true);
  });

  it('SIGHUP with a broken config: refused with the errors `dirbridge check` prints, the old one serves', async () => {
    const broken = config({ accounts: [PBX] });
    const text = stringify({
      ...broken,
      directory: { suffix: SUFFIX, sizeLimit: 'lots' },
      sources: [...(broken.sources as object[]), { name: 'other', type: 'nosuch' }],
    });
    const { line } = await reloadWith(text);
    const checked = await runCli(['check', '--config', server.configFile]);
    expect(checked.code).toBe(1);
    const problems = checked.stderr
      .trim()
      .split('\n')
      .map((problem) => problem.replace(/^dirbridge: /, ''));
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(line).toContain('config not reloaded (the running config keeps serving)');
    expect((JSON.parse(line) as { problems: string[] }).problems).toEqual(problems);
    // Nothing of it applied: the account it drops still binds, the changed book still serves.
    expect(await binds('phones', PHONES_PASSWORD)).toBe(true);
    expect(await cnsOf('(sn=Neu)')).toEqual(['Zora Neu']);
    expect(await importPage()).toBe(true);
  });

  it('`dirbridge reload` asks the running server to reload', async () => {
    writeFileSync(server.configFile, stringify(config({ accounts: [PBX], book: BOOK_V2 })));
    const from = server.output().length;
    const result = await runCli(['reload', '--config', server.configFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/asked dirbridge \(pid \d+\) to reload/);
    expect(await logged(REPORT, from)).toContain('config reloaded: settings: accounts');
    expect(await binds('phones', PHONES_PASSWORD)).toBe(false);
  });

  it('SIGHUP with a source that fails to load: the running version serves on, the failure named', async () => {
    const missing = join(folder, 'missing.csv');
    const { line, from } = await reloadWith(config({ accounts: [PBX], book: missing }));
    expect(line).toContain('config reloaded: sources changed: book; not loaded: book');
    const failure = await logged(/the running version keeps serving/, from);
    expect(JSON.parse(failure)).toMatchObject({ source: 'book', level: 50 });
    expect(failure).toContain(`${server.configFile}: sources[0]: `);
    expect(failure).toContain(missing);
    expect(await cnsOf('(sn=Neu)')).toEqual(['Zora Neu']);
    expect(server.output().slice(from)).not.toMatch(/"source":"book".*source closed/);
    expect(await importPage()).toBe(true);
  });

  it('SIGHUP with another listener set: restart needed for listen, the rest applies', async () => {
    const listeners = [{ url: 'ldap://127.0.0.1:0' }, { url: 'ldap://[::1]:0' }];
    const { line, from } = await reloadWith({
      ...config({ accounts: [PBX], book: BOOK_V2 }),
      listen: listeners,
      limits: { maxConnections: 500 },
    });
    expect(line).toContain('config reloaded: settings: limits; restart needed for: listen');
    const warning = await logged(/restart needed for listen/, from);
    expect(JSON.parse(warning)).toMatchObject({ level: 40, setting: 'listen' });
    // The listener it had serves on, to new clients as to those it had.
    expect(await cnsOf('(sn=Neu)')).toEqual(['Zora Neu']);
    expect(await importPage()).toBe(true);
  });

  it('the import got every entry and no lookup failed, each on the connection it opened with', async () => {
    while (await importPage());
    const everyone = demoRows().map((row) => row.cn?.[0] ?? '');
    expect(imported.sort()).toEqual(everyone.sort());
    expect(lookupFailures).toEqual([]);
    expect(lookups).toBeGreaterThan(10);
    expect(connectionsSearching(ANNA_DIGITS).size).toBe(1);
    expect(connectionsSearching('ou=demo').size).toBe(1);
    expect(server.output()).not.toContain('connection dropped');
  });
});
