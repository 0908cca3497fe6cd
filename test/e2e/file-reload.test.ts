/**
 * A running dirbridge over a CSV that changes under it: each good version is served within a few
 * seconds, on connections opened before the change, and a broken version never replaces a good one.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';

const HEADER = 'id,cn,sn,telephoneNumber';
const ANNA = 'p1,Anna Müller,Müller,+49 30 1234567-12';
const KLAUS = 'p2,Klaus Mueller,Mueller,030 1234567-13';
/** How long a change may take to be served: settle time, re-read and index rebuild, with room to spare. */
const VISIBLE_WITHIN_MS = 5_000;

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-reload-'));
const csv = join(folder, 'phonebook.csv');
let server: DirbridgeProcess;
/** Connected and bound before any change, and used throughout. */
let client: Client;

beforeAll(async () => {
  writeFileSync(csv, `${HEADER}\n${ANNA}\n${KLAUS}\n`);
  server = await startDirbridge({ config: { sources: [{ name: 'book', type: 'file', path: csv }] } });
  client = new Client({ url: server.url, timeout: 10_000 });
  await client.bind('', '');
});

afterAll(async () => {
  await client.unbind();
  await server.stop();
});

async function names(): Promise<string[]> {
  const { searchEntries } = await client.search(SUFFIX, { filter: '(sn=*)', attributes: ['cn'] });
  return searchEntries.map((entry) => String(entry.cn)).sort();
}

/** Polls until the directory serves `expected`; returns how long that took. */
async function servedWithin(expected: readonly string[], ms = VISIBLE_WITHIN_MS): Promise<number> {
  const started = Date.now();
  let seen: string[] = [];
  while (Date.now() - started < ms) {
    seen = await names();
    if (JSON.stringify(seen) === JSON.stringify([...expected].sort())) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`still serving ${JSON.stringify(seen)} after ${ms} ms`);
}

/** Waits for a log line matching `pattern` that was written after `from` characters of output. */
async function logged(pattern: RegExp, from: number, ms = VISIBLE_WITHIN_MS): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    const line = server
      .output()
      .slice(from)
      .split('\n')
      .find((l) => pattern.test(l));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no log line matching ${String(pattern)} within ${ms} ms:\n${server.output().slice(from)}`);
}

/** The server's connection ids of every search logged so far. */
function searchConnections(): Set<number> {
  const ids = server
    .output()
    .split('\n')
    .filter((line) => line.includes('"op":"search"'))
    .map((line) => (JSON.parse(line) as { conn: number }).conn);
  return new Set(ids);
}

describe('file source reload', () => {
  it('serves a file rewritten in place, on the connection opened before the change', async () => {
    expect(await names()).toEqual(['Anna Müller', 'Klaus Mueller']);
    writeFileSync(csv, `${HEADER}\n${ANNA}\np3,Jörg Schröder,Schröder,030/1234567-14\n`);
    await servedWithin(['Anna Müller', 'Jörg Schröder']);
    expect(await logged(/replica updated/, 0)).toContain('"entries":2');
    // One connection served every search: the reload dropped nobody.
    expect(searchConnections().size).toBe(1);
  });

  it('serves a file replaced by writing a temporary file and renaming it', async () => {
    const temporary = join(folder, '.phonebook.csv.partial');
    writeFileSync(temporary, `${HEADER}\n${ANNA}\n${KLAUS}\np4,Zoë Ångström,Ångström,+46 8 123 456 78\n`);
    renameSync(temporary, csv);
    await servedWithin(['Anna Müller', 'Klaus Mueller', 'Zoë Ångström']);
    expect(searchConnections().size).toBe(1);
  });

  it('serves the good rows of a file with bad ones and logs the bad rows with their line', async () => {
    const from = server.output().length;
    writeFileSync(csv, `${HEADER}\n${ANNA}\np5,Broken,Row\n${KLAUS}\n`);
    await servedWithin(['Anna Müller', 'Klaus Mueller']);
    const line = await logged(/row skipped/, from);
    expect(line).toContain(`${csv}:3:`);
  });

  it('keeps the last good data when a rewrite cannot be parsed or the file disappears', async () => {
    const good = await names();
    let from = server.output().length;
    // Bytes that are not UTF-8: the whole file is unusable.
    writeFileSync(csv, Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xc3, 0x28, 0xff, 0x0a])]));
    expect(await logged(/not reloaded/, from)).toContain('not valid utf8 text');
    expect(await names()).toEqual(good);
    from = server.output().length;
    rmSync(csv);
    expect(await logged(/not reloaded/, from)).toContain('file not found');
    expect(await names()).toEqual(good);
    // When a good file returns, it is served again.
    writeFileSync(csv, `${HEADER}\n${KLAUS}\n`);
    await servedWithin(['Klaus Mueller']);
    expect(searchConnections().size).toBe(1);
    expect(server.child.exitCode).toBeNull();
  });
});
