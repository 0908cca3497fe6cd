import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileWatcher } from '../../../src/sources/file/index.js';

const root = mkdtempSync(join(tmpdir(), 'dirbridge-file-watcher-'));
const SETTLE_MS = 50;
const watchers: FileWatcher[] = [];

afterEach(() => {
  for (const watcher of watchers.splice(0)) watcher.close();
});

/** A fresh folder with `phonebook.csv` in it, and a started watcher counting its changes. */
async function watched(
  pollMs = 60_000,
  settleMs = SETTLE_MS,
): Promise<{ path: string; folder: string; changes: () => number }> {
  const folder = mkdtempSync(join(root, 'case-'));
  const path = join(folder, 'phonebook.csv');
  writeFileSync(path, 'id,cn\n1,Anna\n');
  let changes = 0;
  const watcher = new FileWatcher(path, () => changes++, { settleMs, pollMs });
  watchers.push(watcher);
  await watcher.start();
  return { path, folder, changes: () => changes };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

describe('file watcher', () => {
  it('reports a rewrite in place once, after it has held still', async () => {
    const { path, changes } = await watched();
    writeFileSync(path, 'id,cn\n1,Anna\n2,Bob\n');
    await until(() => changes() === 1);
    await sleep(SETTLE_MS * 4);
    expect(changes()).toBe(1);
  });

  it('reports a file replaced by rename (write a temporary file, rename it over)', async () => {
    const { path, folder, changes } = await watched();
    const temporary = join(folder, '.phonebook.csv.tmp');
    writeFileSync(temporary, 'id,cn\n9,Zoë\n');
    renameSync(temporary, path);
    await until(() => changes() === 1);
    // The watch survives the replacement: the new file's next change is seen too.
    writeFileSync(path, 'id,cn\n9,Zoë\n10,Åsa\n');
    await until(() => changes() === 2);
  });

  it('waits while a file is still being written, then reports it once', async () => {
    // A long settle time, so that a slow machine's late timers cannot pass for a pause in writing.
    const { path, changes } = await watched(60_000, 300);
    writeFileSync(path, 'id,cn\n1,An');
    for (let i = 0; i < 5; i++) {
      await sleep(30);
      writeFileSync(path, `id,cn\n1,Anna\n${'2,Bob\n'.repeat(i + 1)}`);
    }
    expect(changes()).toBe(0);
    await until(() => changes() === 1);
    await sleep(700);
    expect(changes()).toBe(1);
  });

  it('reports a removal and the return of the file', async () => {
    const { path, changes } = await watched();
    rmSync(path);
    await until(() => changes() === 1);
    writeFileSync(path, 'id,cn\n1,Anna\n');
    await until(() => changes() === 2);
  });

  it('ignores other files in the folder', async () => {
    const { folder, changes } = await watched();
    writeFileSync(join(folder, 'other.txt'), 'not the phonebook');
    await sleep(SETTLE_MS * 6);
    expect(changes()).toBe(0);
  });

  it('falls back to polling: a folder that appears later is still watched', async () => {
    const folder = join(mkdtempSync(join(root, 'late-')), 'not-yet');
    const path = join(folder, 'phonebook.csv');
    let changes = 0;
    const watcher = new FileWatcher(path, () => changes++, { settleMs: SETTLE_MS, pollMs: 100 });
    watchers.push(watcher);
    await watcher.start();
    mkdirSync(folder);
    writeFileSync(path, 'id,cn\n1,Anna\n');
    await until(() => changes === 1);
    writeFileSync(path, 'id,cn\n1,Anna\n2,Bob\n');
    await until(() => changes === 2);
  });

  it('reports nothing once closed', async () => {
    const { path, changes } = await watched(100);
    watchers.pop()!.close();
    writeFileSync(path, 'id,cn\n2,Bob\n');
    await sleep(400);
    expect(changes()).toBe(0);
  });
});
