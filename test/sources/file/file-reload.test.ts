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

describe('file source on change', () => {
  it('tells its followers when the file is rewritten, and reads the new version', async () => {
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

  it('serves the good rows of a file with bad ones, and logs the bad ones with their lines once', async () => {
    const { path, source, warnings, changes } = await followed();
    writeFileSync(path, 'id,cn\n1,Anna\n2,Bob,extra\n3,Clara\n');
    await until(() => changes() === 1);
    expect(await names(source)).toEqual(['Anna', 'Clara']);
    expect(await names(source)).toEqual(['Anna', 'Clara']);
    expect(warnings.filter((w) => w.includes(`${path}:3:`) && w.includes('row skipped'))).toHaveLength(1);
  });

  it('a version that cannot be read fails the search (the replica keeps its copy), the next good one is read', async () => {
    const { path, source, changes } = await followed('id,cn\n1,Anna\n2,Bob\n');
    writeFileSync(path, Buffer.from([0x69, 0x64, 0x2c, 0x63, 0x6e, 0x0a, 0xff, 0xfe, 0x0a]));
    await until(() => changes() === 1);
    await expect(names(source)).rejects.toThrow(/not valid utf8 text/);
    rmSync(path);
    await expect(names(source)).rejects.toThrow(/file not found/);
    writeFileSync(path, 'id,cn\n3,Clara\n');
    await until(() => changes() >= 2);
    expect(await names(source)).toEqual(['Clara']);
  });

  it('stops watching when closed', async () => {
    const { path, source, changes } = await followed();
    await source.close();
    writeFileSync(path, 'id,cn\n2,Bob\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes()).toBe(0);
  });
});
