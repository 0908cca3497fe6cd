import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../src/config/types.js';
import { FILE_DEFAULT_MAP, createFileSource, fileSourceSettings } from '../../../src/sources/file/index.js';
import type { FileSource } from '../../../src/sources/file/index.js';
import { SourceError } from '../../../src/sources/source.js';
import type { SourceRecord } from '../../../src/sources/source.js';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-file-source-'));
const signal = new AbortController().signal;

function file(name: string, content: string | Buffer): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

function source(path: string, settings: Partial<SourceConfig> = {}, warnings: string[] = []): FileSource {
  const logger = { warn: (_obj: object, msg: string) => warnings.push(msg) };
  return createFileSource({ name: 'test', type: 'file', path, ...settings }, { logger });
}

async function all(from: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const record of from) out.push(record);
  return out;
}

describe('file source', () => {
  it('declares replica mode, no pushdown and no sign-on', () => {
    const demo = source(file('caps.csv', 'id,cn\n1,a\n'));
    expect(demo.capabilities).toEqual({ modes: ['replica'], filterPushdown: false, signOn: false });
    expect(demo.kind).toBe('both');
    expect(FILE_DEFAULT_MAP).toBe('identity');
  });

  it('loads on first search and returns every record whatever the filter', async () => {
    const demo = source(file('all.csv', 'id,cn\n1,Anna\n2,Bob\n3,Zoë\n'));
    const filter = { type: 'equality', attribute: 'cn', value: 'Anna' } as const;
    expect((await all(demo.search({ filter }, signal))).map((record) => record.id)).toEqual(['1', '2', '3']);
  });

  it('stops when the search is aborted', async () => {
    const demo = source(file('abort.csv', 'id,cn\n1,a\n2,b\n'));
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(async () => {
      for await (const record of demo.search({}, controller.signal)) {
        seen.push(record.id);
        controller.abort();
      }
    }).rejects.toThrow();
    expect(seen).toEqual(['1']);
  });

  describe('ids', () => {
    it('takes the id column, stable when rows are reordered', async () => {
      const first = await all(source(file('ids1.csv', 'ID,cn\nu1,Anna\nu2,Bob\n')).search({}, signal));
      const second = await all(source(file('ids2.csv', 'cn,ID\nBob,u2\nAnna,u1\n')).search({}, signal));
      expect(first.map((record) => [record.id, record.fields.cn?.[0]])).toEqual([
        ['u1', 'Anna'],
        ['u2', 'Bob'],
      ]);
      expect(new Set(second.map((record) => `${record.id}=${record.fields.cn?.[0]}`))).toEqual(
        new Set(['u1=Anna', 'u2=Bob']),
      );
    });

    it('falls back to entryUUID, and passes a UUID on as the record uuid', async () => {
      const uuid = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
      const [record] = await all(source(file('uuid.csv', `entryUUID,cn\n${uuid},Anna\n`)).search({}, signal));
      expect(record).toMatchObject({ id: uuid, uuid: uuid.toLowerCase() });
    });

    it('without an id column derives ids from mail, else from the row, numbering repeats', async () => {
      const records = await all(
        source(
          file('derived.csv', 'cn,mail\nAnna,Anna@Example.com\nInfo,info@x\nInfo 2,info@x\nNo Mail,\n'),
        ).search({}, signal),
      );
      expect(records.map((record) => record.id)).toEqual([
        'mail:anna@example.com',
        'mail:info@x',
        'mail:info@x#2',
        expect.stringMatching(/^row:[0-9a-f]{16}$/),
      ]);
    });

    it('uses idField, and refuses a column that does not exist', async () => {
      const path = file('idfield.csv', 'id,employeeNumber,cn\n1,E-7,Anna\n');
      expect((await all(source(path, { idField: 'employeeNumber' }).search({}, signal)))[0]?.id).toBe('E-7');
      await expect(all(source(path, { idField: 'staffNo' }).search({}, signal))).rejects.toThrow(
        /idField 'staffNo' is not a column \(columns: id, employeeNumber, cn\)/,
      );
    });

    it('skips a row without an id or with a repeated id, naming the line', async () => {
      const warnings: string[] = [];
      const path = file('dupes.csv', 'id,cn\n1,Anna\n,Nobody\n1,Anna again\n2,Bob\n');
      const demo = source(path, {}, warnings);
      expect((await all(demo.search({}, signal))).map((record) => record.fields.cn?.[0])).toEqual([
        'Anna',
        'Bob',
      ]);
      expect((await demo.read()).problems).toEqual([
        { line: 3, message: 'no id (id is empty); record skipped' },
        { line: 4, message: "duplicate id '1' (first on line 2); record skipped" },
      ]);
      expect(warnings).toEqual([
        `${path}:3: no id (id is empty); record skipped`,
        `${path}:4: duplicate id '1' (first on line 2); record skipped`,
      ]);
    });

    it('uses the DN in LDIF when there is no id attribute', async () => {
      const records = await all(
        source(file('ids.ldif', 'dn: cn=a,dc=x\ncn: a\n\ndn: cn=b,dc=x\nid: b-1\n')).search({}, signal),
      );
      expect(records.map((record) => record.id)).toEqual(['cn=a,dc=x', 'b-1']);
    });
  });

  describe('kind', () => {
    const csv =
      'id,objectClass,cn\n1,user,a\n2,contact,b\n3,"top|person|contact",c\n4,,d\n5,inetOrgPerson,e\n';

    it('comes from objectClass, else the configured kind', async () => {
      const kinds = async (kind: string) =>
        (await all(source(file(`kind-${kind}.csv`, csv), { kind }).search({}, signal))).map(
          (record) => record.kind,
        );
      expect(await kinds('both')).toEqual(['user', 'contact', 'contact', undefined, undefined]);
      expect(await kinds('users')).toEqual(['user', 'contact', 'contact', 'user', 'user']);
      expect(await kinds('contacts')).toEqual(['user', 'contact', 'contact', 'contact', 'contact']);
    });
  });

  it('gets a record by id', async () => {
    const demo = source(file('get.csv', 'id,cn\n1,Anna\n2,Bob\n'));
    expect((await demo.get('2', signal))?.fields.cn).toEqual(['Bob']);
    expect(await demo.get('3', signal)).toBeUndefined();
  });

  it('lists its fields with counts', async () => {
    const demo = source(file('fields.csv', 'id,cn,mobile,costCentre\n1,Anna,1|2,\n2,Bob,,K7\n3,Zoë,,\n'));
    const fields = await demo.fields();
    expect(fields.map((field) => [field.name, field.count])).toEqual([
      ['id', 3],
      ['cn', 3],
      ['mobile', 1],
      ['costCentre', 1],
    ]);
    expect(fields.map((field) => field.description)).toEqual([
      'not a presented attribute: map it (map: { attribute: field }) to present it',
      'full name',
      'mobile telephone number',
      'not a presented attribute: map it (map: { attribute: field }) to present it',
    ]);
  });

  it('reads the format from the extension unless configured', () => {
    expect(fileSourceSettings({ name: 'a', type: 'file', path: '/x/people.LDIF' }).format).toBe('ldif');
    expect(fileSourceSettings({ name: 'a', type: 'file', path: '/x/people.txt' }).format).toBe('csv');
    expect(
      fileSourceSettings({ name: 'a', type: 'file', path: '/x/people.txt', format: 'ldif' }).format,
    ).toBe('ldif');
    expect(() => fileSourceSettings({ name: 'a', type: 'file' })).toThrow(SourceError);
  });

  it('reads Windows-1252 files when told, and says what to do when UTF-8 is invalid', async () => {
    const path = file('latin1.csv', Buffer.from('id,cn\n1,J\xf6rg M\xfcller\n', 'latin1'));
    expect((await all(source(path, { encoding: 'latin1' }).search({}, signal)))[0]?.fields.cn).toEqual([
      'Jörg Müller',
    ]);
    await expect(all(source(path).search({}, signal))).rejects.toThrow(
      /not valid utf8 text; set `encoding: latin1`/,
    );
  });

  it('reads UTF-16 files with a byte order mark', async () => {
    const path = file(
      'utf16.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,cn\n1,Zoë\n', 'utf16le')]),
    );
    expect((await all(source(path, { encoding: 'utf16le' }).search({}, signal)))[0]?.fields.cn).toEqual([
      'Zoë',
    ]);
  });

  it('fails a search with a SourceError naming the file when the file is missing', async () => {
    const missing = join(folder, 'missing.csv');
    await expect(all(source(missing).search({}, signal))).rejects.toThrow(
      `source test: ${missing}: file not found`,
    );
  });

  it('keeps no copy: each read is of the file as it is now, and one that cannot be parsed throws', async () => {
    const path = file('reload.csv', 'id,cn\n1,Anna\n');
    const demo = source(path);
    expect(await all(demo.search({}, signal))).toHaveLength(1);
    writeFileSync(path, Buffer.from([0xff, 0xfe, 0xfd]));
    await expect(all(demo.search({}, signal))).rejects.toThrow(SourceError);
    writeFileSync(path, 'id,cn\n1,Anna\n2,Bob\n');
    expect(await all(demo.search({}, signal))).toHaveLength(2);
  });

  it('checks: read, parse and count steps with two samples', async () => {
    const report = await source(
      file('check.csv', 'id,objectClass,cn\n1,user,a\n2,contact,b\n3,user,c\n'),
    ).check();
    expect(report).toMatchObject({ source: 'test', ok: true, count: 3 });
    expect(report.steps.map((step) => [step.step, step.ok])).toEqual([
      ['read', true],
      ['parse', true],
      ['count', true],
    ]);
    expect(report.steps[2]?.detail).toBe('3 records (2 users, 1 contact)');
    expect(report.samples.map((record) => record.id)).toEqual(['1', '2']);
  });

  it('checks: bad rows fail the parse step with their lines', async () => {
    const report = await source(file('check-bad.csv', 'id,cn\n1,a\n2\n3,c\n')).check();
    expect(report.ok).toBe(false);
    expect(report.steps[1]).toEqual({
      step: 'parse',
      ok: false,
      detail: '2 records read as csv, 1 problem: line 3: 1 value where the header has 2 columns; row skipped',
    });
  });

  it('checks: a missing file fails the read step', async () => {
    const report = await source(join(folder, 'nope.csv')).check();
    expect(report).toMatchObject({ ok: false, samples: [] });
    expect(report.steps).toEqual([
      { step: 'read', ok: false, detail: `source test: ${join(folder, 'nope.csv')}: file not found` },
    ]);
  });

  it('refuses to search after close', async () => {
    const demo = source(file('closed.csv', 'id,cn\n1,a\n'));
    await demo.close();
    await expect(all(demo.search({}, signal))).rejects.toThrow('source test: closed');
  });
});
