/**
 * A replica's hit encoded from its record's bytes (HitAttributes) is byte for byte the entry its
 * selected attributes encode to, in the caller's names: whatever attributes are asked for (`*`,
 * `+`, `1.1`, names, aliases, withheld ones), with typesOnly or not, through every shipped view,
 * with the passwords withheld or granted, for values held inline and values the store shares
 * (enough people with the same department and title for the dictionary to take them), accents
 * included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Directory, SearchHit } from '../../src/directory/directory.js';
import { DEFAULT_VISIBILITY, type Visibility } from '../../src/directory/visibility.js';
import { MATCH_ALL } from '../../src/filter/ast.js';
import { encodeSearchResultEntryOp } from '../../src/protocol/response-encoder.js';
import { Schema } from '../../src/schema/schema.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { HitAttributes } from '../../src/session/hit-attributes.js';
import { PresentedView } from '../../src/view/presented-view.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';
import { clientHit, presentedSearch } from '../../src/view/viewed-search.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';

const schema = Schema.load();
const VIEWS: readonly (PresentedView | undefined)[] = [
  undefined,
  ...Object.entries(SHIPPED_VIEWS).map(([name, definition]) => new PresentedView(name, definition, schema)),
];
const VIEW_NAMES = [...new Set(Object.values(SHIPPED_VIEWS).flatMap((view) => Object.entries(view).flat()))];
const NAMES = [
  'cn',
  'CN',
  'commonName',
  'sn',
  'mail',
  'telephoneNumber',
  'department',
  'title',
  'objectClass',
  'entryUUID',
  'entryDN',
  'hasSubordinates',
  'userPassword',
  '2.5.4.35',
  'description',
];
const GRANTED: Visibility = { withheld: new Set() };

/** More people than the value dictionary samples (256) per attribute, so shared values are stored. */
const PEOPLE: readonly SourceRecord[] = Array.from({ length: 300 }, (_, i) => ({
  id: `p${i}`,
  fields: {
    cn: [`Jörg Müller ${i}`],
    sn: [i % 2 === 0 ? 'Müller' : `Weber-${i}`],
    mail: [`p${i}@example.test`],
    telephoneNumber: [`+49 30 1234-${String(i).padStart(4, '0')}`, `030 555${i}`],
    department: [['Vertrieb', 'Einkauf', 'Geschäftsführung'][i % 3]!],
    title: ['Sachbearbeiter'],
    ...(i % 5 === 0 ? { userPassword: [`pw-${i}`] } : {}),
    ...(i % 7 === 0 ? { description: ['x'.repeat(200 + i)] } : {}),
  },
}));

let directory: Promise<Directory> | undefined;

async function hits(
  attributes: readonly string[],
  typesOnly: boolean,
  visibility: Visibility,
  view: PresentedView | undefined,
): Promise<SearchHit[]> {
  directory ??= testDirectory([{ name: 'people', records: PEOPLE }]);
  const search = presentedSearch(
    { base: `ou=people,${TEST_SUFFIX}`, scope: 'one', filter: MATCH_ALL, attributes, typesOnly },
    view,
  );
  const out: SearchHit[] = [];
  for await (const hit of (await directory).search(search, new AbortController().signal, visibility))
    out.push(hit);
  return out;
}

function fromAttributes(hit: SearchHit, view: PresentedView | undefined): Buffer {
  const { dn, attributes } = clientHit(hit, view);
  return Buffer.from(encodeSearchResultEntryOp(dn, attributes));
}

function fromBytes(hit: SearchHit, view: PresentedView | undefined): Buffer {
  return Buffer.from(encodeSearchResultEntryOp(hit.dn, new HitAttributes(hit, view)));
}

describe("a replica's hit encoded from its record's bytes", () => {
  it('is the entry its selected attributes encode to, in the caller’s names', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...NAMES, ...VIEW_NAMES, '*', '+', '1.1'], { maxLength: 5 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(...VIEWS),
        async (attributes, typesOnly, granted, view) => {
          const found = await hits(attributes, typesOnly, granted ? GRANTED : DEFAULT_VISIBILITY, view);
          expect(found).toHaveLength(PEOPLE.length);
          for (const hit of found) {
            // Made first from the bytes, so the attributes read after cannot have been decoded for it.
            const written = fromBytes(hit, view);
            expect(written.equals(fromAttributes(hit, view))).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('is offered for every replica hit, and never shows a withheld attribute', async () => {
    const found = await hits([], false, DEFAULT_VISIBILITY, undefined);
    expect(found.every((hit) => hit.writeAttributes !== undefined)).toBe(true);
    const all = Buffer.concat(found.map((hit) => fromBytes(hit, undefined)));
    expect(all.includes(Buffer.from('Geschäftsführung', 'utf8'))).toBe(true);
    expect(all.includes('pw-')).toBe(false);
    const granted = await hits(['*'], false, GRANTED, undefined);
    expect(Buffer.concat(granted.map((hit) => fromBytes(hit, undefined))).includes('pw-0')).toBe(true);
  });
});
