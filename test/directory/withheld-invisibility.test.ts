/**
 * A withheld attribute does not exist for the caller (DESIGN.md "Errors and bad input"): fast-check
 * generates filters of every shape — AND, OR, NOT, equality, substrings, ordering, approximate,
 * presence, extensible matches with and without an attribute, by rule name or OID, with `:dn:` —
 * naming attributes by name, OID or with options, and searches entries whose password attributes
 * hold values the filters are likely to hit. Changing or removing the passwords never changes a
 * result, through a replica's index and a live source's pushdown alike, nor what the entries found
 * show, whatever attributes are asked for. Every search runs through each shipped view too
 * (src/view/shipped-views.ts), as the session edge applies it, with filters and attribute lists
 * that also use the views' names: no view shows a password under another name or lets a filter on
 * one of its names test one. Granted the passwords, the same filters do tell them apart: the
 * property is not vacuous.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Directory } from '../../src/directory/directory.js';
import { DEFAULT_VISIBILITY, type Visibility } from '../../src/directory/visibility.js';
import type { Filter } from '../../src/filter/ast.js';
import { Schema } from '../../src/schema/schema.js';
import type { SourceMode, SourceRecord } from '../../src/sources/source.js';
import { PresentedView } from '../../src/view/presented-view.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';
import { clientHit, presentedSearch } from '../../src/view/viewed-search.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';

/** Values shared by visible and withheld attributes, so a filter aimed at one can hit the other. */
const VALUES = ['Anna', 'anna', 'pw1', 'PW1', 'Müller', 'muller', '+49 30 1234', '030 1234', '1234', 'x'];
const VISIBLE = ['cn', 'sn', 'mail', 'telephoneNumber', 'description'];
/** Every way a filter can name the withheld attributes. */
const WITHHELD_NAMES = [
  'userPassword',
  'USERPASSWORD',
  '2.5.4.35',
  'userPassword;binary',
  'wuserPasswordSip',
  '1.3.6.1.4.1.4203.666.11.1.1',
];
const RULES = [
  '2.5.13.17',
  'octetStringMatch',
  '2.5.13.2',
  'caseIgnoreMatch',
  'caseExactMatch',
  '2.5.13.4',
  '2.5.13.20',
  'telephoneNumberMatch',
];
const ENTRIES = 6;

const schema = Schema.load();
/** No view, then every shipped view. */
const VIEWS: readonly (PresentedView | undefined)[] = [
  undefined,
  ...Object.entries(SHIPPED_VIEWS).map(([name, definition]) => new PresentedView(name, definition, schema)),
];
/** The names the views give and take, so filters and attribute lists use them too. */
const VIEW_NAMES = [...new Set(Object.values(SHIPPED_VIEWS).flatMap((view) => Object.entries(view).flat()))];

const value = fc.constantFrom(...VALUES);
const attribute = fc.constantFrom(...VISIBLE, ...VIEW_NAMES, ...WITHHELD_NAMES);
const requested = fc.subarray([...VISIBLE, ...VIEW_NAMES, ...WITHHELD_NAMES, '*', '+', '1.1'], {
  maxLength: 6,
});

const leaf: fc.Arbitrary<Filter> = fc.oneof(
  fc.record({ type: fc.constant('equality' as const), attribute, value }),
  fc.record({ type: fc.constant('present' as const), attribute }),
  fc.record({ type: fc.constant('approx' as const), attribute, value }),
  fc.record({ type: fc.constantFrom('greaterOrEqual' as const, 'lessOrEqual' as const), attribute, value }),
  fc
    .record({
      attribute,
      initial: fc.option(value, { nil: undefined }),
      any: fc.array(value, { maxLength: 2 }),
    })
    .map(({ attribute, initial, any }): Filter => {
      const parts = initial === undefined && any.length === 0 ? ['a'] : any;
      return { type: 'substrings', attribute, ...(initial === undefined ? {} : { initial }), any: parts };
    }),
  fc
    .record({
      rule: fc.option(fc.constantFrom(...RULES), { nil: undefined }),
      attribute: fc.option(attribute, { nil: undefined }),
      value,
      dnAttributes: fc.boolean(),
    })
    .map(({ rule, attribute, value, dnAttributes }): Filter => {
      // RFC 4511: an extensible match names a rule, an attribute, or both.
      const matchingRule = rule ?? (attribute === undefined ? '2.5.13.17' : undefined);
      return {
        type: 'extensible',
        ...(matchingRule === undefined ? {} : { matchingRule }),
        ...(attribute === undefined ? {} : { attribute }),
        value,
        dnAttributes,
      };
    }),
);

const { filter: anyFilter } = fc.letrec<{ filter: Filter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ type: fc.constant('and' as const), filters: fc.array(tie('filter'), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('or' as const), filters: fc.array(tie('filter'), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('not' as const), filter: tie('filter') }),
  ),
}));

type Visible = Record<string, string[]>;
type Secrets = { userPassword?: string[]; wuserPasswordSip?: string[] };

const visibleFields: fc.Arbitrary<Visible> = fc.record(
  Object.fromEntries(VISIBLE.map((name) => [name, fc.array(value, { minLength: 1, maxLength: 2 })])),
  { requiredKeys: ['cn'] },
);
const secrets: fc.Arbitrary<Secrets> = fc.record(
  {
    userPassword: fc.array(value, { minLength: 1, maxLength: 2 }),
    wuserPasswordSip: fc.array(value, { minLength: 1, maxLength: 1 }),
  },
  { requiredKeys: [] },
);

function records(visible: readonly Visible[], withheld: readonly Secrets[]): SourceRecord[] {
  return visible.map((fields, i) => ({ id: `p${i}`, fields: { ...fields, ...withheld[i] } }));
}

/** The entries a search finds through a view, as the client sees them. */
async function found(
  directory: Directory,
  filter: Filter,
  visibility: Visibility,
  view?: PresentedView,
  attributes: readonly string[] = ['cn'],
): Promise<string[]> {
  const hits: string[] = [];
  const search = presentedSearch(
    { base: TEST_SUFFIX, scope: 'sub', filter, attributes, typesOnly: false },
    view,
  );
  for await (const hit of directory.search(search, new AbortController().signal, visibility))
    hits.push(JSON.stringify(clientHit(hit, view)));
  return hits;
}

/** A replica (index) and a live source that pushes the filter down to a backend seeing every field. */
function directoryOf(mode: SourceMode, withheld: readonly Secrets[], visible: readonly Visible[]) {
  return testDirectory([
    { name: 'people', mode, pushdown: mode === 'live', records: records(visible, withheld) },
  ]);
}

const scenario = fc.record({
  visible: fc.array(visibleFields, { minLength: ENTRIES, maxLength: ENTRIES }),
  first: fc.array(secrets, { minLength: ENTRIES, maxLength: ENTRIES }),
  second: fc.array(secrets, { minLength: ENTRIES, maxLength: ENTRIES }),
  filters: fc.array(anyFilter, { minLength: 1, maxLength: 8 }),
  attributes: requested,
});

describe.each(['replica', 'live'] as const)('withheld attributes in a %s mount', (mode) => {
  it('never change what a filter finds, whatever its shape', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ visible, first, second, filters, attributes }) => {
        const none = visible.map(() => ({}));
        const directories = await Promise.all(
          [first, second, none].map((withheld) => directoryOf(mode, withheld, visible)),
        );
        for (const filter of filters) {
          for (const view of VIEWS) {
            const [a, b, c] = await Promise.all(
              directories.map((d) => found(d, filter, DEFAULT_VISIBILITY, view, attributes)),
            );
            const what = `${view?.name ?? 'no view'}: ${JSON.stringify(filter)} ${attributes.join(' ')}`;
            expect(a, what).toEqual(c);
            expect(b, what).toEqual(c);
          }
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe('the same filters, with the passwords granted', () => {
  it('do find entries by their passwords (the property above would see an oracle)', async () => {
    const granted: Visibility = { withheld: new Set() };
    const visible = [{ cn: ['Anna'] }, { cn: ['Anna'] }];
    const directory = await directoryOf('replica', [{ userPassword: ['pw1'] }, {}], visible);
    const probe: Filter = {
      type: 'extensible',
      matchingRule: '2.5.13.17',
      value: 'pw1',
      dnAttributes: false,
    };
    for (const view of VIEWS) {
      expect(await found(directory, probe, granted, view)).toHaveLength(1);
      expect(await found(directory, probe, DEFAULT_VISIBILITY, view)).toHaveLength(0);
      const shown = await found(directory, probe, granted, view, ['*']);
      expect(shown[0], view?.name).toContain('"type":"userPassword","values":["pw1"]');
    }
  });
});
