import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COLUMNS,
  KNOWN_PEOPLE,
  OUTPUT,
  generateDemoPhonebook,
} from '../../../scripts/generate-demo-phonebook.js';
import { createFileSource } from '../../../src/sources/file/index.js';
import type { SourceRecord } from '../../../src/sources/source.js';

const committed = readFileSync(OUTPUT, 'utf8');

async function demoRecords(): Promise<SourceRecord[]> {
  const source = createFileSource({ name: 'demo', type: 'file', path: 'config/demo-phonebook.csv' });
  const records: SourceRecord[] = [];
  for await (const record of source.search({}, new AbortController().signal)) records.push(record);
  expect((await source.read()).problems).toEqual([]);
  return records;
}

describe('demo phonebook', () => {
  it('is exactly what the generator produces (deterministic, and committed up to date)', () => {
    expect(generateDemoPhonebook()).toBe(generateDemoPhonebook());
    expect(committed).toBe(generateDemoPhonebook());
  });

  it('has the documented columns, about 200 users and 100 contacts', async () => {
    expect(committed.split('\n')[0]).toBe(COLUMNS.join(','));
    const records = await demoRecords();
    expect(records.filter((record) => record.kind === 'user')).toHaveLength(200);
    expect(records.filter((record) => record.kind === 'contact')).toHaveLength(100);
  });

  it('holds every known person with exactly the documented values', async () => {
    const byId = new Map((await demoRecords()).map((record) => [record.id, record]));
    for (const person of KNOWN_PEOPLE) {
      const record = byId.get(person.id ?? '');
      const expected = Object.fromEntries(
        Object.entries(person)
          .filter(([, value]) => value !== '')
          .map(([column, value]) => [column, value.split('|')]),
      );
      expect(record?.fields, person.cn).toEqual(expected);
    }
  });

  it('keeps the known people findable by their names alone', async () => {
    const records = await demoRecords();
    const withSn = (sn: string) =>
      records.filter((record) => record.fields.sn?.[0] === sn).map((record) => record.id);
    expect(withSn('Müller')).toEqual(['u0001']);
    expect(withSn('Mueller')).toEqual(['u0002']);
    expect(withSn('Ångström')).toEqual(['c0001']);
    const anna = records.find((record) => record.id === 'u0001');
    expect(anna?.fields).toMatchObject({ ipPhone: ['1012'], telephoneNumber: ['+49 30 1234567-12'] });
  });

  it('gives contacts no login fields and users unique extensions', async () => {
    const records = await demoRecords();
    const contacts = records.filter((record) => record.kind === 'contact');
    expect(
      contacts.every(
        (record) =>
          !record.fields.userPrincipalName && !record.fields.sAMAccountName && !record.fields.ipPhone,
      ),
    ).toBe(true);
    const extensions = records.flatMap((record) => record.fields.ipPhone ?? []);
    expect(new Set(extensions).size).toBe(200);
    expect(extensions.every((extension) => /^[0-9]{3,4}$/.test(extension))).toBe(true);
  });

  it('has people with two mobile numbers', async () => {
    const records = await demoRecords();
    expect(records.filter((record) => (record.fields.mobile?.length ?? 0) === 2).length).toBeGreaterThan(5);
  });
});
