/**
 * Searches across a view against a real directory, replica and live alike: the client's names in,
 * the client's names out, matching by the presented attribute's rules, the directory untouched.
 */
import { describe, expect, it } from 'vitest';
import type { Directory, DirectorySearch } from '../../src/directory/directory.js';
import { parseFilter } from '../../src/filter/parse.js';
import { Schema } from '../../src/schema/schema.js';
import type { SourceMode, SourceRecord } from '../../src/sources/source.js';
import { PresentedView } from '../../src/view/presented-view.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';
import { clientHit, presentedSearch } from '../../src/view/viewed-search.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';

const schema = Schema.load();
const view = (name: string): PresentedView => new PresentedView(name, SHIPPED_VIEWS[name]!, schema);

const RECORDS: SourceRecord[] = [
  {
    id: 'anna',
    fields: {
      cn: ['Anna Meier'],
      sn: ['Meier'],
      telephoneNumber: ['+49 30 1234567'],
      ipPhone: ['200'],
      title: ['Boss'],
    },
  },
  {
    id: 'bert',
    fields: { cn: ['Bert Kurz'], sn: ['Kurz'], telephoneNumber: ['+49 30 7654321'], ipPhone: ['201'] },
  },
];

type Found = Record<string, Record<string, string[]>>;

async function search(
  directory: Directory,
  filter: string,
  viewName: string | undefined,
  attributes: string[] = [],
  typesOnly = false,
): Promise<Found> {
  const v = viewName === undefined ? undefined : view(viewName);
  const request: DirectorySearch = {
    base: TEST_SUFFIX,
    scope: 'sub',
    filter: parseFilter(filter),
    attributes,
    typesOnly,
  };
  const found: Found = {};
  for await (const hit of directory.search(presentedSearch(request, v), new AbortController().signal)) {
    const { dn, attributes: shown } = clientHit(hit, v);
    found[dn] = Object.fromEntries(shown.map((a) => [a.type, [...a.values]]));
  }
  return found;
}

const cns = (found: Found): string[] =>
  Object.values(found)
    .flatMap((a) => a.cn ?? [])
    .sort();

describe.each(['replica', 'live'] as SourceMode[])('a search across a view, %s mount', (mode) => {
  const directory = testDirectory([{ name: 'people', mode, pushdown: mode === 'live', records: RECORDS }]);

  it('seed-ad: finds the extension under telephoneNumber, with phone matching, and shows it there', async () => {
    const found = await search(await directory, '(telephoneNumber=200)', 'seed-ad', [
      'cn',
      'telephoneNumber',
      'ipPhone',
    ]);
    expect(Object.values(found)).toEqual([
      { cn: ['Anna Meier'], telephoneNumber: ['200'], ipPhone: ['+49 30 1234567'] },
    ]);
    expect(cns(await search(await directory, '(ipPhone=030 1234567)', 'seed-ad'))).toEqual(['Anna Meier']);
    expect(cns(await search(await directory, '(telephoneNumber=030 1234567)', 'seed-ad'))).toEqual([]);
  });

  it('without a view: the presented names, unchanged', async () => {
    const found = await search(await directory, '(ipPhone=200)', undefined, ['telephoneNumber', 'ipPhone']);
    expect(Object.values(found)).toEqual([{ telephoneNumber: ['+49 30 1234567'], ipPhone: ['200'] }]);
  });

  it('*, + and typesOnly come back in the client names', async () => {
    const all = await search(await directory, '(cn=Anna*)', 'seed-office365', ['*', '+']);
    const [anna] = Object.values(all);
    expect(anna).toMatchObject({
      businessPhones: ['200'],
      officeLocation: ['+49 30 1234567'],
      jobTitle: ['Boss'],
      surname: ['Meier'],
    });
    expect(Object.keys(anna!)).toEqual(expect.arrayContaining(['entryUUID']));
    for (const gone of ['ipPhone', 'telephoneNumber', 'title', 'sn']) expect(anna).not.toHaveProperty(gone);
    const types = Object.values(
      await search(await directory, '(cn=Anna*)', 'seed-office365', ['businessPhones'], true),
    );
    expect(types).toEqual([{ businessPhones: [] }]);
    expect(Object.values(await search(await directory, '(cn=Anna*)', 'seed-office365', ['1.1']))).toEqual([
      {},
    ]);
  });

  it('a renamed-away name is held by no entry: not returned, false in filters, true under not', async () => {
    const d = await directory;
    expect(Object.values(await search(d, '(cn=Anna*)', 'seed-office365', ['title']))).toEqual([{}]);
    expect(cns(await search(d, '(title=Boss)', 'seed-office365'))).toEqual([]);
    expect(cns(await search(d, '(jobTitle=Boss)', 'seed-office365'))).toEqual(['Anna Meier']);
    expect(cns(await search(d, '(&(sn=*)(!(title=Boss)))', 'seed-office365'))).toEqual([
      'Anna Meier',
      'Bert Kurz',
    ]);
  });
});
