/**
 * A replica read through the engine's notices, as a listener thread reads it: the same answers as
 * the engine's own after a load and after rounds of changes, deletions and new attribute names; a
 * rewritten entry found by its old keys before the notice is tested, never passed as a match; numbers
 * are tested with the engine's readings, not parsed again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { parseFilter } from '../../src/filter/parse.js';
import { FieldMap, IDENTITY_MAP } from '../../src/mapping/field-map.js';
import { AttachedReplica } from '../../src/replica/attached-replica.js';
import type { CandidateBatch } from '../../src/replica/candidate-batch.js';
import type { Filter } from '../../src/filter/ast.js';
import { PhoneNumbers } from '../../src/schema/phone-number.js';
import { Schema } from '../../src/schema/schema.js';
import { engineFor, people } from '../support/replica-engine-harness.js';
import { person, ScriptedFeedSource } from '../support/scripted-feed-source.js';

const schema = Schema.load();
const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });
const signal = new AbortController().signal;
const presenter = new Presenter(
  'crm',
  'users',
  new FieldMap(schema, IDENTITY_MAP),
  new Namespace('dc=test', ['crm'], schema),
);

const FILTERS = [
  '(cn=person 1*)',
  '(|(cn=zoe*)(sn=zoe*))',
  '(|(telephoneNumber=*0042)(mobile=*0042))',
  '(telephoneNumber=+49305550007)',
  '(cn=*son 2*)',
  '(objectClass=*)',
  '(title=*)',
  '(&(cn=person*)(!(sn=3)))',
];

interface Readable {
  candidates(filter: Filter): Iterable<CandidateBatch>;
}

/** What the directory would answer: a batch the index matched exactly is not tested again. */
function matches(replica: Readable, text: string): string[] {
  const filter = parseFilter(text);
  const names: string[] = [];
  for (const batch of replica.candidates(filter))
    for (const entry of batch) if (batch.matched || evaluator.matches(filter, entry)) names.push(entry.dn);
  return names.sort();
}

function uuidOf(n: number): string {
  return presenter.present(person(n)).attributes.get('entryuuid')!.values[0]!;
}

function attach(engine: ReturnType<typeof engineFor>['engine']): AttachedReplica {
  return new AttachedReplica(
    { schema, defaultCountry: 'DE', dnOf: (uuid) => presenter.dnOfUuid(uuid), prepare: ['cn', 'sn'] },
    engine.notice(true)!,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AttachedReplica', () => {
  it('answers as the engine does after its load', async () => {
    const { engine } = engineFor(new ScriptedFeedSource('crm', people(120)));
    await engine.sync(signal);
    const attached = attach(engine);
    expect(attached.size).toBe(120);
    for (const filter of FILTERS) expect(matches(attached.reader, filter)).toEqual(matches(engine, filter));
  });

  it('follows rounds of changes, deletions and new attributes through the notices', async () => {
    const source = new ScriptedFeedSource('crm', people(120));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    const attached = attach(engine);
    attached.apply(engine.notice()!);
    const titled = {
      ...person(121, 'Zoe Titled'),
      fields: { ...person(121, 'Zoe Titled').fields, title: ['Chief'] },
    };
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(3, 'Zoe Quist') },
        { kind: 'upsert', record: titled },
        { kind: 'delete', id: 'p7' },
        { kind: 'delete', id: 'p42' },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    await engine.sync(signal);
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(122, 'Person 7b', '+49 30 5550042') },
        { kind: 'upsert', record: person(10, 'Renamed Ten') },
        { kind: 'cursor', cursor: 'c2' },
      ],
    });
    await engine.sync(signal);
    attached.apply(engine.notice()!);
    expect(attached.size).toBe(engine.size);
    for (const filter of FILTERS) expect(matches(attached.reader, filter)).toEqual(matches(engine, filter));
    for (const id of ['p3', 'p7', 'p121', 'p122']) {
      const uuid = presenter.present(person(Number(id.slice(1)))).attributes.get('entryuuid')!.values[0]!;
      expect(attached.reader.get(uuid)?.dn).toBe(engine.get(uuid)?.dn);
      expect(attached.reader.recordIdOf(uuid)).toBe(engine.recordIdOf(uuid));
    }
  });

  it('tests an entry rewritten since its last notice instead of passing it as an exact match', async () => {
    const source = new ScriptedFeedSource('crm', people(30));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    const attached = attach(engine);
    attached.apply(engine.notice()!);
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(12, 'Zoe Twelve') },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    await engine.sync(signal);
    // Not told yet: its index still holds "person 12", but the record it reads is Zoe's.
    expect(matches(attached.reader, '(cn=person 12)')).toEqual([]);
    expect(matches(attached.reader, '(cn=zoe*)')).toEqual([]);
    attached.apply(engine.notice()!);
    expect(matches(attached.reader, '(cn=zoe*)')).toEqual(matches(engine, '(cn=zoe*)'));
    expect(matches(attached.reader, '(cn=zoe*)')).toHaveLength(1);
  });

  it('starts afresh on a fresh notice (a store restored or loaded anew)', async () => {
    const { engine } = engineFor(new ScriptedFeedSource('crm', people(10)));
    await engine.sync(signal);
    const attached = attach(engine);
    const { engine: other } = engineFor(new ScriptedFeedSource('crm', people(25)));
    await other.sync(signal);
    attached.apply(other.notice(true)!);
    expect(attached.size).toBe(25);
    expect(matches(attached.reader, '(cn=person 2*)')).toEqual(matches(other, '(cn=person 2*)'));
  });

  it("tests numbers with the engine's readings, parsing none it was told of", async () => {
    const source = new ScriptedFeedSource('crm', people(200));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    const attached = attach(engine);
    const numbers = ['(|(telephoneNumber=*0042)(mobile=*0042))', '(telephoneNumber=*5550*)'];
    const read = vi.spyOn(PhoneNumbers.prototype, 'read');
    for (const filter of numbers) expect(matches(attached.reader, filter)).toEqual(matches(engine, filter));
    expect(read).not.toHaveBeenCalled();
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(150, 'Person 150', '+49 30 7770042') },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    await engine.sync(signal);
    attached.apply(engine.notice()!);
    read.mockClear();
    for (const filter of numbers) expect(matches(attached.reader, filter)).toEqual(matches(engine, filter));
    expect(matches(attached.reader, numbers[0]!)).toContain(engine.get(uuidOf(150))!.dn);
    expect(read).not.toHaveBeenCalled();
  });
});
