/**
 * Snapshots of a replica: a restored engine answers as the one that wrote it, reads no phone number
 * again and resumes from the cursor; a snapshot that is truncated, damaged, of another format
 * version, another source or another map is refused (SnapshotUnusable) and leaves the engine empty;
 * the file is written atomically, readable by its owner only.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SNAPSHOT_MAGIC, SnapshotUnusable } from '../../src/replica/snapshot-format.js';
import { PhoneNumbers } from '../../src/schema/phone-number.js';
import { engineFor, namesFor, people } from '../support/replica-engine-harness.js';
import { person, ScriptedFeedSource } from '../support/scripted-feed-source.js';

const signal = new AbortController().signal;
const FILTERS = [
  '(cn=Person 12)',
  '(cn=*son 1*)',
  '(sn=12*)',
  '(telephoneNumber=+49 30 5550077)',
  '(telephoneNumber=*0077)',
  '(telephoneNumber=0305550123)',
  '(|(cn=*zoe*)(telephoneNumber=*5550*))',
  '(givenName=Zoe)',
];

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dirbridge-snapshot-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(folder, { recursive: true, force: true });
});

/** An engine loaded with 300 people, a round of changes applied (so the index has a recent part), saved. */
async function savedEngine(file: string) {
  const source = new ScriptedFeedSource('crm', people(300));
  const { engine } = engineFor(source);
  await engine.sync(signal);
  source.rounds.push({
    items: [
      { kind: 'upsert', record: person(12, 'Zoe Twelve') },
      { kind: 'delete', id: 'p13' },
      { kind: 'upsert', record: person(400, 'Zoe Late', '+1 212 555 0100') },
      { kind: 'cursor', cursor: 'c1' },
    ],
  });
  await engine.sync(signal);
  // A contains search builds the trigrams of cn, which the snapshot keeps.
  namesFor(engine, '(cn=*erso*)');
  const header = await engine.save(file, 'map-1');
  return { source, engine, header };
}

describe('replica snapshots', () => {
  it('restores a copy that answers every filter as the saved one did, without reading a phone number', async () => {
    const file = join(folder, 'crm.snapshot');
    const read = vi.spyOn(PhoneNumbers.prototype, 'read');
    const { engine: saved, header } = await savedEngine(file);
    expect(header).toMatchObject({ source: 'crm', fingerprint: 'map-1', cursor: 'c1', entries: 300 });
    // A load reads every number; a restore must not.
    expect(read).toHaveBeenCalled();
    read.mockClear();
    const source = new ScriptedFeedSource('crm', []);
    const { engine, presented } = engineFor(source);
    const restored = await engine.restore(file, 'map-1');
    expect(restored).toEqual(header);
    expect(read).not.toHaveBeenCalled();
    expect(presented()).toBe(0);
    expect(engine.loaded).toBe(true);
    expect(engine.size).toBe(300);
    for (const filter of FILTERS) expect(namesFor(engine, filter), filter).toEqual(namesFor(saved, filter));
    expect(namesFor(engine, '(cn=zoe*)')).toEqual(['Zoe Late', 'Zoe Twelve']);
  });

  it('resumes from the cursor it saved, and applies changes to the restored copy', async () => {
    const file = join(folder, 'crm.snapshot');
    await savedEngine(file);
    const source = new ScriptedFeedSource('crm', []);
    const { engine } = engineFor(source);
    await engine.restore(file, 'map-1');
    source.rounds.push({
      items: [
        { kind: 'delete', id: 'p400' },
        { kind: 'upsert', record: person(500, 'Zoe After') },
        { kind: 'cursor', cursor: 'c2' },
      ],
    });
    await engine.sync(signal);
    expect(source.asked).toEqual(['changes c1']);
    expect(namesFor(engine, '(cn=zoe*)')).toEqual(['Zoe After', 'Zoe Twelve']);
    expect(namesFor(engine, '(telephoneNumber=*5550500)')).toEqual(['Zoe After']);
  });

  it('reconciles on the first round after a restore, for a feed that cannot report deletions', async () => {
    const file = join(folder, 'crm.snapshot');
    const { source: saved } = await savedEngine(file);
    // Who the source holds now: p20 was deleted while the copy lay on disk.
    const source = new ScriptedFeedSource(
      'crm',
      saved.records.filter((record) => record.id !== 'p20' && record.id !== 'p13'),
    );
    source.records.push(person(12, 'Zoe Twelve'), person(400, 'Zoe Late', '+1 212 555 0100'));
    source.reportsDeletions = false;
    source.listsIds = true;
    const { engine } = engineFor(source, { reconcileEveryMs: 3_600_000 });
    await engine.restore(file, 'map-1');
    expect(namesFor(engine, '(cn=Person 20)')).toEqual(['Person 20']);
    const outcome = await engine.sync(signal);
    expect(source.asked).toEqual(['changes c1', 'ids']);
    expect(outcome).toEqual({ applied: { upserts: 0, deletions: 1 } });
    expect(namesFor(engine, '(cn=Person 20)')).toEqual([]);
    // Reconciled: the next round within the interval only follows the feed.
    await engine.sync(signal);
    expect(source.asked).toEqual(['changes c1', 'ids', 'changes c1']);
  });

  it('resumes without reconciling after a restore, for a feed that reports deletions', async () => {
    const file = join(folder, 'crm.snapshot');
    await savedEngine(file);
    const source = new ScriptedFeedSource('crm', []);
    source.reconcileEveryMs = 3_600_000;
    const { engine } = engineFor(source);
    await engine.restore(file, 'map-1');
    await engine.sync(signal);
    expect(source.asked).toEqual(['changes c1']);
  });

  it("writes atomically: the file is its owner's alone and no temporary file is left", async () => {
    const file = join(folder, 'crm.snapshot');
    await savedEngine(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(folder)).toEqual(['crm.snapshot']);
  });

  it('leaves the old snapshot whole when a write fails', async () => {
    const file = join(folder, 'crm.snapshot');
    const { engine } = await savedEngine(file);
    const before = await readFile(file);
    await expect(engine.save(join(folder, 'missing', 'crm.snapshot'), 'map-1')).rejects.toThrow(/ENOENT/);
    expect(await readFile(file)).toEqual(before);
  });

  describe('refuses a snapshot it must not serve', () => {
    async function refused(file: string, fingerprint = 'map-1', name = 'crm'): Promise<string> {
      const { engine } = engineFor(new ScriptedFeedSource(name, []));
      const error = await engine.restore(file, fingerprint).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SnapshotUnusable);
      expect(engine.loaded).toBe(false);
      expect(engine.size).toBe(0);
      return (error as Error).message;
    }

    it('truncated anywhere', async () => {
      const file = join(folder, 'crm.snapshot');
      await savedEngine(file);
      const whole = await readFile(file);
      const cut = join(folder, 'cut.snapshot');
      for (const length of [
        0,
        5,
        12,
        40,
        1000,
        Math.floor(whole.length / 2),
        whole.length - 33,
        whole.length - 1,
      ]) {
        await writeFile(cut, whole.subarray(0, length));
        expect(await refused(cut), `cut at ${length}`).toMatch(
          /truncated|checksum|past the end|header|short/,
        );
      }
    });

    it('with any byte changed', async () => {
      const file = join(folder, 'crm.snapshot');
      await savedEngine(file);
      const whole = await readFile(file);
      const damaged = join(folder, 'damaged.snapshot');
      for (const at of [
        20,
        200,
        5000,
        Math.floor(whole.length / 3),
        Math.floor(whole.length * 0.9),
        whole.length - 1,
      ]) {
        const copy = Buffer.from(whole);
        copy[at] = copy[at]! ^ 0x41;
        await writeFile(damaged, copy);
        await refused(damaged);
      }
    });

    it('of another format version, not a snapshot at all, or with bytes appended', async () => {
      const file = join(folder, 'crm.snapshot');
      await savedEngine(file);
      const whole = await readFile(file);
      const other = join(folder, 'other.snapshot');
      const version = Buffer.from(whole);
      version.writeUInt32LE(99, SNAPSHOT_MAGIC.length);
      await writeFile(other, version);
      expect(await refused(other)).toMatch(/format 99/);
      await writeFile(other, Buffer.concat([Buffer.from('PK\x03\x04 not ours at all'), Buffer.alloc(64)]));
      expect(await refused(other)).toMatch(/not a dirbridge snapshot/);
      await writeFile(other, Buffer.concat([whole, Buffer.from('tail')]));
      await refused(other);
    });

    it('of another source or written with another map', async () => {
      const file = join(folder, 'crm.snapshot');
      await savedEngine(file);
      expect(await refused(file, 'map-2')).toMatch(/another map/);
      expect(await refused(file, 'map-1', 'hr')).toMatch(/source crm/);
    });
  });
});
