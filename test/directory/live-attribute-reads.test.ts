/**
 * A live mount asks its source only for the fields behind the attributes a search returns and
 * tests (attributes-read.ts): the hits are those a mount holding every field finds, for every
 * filter shape and selection; the result cache keeps each selection's answers apart; a withheld
 * attribute is neither fetched nor matched.
 */
import { describe, expect, it } from 'vitest';
import type { Directory, DirectorySearch } from '../../src/directory/directory.js';
import { parseFilter } from '../../src/filter/parse.js';
import type { FieldMapSpec } from '../../src/mapping/field-map.js';
import type { SourceQuery, SourceRecord } from '../../src/sources/source.js';
import { testDirectory, TEST_SUFFIX } from '../support/test-directory.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { makeEntry } from '../../src/schema/entry.js';
import { Schema } from '../../src/schema/schema.js';
import { TestSource } from '../support/test-source.js';

const schema = Schema.load();
const backend = new FilterEvaluator(schema, { defaultCountry: 'DE' });

/** userPrincipalName falls back to mail, which falls back to InternetAddress. */
const MAP: FieldMapSpec = {
  cn: 'cn',
  sn: 'sn',
  mail: ['mail', 'InternetAddress'],
  userPrincipalName: ['userPrincipalName', 'mail'],
  telephoneNumber: 'telephoneNumber',
  description: 'description',
  userPassword: 'userPassword',
};

const RECORDS: readonly SourceRecord[] = [
  {
    id: '1',
    fields: {
      cn: ['Anna Müller'],
      sn: ['Müller'],
      mail: ['anna@example.com'],
      telephoneNumber: ['+49 30 1234'],
      userPassword: ['secret'],
    },
  },
  {
    id: '2',
    fields: {
      cn: ['Bernd Schulz'],
      InternetAddress: ['bernd@example.com'],
      userPrincipalName: ['bschulz@example.com'],
      description: ['Sales'],
    },
  },
  { id: '3', fields: { cn: ['Carla Ries'], mail: ['carla@example.com'], userPassword: ['hunter2'] } },
];

/** A backend: tests the whole record, returns only the fields asked for (any case), records each query. */
class FieldsSource extends TestSource {
  readonly queries: SourceQuery[] = [];

  /** `everyField`: a backend that returns every field whatever it is asked, as the reference. */
  constructor(private readonly everyField = false) {
    super('book', { mode: 'live', pushdown: true });
  }

  async *search(query: SourceQuery): AsyncIterable<SourceRecord> {
    this.queries.push(query);
    await Promise.resolve();
    const wanted =
      !this.everyField && query.fields && new Set(query.fields.map((field) => field.toLowerCase()));
    for (const record of RECORDS) {
      const entry = makeEntry(
        `id=${record.id}`,
        Object.entries(record.fields).map(([name, values]) => ({ name: schema.canonicalName(name), values })),
      );
      if (query.filter && !backend.matches(query.filter, entry)) continue;
      const fields = Object.entries(record.fields).filter(
        ([name]) => !wanted || wanted.has(name.toLowerCase()),
      );
      yield { ...record, fields: Object.fromEntries(fields) };
    }
  }
}

async function hits(directory: Directory, filter: string, attributes: readonly string[]): Promise<string[]> {
  const search: DirectorySearch = {
    base: TEST_SUFFIX,
    scope: 'sub',
    filter: parseFilter(filter),
    attributes,
    typesOnly: false,
  };
  const found: string[] = [];
  for await (const hit of directory.search(search, new AbortController().signal))
    found.push(JSON.stringify(hit));
  return found.sort();
}

async function liveDirectory(everyField = false): Promise<{ directory: Directory; source: FieldsSource }> {
  const source = new FieldsSource(everyField);
  const directory = await testDirectory([{ name: 'book', source, mode: 'live', map: MAP }]);
  return { directory, source };
}

describe('a live mount asks for the fields a search reads', () => {
  it('asks for those behind the attributes returned and those tested, whole fallback lists', async () => {
    const { directory, source } = await liveDirectory();
    const found = await hits(directory, '(userPrincipalName=anna@example.com)', ['cn']);
    expect(found).toHaveLength(1);
    expect(source.queries.at(-1)?.fields).toEqual(['cn', 'userPrincipalName', 'mail']);
    await hits(directory, '(sn=x)', ['1.1']);
    expect(source.queries.at(-1)?.fields).toEqual(['sn']);
  });

  it('asks for every mapped field when all user attributes are wanted, or a filter item names none', async () => {
    const { directory, source } = await liveDirectory();
    const all = [
      'cn',
      'sn',
      'mail',
      'InternetAddress',
      'userPrincipalName',
      'telephoneNumber',
      'description',
    ];
    await hits(directory, '(cn=Anna*)', ['*']);
    expect(source.queries.at(-1)?.fields).toEqual(expect.arrayContaining(all));
    await hits(directory, '(cn=Anna*)', []);
    expect(source.queries.at(-1)?.fields).toEqual(expect.arrayContaining(all));
    await hits(directory, '(:caseIgnoreMatch:=sales)', ['cn']);
    expect(source.queries.at(-1)?.fields).toEqual(expect.arrayContaining(all));
  });

  it('finds what a mount given every field finds, for each filter shape and selection', async () => {
    const filters = [
      '(mail=bernd@example.com)',
      '(userPrincipalName=anna@example.com)',
      '(userPrincipalName=bschulz@example.com)',
      '(!(description=*))',
      '(|(cn=Carla*)(telephoneNumber=+49301234))',
      '(&(objectClass=person)(!(mail=anna@example.com)))',
      '(:caseIgnoreMatch:=sales)',
      '(description:caseIgnoreMatch:=sales)',
      '(cn;lang-de=Anna Müller)',
    ];
    const selections = [
      ['cn'],
      ['userPrincipalName'],
      ['mail', 'sn'],
      ['1.1'],
      ['+'],
      ['objectClass'],
      ['*'],
    ];
    const { directory } = await liveDirectory();
    const { directory: reference } = await liveDirectory(true);
    let narrowedSome = false;
    for (const filter of filters) {
      for (const attributes of selections) {
        const found = await hits(directory, filter, attributes);
        expect(found, `${filter} ${attributes.join(',')}`).toEqual(await hits(reference, filter, attributes));
        narrowedSome ||= found.length > 0 && attributes[0] !== '*';
      }
    }
    expect(narrowedSome).toBe(true);
  });

  it('keeps the cached answers of each selection apart', async () => {
    const { directory } = await liveDirectory();
    const cn = await hits(directory, '(mail=anna@example.com)', ['cn']);
    const phone = await hits(directory, '(mail=anna@example.com)', ['telephoneNumber']);
    expect(cn[0]).toContain('Anna Müller');
    expect(phone[0]).toContain('+49 30 1234');
  });

  it('neither fetches nor matches a withheld attribute', async () => {
    const { directory, source } = await liveDirectory();
    expect(await hits(directory, '(userPassword=secret)', ['cn'])).toEqual([]);
    expect(
      await hits(directory, '(|(userPassword=secret)(cn=Carla Ries))', ['cn', 'userPassword']),
    ).toHaveLength(1);
    for (const query of source.queries) expect(query.fields).not.toContain('userPassword');
  });
});
