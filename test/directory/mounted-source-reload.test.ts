import { describe, expect, it } from 'vitest';
import { MountedSource } from '../../src/directory/mounted-source.js';
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { Schema } from '../../src/schema/schema.js';
import type { Filter } from '../../src/filter/ast.js';
import { FieldMap } from '../../src/mapping/field-map.js';
import type { CheckReport, Source, SourceRecord } from '../../src/sources/source.js';

const schema = Schema.load();
const namespace = new Namespace('dc=dirbridge,dc=local', ['book'], schema);
const signal = new AbortController().signal;
const ALL: Filter = { type: 'present', attribute: 'objectClass' };

/** A replica-only source whose records the test replaces, announcing each change. */
class ChangingSource implements Source {
  readonly name = 'book';
  readonly kind = 'contacts';
  readonly capabilities = { modes: ['replica'], filterPushdown: false, signOn: false } as const;
  records: SourceRecord[] = [];
  readonly #listeners: (() => void)[] = [];

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

  get(): Promise<SourceRecord | undefined> {
    return Promise.resolve(undefined);
  }

  fields(): Promise<never[]> {
    return Promise.resolve([]);
  }

  check(): Promise<CheckReport> {
    return Promise.resolve({ source: this.name, ok: true, steps: [], samples: [] });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function person(id: string, cn: string): SourceRecord {
  return { id, fields: { cn: [cn] } };
}

function mount(source: ChangingSource, logged: string[]): MountedSource {
  const map = new FieldMap(schema, 'identity');
  const log = (obj: object, msg: string): void => {
    logged.push(`${msg} ${JSON.stringify(obj)}`);
  };
  return new MountedSource({
    source,
    mode: 'replica',
    map,
    presenter: new Presenter(source.name, source.kind, map, namespace),
    schema,
    defaultCountry: 'DE',
    description: 'test',
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
    expect(logged[1]).toMatch(/^replica reloaded .*"entries":2/);
  });

  it('coalesces a burst of changes into one rebuild after the running one', async () => {
    const source = new ChangingSource();
    const logged: string[] = [];
    const mounted = mount(source, logged);
    await mounted.start(signal);
    for (let i = 1; i <= 5; i++) source.change(Array.from({ length: i }, (_, n) => person(`${n}`, `P${n}`)));
    await until(() => mounted.entryCount === 5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged.filter((line) => line.startsWith('replica reloaded')).length).toBeLessThanOrEqual(2);
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
