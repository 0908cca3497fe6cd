/**
 * While a reload builds a new mount of a source, the running mount's snapshot schedule is held: it
 * writes nothing over the file the new mount restores from and writes. Released (the new mount
 * failed), it writes its copy again at once.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotSchedule } from '../../src/replica/snapshot-schedule.js';
import { engineFor, people } from '../support/replica-engine-harness.js';
import { ScriptedFeedSource } from '../support/scripted-feed-source.js';

const signal = new AbortController().signal;

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dirbridge-schedule-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function loadedSchedule(file: string): Promise<SnapshotSchedule> {
  const { engine } = engineFor(new ScriptedFeedSource('crm', people(20)));
  await engine.sync(signal);
  return new SnapshotSchedule(engine, file, 'map-1', undefined, 0);
}

const exists = (file: string): Promise<boolean> =>
  readFile(file).then(
    () => true,
    () => false,
  );

describe('SnapshotSchedule.hold', () => {
  it('writes nothing while held, not even on close', async () => {
    const file = join(folder, 'crm.snapshot');
    const schedule = await loadedSchedule(file);
    await schedule.hold();
    schedule.changed();
    await schedule.flush();
    await schedule.close();
    expect(await exists(file)).toBe(false);
  });

  it('writes the copy again once released', async () => {
    const file = join(folder, 'crm.snapshot');
    const schedule = await loadedSchedule(file);
    await schedule.hold();
    schedule.changed();
    schedule.release();
    await schedule.close();
    expect(await exists(file)).toBe(true);
  });
});
