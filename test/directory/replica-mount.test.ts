/**
 * A replica mount with a data folder: it writes a snapshot after its first load; a restart serves the
 * snapshot at once, marked stale, and resumes from its cursor; a snapshot it must not serve is
 * removed, logged and replaced by a full load; a held sync is written to the data folder and let
 * through by the operator's acceptance there; a changed copy is written again on close.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { ReplicaMount } from '../../src/directory/replica-mount.js';
import { parseFilter } from '../../src/filter/parse.js';
import { FieldMap, IDENTITY_MAP } from '../../src/mapping/field-map.js';
import { Schema } from '../../src/schema/schema.js';
import { people } from '../support/replica-engine-harness.js';
import { person, ScriptedFeedSource } from '../support/scripted-feed-source.js';

const schema = Schema.load();
const signal = new AbortController().signal;

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dirbridge-mount-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function logger() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

function mountOf(source: ScriptedFeedSource, log = logger(), fingerprint = 'f1') {
  const namespace = new Namespace('dc=test', [source.name], schema);
  const map = new FieldMap(schema, IDENTITY_MAP);
  const presenter = new Presenter(source.name, 'users', map, namespace);
  const mount = new ReplicaMount({
    source,
    map,
    presenter,
    schema,
    defaultCountry: 'DE',
    dataDir,
    fingerprint,
    logger: log,
  });
  return { mount, log };
}

function names(mount: ReplicaMount, filter: string): string[] {
  return [...mount.candidates(parseFilter(filter))]
    .flat()
    .map((entry) => entry.attributes.get('cn')!.values[0]!)
    .sort();
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ReplicaMount with a data folder', () => {
  it('writes a snapshot after the first load; a restart serves it at once, stale, then resumes from the cursor', async () => {
    const first = new ScriptedFeedSource('crm', people(100));
    const { mount } = mountOf(first);
    await mount.start(signal);
    expect(await readdir(dataDir)).toEqual(['crm.snapshot']);
    await mount.close();

    const again = new ScriptedFeedSource('crm', []);
    let answer: () => void = () => undefined;
    const backendAnswers = new Promise<void>((resolve) => (answer = resolve));
    const blocked = again.changeFeed();
    again.changeFeed = () => ({
      ...blocked,
      changes: async function* (cursor, s) {
        await backendAnswers;
        yield* blocked.changes!(cursor, s);
      },
    });
    again.rounds.push({
      items: [
        { kind: 'upsert', record: person(7, 'Zoe Seven') },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    const { mount: restarted, log } = mountOf(again);
    await restarted.start(signal);
    expect(restarted.entryCount).toBe(100);
    expect(restarted.status.state).toBe('stale');
    expect(restarted.status.staleSince).toBeInstanceOf(Date);
    expect(names(restarted, '(cn=Person 7)')).toEqual(['Person 7']);
    expect(log.info).toHaveBeenCalledWith(
      expect.objectContaining({ entries: 100 }),
      expect.stringMatching(/restored from its snapshot/),
    );
    answer();
    await until(() => restarted.status.state === 'ready', 'the resumed round');
    expect(again.asked).toEqual(['changes c0']);
    expect(names(restarted, '(cn=zoe*)')).toEqual(['Zoe Seven']);
    await restarted.close();

    // The change was written on close: a third start has it without asking the source.
    const third = new ScriptedFeedSource('crm', []);
    const { mount: once } = mountOf(third);
    await once.start(signal);
    expect(names(once, '(cn=zoe*)')).toEqual(['Zoe Seven']);
    await once.close();
  });

  it('removes a damaged snapshot, says so and loads everything from the source', async () => {
    const source = new ScriptedFeedSource('crm', people(50));
    const { mount } = mountOf(source);
    await mount.start(signal);
    await mount.close();
    const file = join(dataDir, 'crm.snapshot');
    const bytes = await readFile(file);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    await writeFile(file, bytes);

    const reloaded = new ScriptedFeedSource('crm', people(60));
    const { mount: restarted, log } = mountOf(reloaded);
    await restarted.start(signal);
    expect(log.warn).toHaveBeenCalledWith(
      { file },
      expect.stringMatching(/snapshot discarded \(its checksum does not match.*loading everything/),
    );
    expect(reloaded.asked).toEqual(['full']);
    expect(restarted.status.state).toBe('ready');
    expect(restarted.entryCount).toBe(60);
    // And a good snapshot replaced it.
    const { mount: third } = mountOf(new ScriptedFeedSource('crm', []));
    await third.start(signal);
    expect(third.entryCount).toBe(60);
    await Promise.all([restarted.close(), third.close()]);
  });

  it('loads in full rather than serve a snapshot written under another map', async () => {
    const { mount } = mountOf(new ScriptedFeedSource('crm', people(10)));
    await mount.start(signal);
    await mount.close();
    const source = new ScriptedFeedSource('crm', people(12));
    const { mount: remapped, log } = mountOf(source, logger(), 'f2');
    await remapped.start(signal);
    expect(source.asked).toEqual(['full']);
    expect(remapped.entryCount).toBe(12);
    expect(log.warn).toHaveBeenCalledWith(expect.anything(), expect.stringMatching(/another map/));
    await remapped.close();
  });

  it('writes a held sync to the data folder and applies it once the operator accepts it there', async () => {
    const source = new ScriptedFeedSource('crm', people(100));
    const { mount } = mountOf(source);
    await mount.start(signal);
    source.records = people(60);
    source.rounds.push({ expired: true });
    await mount.refresh(signal);
    expect(mount.status.state).toBe('held');
    expect(mount.status.heldMessage).toMatch(
      /would delete 40 of 100 entries.*dirbridge sync --accept-deletes crm/,
    );
    expect(mount.entryCount).toBe(100);
    const notice = JSON.parse(await readFile(join(dataDir, 'crm.held.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(notice).toMatchObject({ source: 'crm', deletions: 40, entries: 100, limit: 10 });

    // Accepting fewer deletions than are held lets nothing through.
    await writeFile(
      join(dataDir, 'crm.accept-deletes.json'),
      JSON.stringify({ deletions: 39, at: new Date().toISOString() }),
    );
    await until(
      async () => !(await readdir(dataDir)).includes('crm.accept-deletes.json'),
      'the refused acceptance',
    );
    expect(mount.entryCount).toBe(100);
    expect(mount.status.state).toBe('held');

    source.rounds.push({ expired: true });
    await writeFile(
      join(dataDir, 'crm.accept-deletes.json'),
      JSON.stringify({ deletions: 40, at: new Date().toISOString() }),
    );
    await until(() => mount.status.state === 'ready', 'the accepted round');
    expect(mount.entryCount).toBe(60);
    await until(
      async () => (await readdir(dataDir)).sort().join() === 'crm.snapshot',
      'the held files removed',
    );
    await mount.close();
  }, 60_000);
});
