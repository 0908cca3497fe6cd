/**
 * A replica keeps what libphonenumber read of its numbers with its entries: searches that test
 * numbers parse none after a load or a restore (the snapshot keeps the readings) and follow an entry
 * whose number changed. A reading made for another record is never used.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PhoneReadings } from '../../src/replica/phone-readings.js';
import { SnapshotReader } from '../../src/replica/snapshot-reader.js';
import { SnapshotWriter } from '../../src/replica/snapshot-writer.js';
import { PhoneNumbers } from '../../src/schema/phone-number.js';
import { Schema } from '../../src/schema/schema.js';
import { engineFor, namesFor, people } from '../support/replica-engine-harness.js';
import { person, ScriptedFeedSource } from '../support/scripted-feed-source.js';

const signal = new AbortController().signal;
const schema = Schema.load();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('phone readings of a replica', () => {
  it('lets number searches run without parsing a stored number after a load', async () => {
    const { engine } = engineFor(new ScriptedFeedSource('crm', people(300)));
    await engine.sync(signal);
    const read = vi.spyOn(PhoneNumbers.prototype, 'read');
    expect(namesFor(engine, '(telephoneNumber=*0177)')).toEqual(['Person 177']);
    expect(namesFor(engine, '(|(telephoneNumber=*555012*)(cn=*son 29*))')).toEqual([
      'Person 120',
      'Person 121',
      'Person 122',
      'Person 123',
      'Person 124',
      'Person 125',
      'Person 126',
      'Person 127',
      'Person 128',
      'Person 129',
      'Person 29',
      'Person 290',
      'Person 291',
      'Person 292',
      'Person 293',
      'Person 294',
      'Person 295',
      'Person 296',
      'Person 297',
      'Person 298',
      'Person 299',
    ]);
    expect(read).not.toHaveBeenCalled();
  });

  it('follows an entry whose number changed', async () => {
    const source = new ScriptedFeedSource('crm', people(300));
    const { engine } = engineFor(source);
    await engine.sync(signal);
    expect(namesFor(engine, '(telephoneNumber=*0177)')).toEqual(['Person 177']);
    source.rounds.push({
      items: [
        { kind: 'upsert', record: person(177, 'Person 177', '+43 1 53500-9911') },
        { kind: 'cursor', cursor: 'c1' },
      ],
    });
    await engine.sync(signal);
    const read = vi.spyOn(PhoneNumbers.prototype, 'read');
    expect(namesFor(engine, '(telephoneNumber=*0177)')).toEqual([]);
    expect(namesFor(engine, '(telephoneNumber=*9911)')).toEqual(['Person 177']);
    expect(namesFor(engine, '(telephoneNumber=+43 1 53500*)')).toEqual(['Person 177']);
    expect(read).not.toHaveBeenCalled();
  });

  it('after a restore, parses no stored number: the snapshot keeps the readings', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'dirbridge-readings-'));
    try {
      const file = join(folder, 'crm.snapshot');
      const { engine: saved } = engineFor(new ScriptedFeedSource('crm', people(300)));
      await saved.sync(signal);
      await saved.save(file, 'map-1');
      const { engine } = engineFor(new ScriptedFeedSource('crm', []));
      await engine.restore(file, 'map-1');
      const read = vi.spyOn(PhoneNumbers.prototype, 'read');
      expect(namesFor(engine, '(telephoneNumber=*0177)')).toEqual(['Person 177']);
      expect(namesFor(engine, '(|(telephoneNumber=*555012*)(mobile=*0177))')).toEqual(
        namesFor(saved, '(|(telephoneNumber=*555012*)(mobile=*0177))'),
      );
      expect(read).not.toHaveBeenCalled();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('PhoneReadings', () => {
  const phones = new PhoneNumbers('DE');
  const records = new Map<number, number>();
  const readings = new PhoneReadings(phones, schema, (slot) => records.get(slot) ?? 0);
  const formsOf = (slot: number, record: number, values: string[]) => {
    readings.attach(slot, record, 'telephonenumber', values);
    return phones.formsOfValues(values);
  };

  it('hands the forms of the record it was made from, and never those of another record', () => {
    records.set(5, 100);
    readings.note(5, 'telephoneNumber', [phones.read('+49 30 1234567-12')]);
    const read = vi.spyOn(PhoneNumbers.prototype, 'read');
    expect(formsOf(5, 100, ['+49 30 1234567-12'])[0]!.e164).toBe('4930123456712');
    expect(read).not.toHaveBeenCalled();
    // The slot now holds another record: the reading noted is not used, the value is read.
    records.set(5, 200);
    expect(formsOf(5, 200, ['+43 1 53500-12'])[0]!.e164).toBe('43153500' + '12');
    expect(read).toHaveBeenCalledTimes(1);
    // ... once: the reading made is kept for that record.
    expect(formsOf(5, 200, ['+43 1 53500-12'])[0]!.e164).toBe('4315350012');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('reads values whose count differs from the readings, and leaves other attributes alone', () => {
    records.set(6, 300);
    readings.note(6, 'telephonenumber', [phones.read('030 1234567')]);
    expect(formsOf(6, 300, ['030 1234567', '+41 44 268 1000']).map((forms) => forms.e164)).toEqual([
      '49301234567',
      '41442681000',
    ]);
    const values = ['Anna'];
    readings.attach(6, 300, 'cn', values);
    const read = vi.spyOn(PhoneNumbers.prototype, 'read');
    readings.attach(6, 300, 'cn', values);
    expect(read).not.toHaveBeenCalled();
  });
  it('saves the readings good for the records held, and restores them for the same records only', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'dirbridge-readings-'));
    try {
      const file = join(folder, 'readings');
      const held = new Map([
        [0, 10],
        [1, 20],
      ]);
      const saved = new PhoneReadings(phones, schema, (slot) => held.get(slot) ?? 0);
      saved.note(0, 'telephoneNumber', [phones.read('+49 30 1234567')]);
      saved.note(1, 'mobile', [phones.read('0171 9119115')]);
      // Slot 1 then holds another record: its reading is stale and must not be written.
      held.set(1, 30);
      await SnapshotWriter.write(file, (writer) => saved.saveTo(writer, 2));
      const restored = new PhoneReadings(phones, schema, (slot) => held.get(slot) ?? 0);
      await SnapshotReader.read(file, (reader) => restored.loadFrom(reader, 2));
      const read = vi.spyOn(PhoneNumbers.prototype, 'read');
      const number = ['+49 30 1234567'];
      restored.attach(0, 10, 'telephonenumber', number);
      expect(phones.formsOfValues(number)[0]!.e164).toBe('49301234567');
      expect(read).not.toHaveBeenCalled();
      const mobile = ['0172 5550100'];
      restored.attach(1, 30, 'mobile', mobile);
      expect(phones.formsOfValues(mobile)[0]!.e164).toBe('491725550100');
      expect(read).toHaveBeenCalledTimes(1);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
