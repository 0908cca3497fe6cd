import { describe, expect, it } from 'vitest';
import type { MountedSource } from '../../src/directory/mounted-source.js';
import type { Filter } from '../../src/filter/ast.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { testMount } from '../support/test-directory.js';
import { TestSource } from '../support/test-source.js';

const signal = new AbortController().signal;
const ALL: Filter = { type: 'present', attribute: 'objectClass' };

/** A replica-only source whose records the test replaces, announcing each change. */
class ChangingSource extends TestSource {
  records: SourceRecord[] = [];
  readonly #listeners: (() => void)[] = [];

  constructor() {
    super('book', { kind: 'contacts' });
  }

  change(records: SourceRecord[]): void {
    this.records = records;
    for (const listener of this.#listeners) listener();
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  async *search(): AsyncIterable<SourceRecord> {
    await Promise.resolve();
    yield* this.records;
  }
}

function person(id: string, cn: string): SourceRecord {
  return { id, fields: { cn: [cn] } };
}

function mount(source: ChangingSource, logged: string[]): MountedSource {
  const log = (obj: object, msg: string): void => {
    logged.push(`${msg} ${JSON.stringify(obj)}`);
  };
  return testMount({
    name: source.name,
    source,
    mode: 'replica',
    logger: { info: log, warn: log, error: log },
  });
}

async function cns(mounted: MountedSource): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of mounted.candidates(ALL, signal))
    for (const entry of batch) out.push(entry.attributes.get('cn')?.values[0] ?? '');
  return out;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('mounted replica', () => {
  it('rebuilds its index when the source changes, and logs the load and each reload', async () => {
    const source = new ChangingSource();
    source.records = [person('1', 'Anna')];
    const logged: string[] = [];
    const mounted = mount(source, logged);
    await mounted.start(signal);
    expect(await cns(mounted)).toEqual(['Anna']);
    source.change([person('1', 'Anna'), person('2', 'Jörg')]);
    await until(() => mounted.entryCount === 2);
    expect(await cns(mounted)).toEqual(['Anna', 'Jörg']);
    expect(logged[0]).toMatch(/^replica loaded .*"entries":1/);
    expect(logged[1]).toMatch(/^replica updated .*"entries":2/);
  });

  it('coalesces a burst of changes into one rebuild after the running one', async () => {
    const source = new ChangingSource();
    const logged: string[] = [];
    const mounted = mount(source, logged);
    await mounted.start(signal);
    for (let i = 1; i <= 5; i++) source.change(Array.from({ length: i }, (_, n) => person(`${n}`, `P${n}`)));
    await until(() => mounted.entryCount === 5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged.filter((line) => line.startsWith('replica updated')).length).toBeLessThanOrEqual(2);
  });

  it('keeps serving the previous copy when a rebuild fails', async () => {
    const source = new ChangingSource();
    source.records = [person('1', 'Anna')];
    const logged: string[] = [];
    const mounted = mount(source, logged);
    await mounted.start(signal);
    source.change([person('1', 'Anna'), person('1', 'Anna again')]);
    await until(() => logged.some((line) => line.startsWith('replica not reloaded')));
    expect(await cns(mounted)).toEqual(['Anna']);
  });
});
