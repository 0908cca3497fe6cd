import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSource } from '../../../src/sources/file/index.js';
import type { FileSource } from '../../../src/sources/file/index.js';

const root = mkdtempSync(join(tmpdir(), 'dirbridge-file-reload-'));
const signal = new AbortController().signal;
const sources: FileSource[] = [];

afterEach(async () => {
  for (const source of sources.splice(0)) await source.close();
});

interface Followed {
  readonly path: string;
  readonly source: FileSource;
  readonly warnings: string[];
  readonly changes: () => number;
}

/** A file source over a fresh CSV, loaded and followed (as a replica follows it). */
async function followed(content = 'id,cn\n1,Anna\n'): Promise<Followed> {
  const path = join(mkdtempSync(join(root, 'case-')), 'phonebook.csv');
  writeFileSync(path, content);
  const warnings: string[] = [];
  const logger = { warn: (_obj: object, msg: string) => warnings.push(msg) };
  const source = createFileSource(
    { name: 'test', type: 'file', path },
    { logger, watch: { settleMs: 30, pollMs: 60_000 } },
  );
  sources.push(source);
  await source.open();
  let changes = 0;
  source.onChange(() => changes++);
  // The watch starts with a stat of the file; let it take its baseline before the test edits.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { path, source, warnings, changes: () => changes };
}

async function names(source: FileSource): Promise<string[]> {
  const out: string[] = [];
  for await (const record of source.search({}, signal)) out.push(record.fields.cn?.[0] ?? '');
  return out;
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('file source reload on change', () => {
  it('re-reads a rewritten file, swaps the copy and tells its followers', async () => {
    const { path, source, changes } = await followed();
    writeFileSync(path, 'id,cn\n1,Anna\n2,Björn\n');
    await until(() => changes() === 1);
    expect(await names(source)).toEqual(['Anna', 'Björn']);
  });

  it('follows a file replaced by rename', async () => {
    const { path, source, changes } = await followed();
    const temporary = `${path}.tmp`;
    writeFileSync(temporary, 'id,cn\n7,Zoë\n');
    renameSync(temporary, path);
    await until(() => changes() === 1);
    expect(await names(source)).toEqual(['Zoë']);
  });

  it('serves the good rows of a file with bad ones, and logs the bad ones with their lines', async () => {
    const { path, source, warnings, changes } = await followed();
    writeFileSync(path, 'id,cn\n1,Anna\n2,Bob,extra\n3,Clara\n');
    await until(() => changes() === 1);
    expect(await names(source)).toEqual(['Anna', 'Clara']);
    expect(warnings.some((w) => w.includes(`${path}:3:`) && w.includes('row skipped'))).toBe(true);
  });

  it('keeps the last good copy when the file cannot be parsed, and logs why', async () => {
    const { path, source, warnings, changes } = await followed('id,cn\n1,Anna\n2,Bob\n');
    writeFileSync(path, Buffer.from([0x69, 0x64, 0x2c, 0x63, 0x6e, 0x0a, 0xff, 0xfe, 0x0a]));
    await until(() => warnings.some((w) => w.includes('not reloaded')));
    expect(warnings.join('\n')).toMatch(/not valid utf8 text.*still serving the 2 records loaded at/);
    expect(await names(source)).toEqual(['Anna', 'Bob']);
    expect(changes()).toBe(0);
    // A good version afterwards is picked up as usual.
    writeFileSync(path, 'id,cn\n3,Clara\n');
    await until(() => changes() === 1);
    expect(await names(source)).toEqual(['Clara']);
  });

  it('keeps the last good copy when the file is emptied or disappears', async () => {
    const { path, source, warnings } = await followed();
    writeFileSync(path, '');
    await until(() => warnings.some((w) => w.includes('no header row')));
    rmSync(path);
    await until(() => warnings.some((w) => w.includes('file not found')));
    expect(await names(source)).toEqual(['Anna']);
  });

  it('stops watching when closed', async () => {
    const { path, source, changes } = await followed();
    await source.close();
    writeFileSync(path, 'id,cn\n2,Bob\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes()).toBe(0);
  });

  it('does not watch a source nobody follows', async () => {
    const path = join(mkdtempSync(join(root, 'unfollowed-')), 'phonebook.csv');
    writeFileSync(path, 'id,cn\n1,Anna\n');
    const source = createFileSource({ name: 'test', type: 'file', path }, { watch: { settleMs: 10 } });
    sources.push(source);
    expect(await names(source)).toEqual(['Anna']);
    writeFileSync(path, 'id,cn\n2,Bob\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await names(source)).toEqual(['Anna']);
  });
});
