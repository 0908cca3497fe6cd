/**
 * A reload swaps in a directory over other mounts (directory.remount): the new one sees the new set
 * at once, the old one goes on serving the searches begun on it, and a mount taken out closes only
 * when the last search walking it ends.
 */
import { describe, expect, it } from 'vitest';
import type { Directory, DirectorySearch } from '../../src/directory/directory.js';
import { Namespace } from '../../src/directory/namespace.js';
import { parseFilter } from '../../src/filter/parse.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { RecordsSource, TEST_SUFFIX, buildTestDirectory, testMount } from '../support/test-directory.js';

const signal = new AbortController().signal;

function person(id: string, cn: string): SourceRecord {
  const uuid = `3f2504e0-4f89-41d3-9a0c-0305e82c33${id}`;
  return { id: uuid, uuid, fields: { cn: [cn], objectClass: ['person'] } };
}

/** A source that says whether it was closed. */
class ClosingSource extends RecordsSource {
  closed = false;
  override close(): Promise<void> {
    this.closed = true;
    return super.close();
  }
}

const EVERYONE: DirectorySearch = {
  base: TEST_SUFFIX,
  scope: 'sub',
  filter: parseFilter('(cn=*)'),
  attributes: ['cn'],
  typesOnly: false,
};

async function names(hits: AsyncIterable<{ attributes: readonly { values: readonly unknown[] }[] }>) {
  const found: string[] = [];
  for await (const hit of hits) found.push(String(hit.attributes[0]?.values[0]));
  return found;
}

async function twoSources(): Promise<{ directory: Directory; people: ClosingSource }> {
  const spec = { name: 'people', records: [person('01', 'Anna Müller')] };
  const people = new ClosingSource(spec);
  const { directory } = buildTestDirectory([
    { ...spec, source: people },
    { name: 'contacts', records: [person('02', 'Bert Berger')] },
  ]);
  await directory.start(signal);
  return { directory, people };
}

/** The directory without `people`, with `partners` added after `contacts`. */
async function remounted(directory: Directory): Promise<Directory> {
  const partners = testMount({ name: 'partners', records: [person('03', 'Carla Conti')] });
  await partners.start(signal);
  const contacts = directory.mounts.find((mount) => mount.name === 'contacts')!;
  return directory.remount({
    namespace: new Namespace(TEST_SUFFIX, ['contacts', 'partners'], directory.schema),
    evaluator: directory.evaluator,
    mounts: [contacts, partners],
  });
}

describe('Directory.remount', () => {
  it('serves the new set of mounts, keeping the unchanged ones and the start time', async () => {
    const { directory } = await twoSources();
    directory.reportListeners(() => [{ url: 'ldap://127.0.0.1:1389', open: 1, accepted: 3 }]);
    const next = await remounted(directory);
    expect(next.mounts.map((mount) => mount.name)).toEqual(['contacts', 'partners']);
    expect(next.mounts[0]).toBe(directory.mounts[1]);
    expect(await names(next.search(EVERYONE, signal))).toEqual(['Bert Berger', 'Carla Conti']);
    const snapshot = next.monitorSnapshot();
    expect(snapshot.startedAt).toBe(directory.monitorSnapshot().startedAt);
    expect(snapshot.sources.map((source) => source.name)).toEqual(['contacts', 'partners']);
    expect(snapshot.listeners).toEqual(directory.monitorSnapshot().listeners);
    // The old directory is left as it was, for the searches begun on it.
    expect(await names(directory.search(EVERYONE, signal))).toEqual(['Anna Müller', 'Bert Berger']);
  });

  it('closes a retired mount only once the search walking it has ended', async () => {
    const { directory, people } = await twoSources();
    const hits = directory.search(EVERYONE, signal);
    const first = await hits.next();
    if (first.done) throw new Error('the search found nobody');
    await remounted(directory);
    const closed = directory.mounts[0]!.retire();
    await new Promise(setImmediate);
    expect(people.closed).toBe(false);
    // The search goes on over the retired mount to its end, as a paged import between pages does.
    const rest = await names(hits);
    expect([String(first.value.attributes[0]?.values[0]), ...rest]).toEqual(['Anna Müller', 'Bert Berger']);
    await closed;
    expect(people.closed).toBe(true);
  });

  it('closes a retired mount after its grace even while a search is parked on it, and the search still ends', async () => {
    const { directory, people } = await twoSources();
    const hits = directory.search(EVERYONE, signal);
    const first = await hits.next();
    if (first.done) throw new Error('the search found nobody');
    await remounted(directory);
    await directory.mounts[0]!.retire(20);
    expect(people.closed).toBe(true);
    // Continued after the close, the search reads what the copy held and ends.
    expect(await names(hits)).toEqual(['Bert Berger']);
  });

  it('closes a retired mount at once when no search walks it', async () => {
    const { directory, people } = await twoSources();
    await directory.mounts[0]!.retire();
    expect(people.closed).toBe(true);
  });
});
