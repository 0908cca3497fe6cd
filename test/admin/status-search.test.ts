/**
 * The status page's test search: the filter a phone would send for what was typed (a number or a
 * name), and that filter run through the directory's own search path, so accents, case and numbers
 * in any format match as they do for a phone, and a password never shows.
 */
import { describe, expect, it } from 'vitest';
import {
  ADMINISTRATOR,
  filterText,
  phoneSearch,
  runStatusSearch,
  SHOWN_ENTRIES,
  type StatusSearchOptions,
} from '../../src/admin/status-search.js';
import { DEFAULT_VISIBILITY } from '../../src/directory/visibility.js';
import type { SourceRecord } from '../../src/sources/source.js';
import { TEST_SUFFIX, testDirectory } from '../support/test-directory.js';

const signal = new AbortController().signal;

function person(id: string, fields: Record<string, string[]>): SourceRecord {
  return { id, fields: { objectClass: ['user'], ...fields } };
}

const PEOPLE = [
  person('1', {
    cn: ['Anna Müller'],
    sn: ['Müller'],
    telephoneNumber: ['+49 30 1234567-12'],
    ipPhone: ['1012'],
    userPassword: ['anna-secret'],
    wuserPasswordSip: ['sip-secret'],
  }),
  person('2', { cn: ['Jörg Schmidt'], sn: ['Schmidt'], mobile: ['0151 2345678'] }),
  person('3', { cn: ['<script>alert(1)</script>'], sn: ['Hostile'], telephoneNumber: ['030 999'] }),
];

async function options(records: readonly SourceRecord[] = PEOPLE): Promise<StatusSearchOptions> {
  return {
    directory: await testDirectory([{ name: 'hr', records }]),
    grant: () => ADMINISTRATOR,
    suffix: TEST_SUFFIX,
    maxFilterEvaluations: 1_000_000,
    timeLimitSeconds: 30,
  };
}

describe('phone search filter', () => {
  it('takes digits with what numbers are written with for a caller-ID lookup', () => {
    for (const typed of ['+49 30 1234567-12', '030/1234567', '(030) 123.456', '1012', ' 0151 2345678 ']) {
      const search = phoneSearch(typed)!;
      expect(search.kind).toBe('number');
      const value = typed.trim().replace('(', '\\28').replace(')', '\\29');
      expect(filterText(search.filter)).toBe(
        `(|(telephoneNumber=${value})(mobile=${value})(ipPhone=${value}))`,
      );
    }
  });

  it('takes anything else as a name contained in the name attributes phones search', () => {
    for (const typed of ['müller', 'Anna M', 'o’brien', '12 Monkeys', '+', '-']) {
      const search = phoneSearch(typed)!;
      expect(search.kind).toBe('name');
      expect(search.filter).toEqual({
        type: 'or',
        filters: ['cn', 'sn', 'givenName', 'displayName', 'o'].map((attribute) => ({
          type: 'substrings',
          attribute,
          any: [typed],
        })),
      });
    }
    expect(filterText(phoneSearch('müller')!.filter)).toBe(
      '(|(cn=*müller*)(sn=*müller*)(givenName=*müller*)(displayName=*müller*)(o=*müller*))',
    );
  });

  it('keeps filter syntax in a typed name as text, escaped in the filter shown', () => {
    const search = phoneSearch('*)(uid=*')!;
    expect(search.kind).toBe('name');
    expect(search.filter).toMatchObject({ type: 'or' });
    expect(search.filter.type === 'or' && search.filter.filters[0]).toEqual({
      type: 'substrings',
      attribute: 'cn',
      any: ['*)(uid=*'],
    });
    expect(filterText(search.filter)).toContain('(cn=*\\2a\\29\\28uid=\\2a*)');
  });

  it('searches nothing for nothing typed, and at most 100 characters', () => {
    expect(phoneSearch('')).toBeUndefined();
    expect(phoneSearch('   ')).toBeUndefined();
    expect(phoneSearch('x'.repeat(500))!.input).toHaveLength(100);
  });
});

describe('test search through the directory', () => {
  it('finds names without regard to case or accents, and numbers in any format', async () => {
    const opts = await options();
    const names = async (typed: string): Promise<string[]> => {
      const result = await runStatusSearch(phoneSearch(typed)!, opts, signal);
      expect(result.error).toBeUndefined();
      return result.entries.map((entry) => entry.attributes.find((a) => a.name === 'cn')!.values[0]!);
    };
    expect(await names('MULLER')).toEqual(['Anna Müller']);
    expect(await names('jorg')).toEqual(['Jörg Schmidt']);
    expect(await names('0049 30 1234567 12')).toEqual(['Anna Müller']);
    expect(await names('030 1234567-12')).toEqual(['Anna Müller']);
    expect(await names('1012')).toEqual(['Anna Müller']);
    expect(await names('+49 151 2345678')).toEqual(['Jörg Schmidt']);
    expect(await names('nobody')).toEqual([]);
  });

  it('shows DN and phonebook attributes, never a password, and how long it took', async () => {
    const result = await runStatusSearch(phoneSearch('anna')!, await options(), signal);
    expect(result.entries).toHaveLength(1);
    const [entry] = result.entries;
    expect(entry!.dn).toMatch(new RegExp(`^entryUUID=[0-9a-f-]{36},ou=hr,${TEST_SUFFIX}$`));
    expect(entry!.attributes.map((a) => a.name).sort()).toEqual(['cn', 'ipPhone', 'telephoneNumber']);
    expect(JSON.stringify(result)).not.toMatch(/secret/);
    expect(result.ms).toBeGreaterThan(0);
    // A password typed as the search finds nothing: the attribute does not exist for the page.
    expect((await runStatusSearch(phoneSearch('anna-secret')!, await options(), signal)).entries).toEqual([]);
  });

  it('stops at what a phone would show, and says there is more', async () => {
    const many = Array.from({ length: SHOWN_ENTRIES + 5 }, (_, i) =>
      person(String(i), { cn: [`Person ${i}`], sn: ['Many'] }),
    );
    const result = await runStatusSearch(phoneSearch('many')!, await options(many), signal);
    expect(result.entries).toHaveLength(SHOWN_ENTRIES);
    expect(result.more).toBe(true);
  });

  it('searches only what its visitor may read: nothing when refused, only the mounts granted', async () => {
    const refused = {
      ...(await options()),
      grant: () => ({
        allowed: false as const,
        diagnostic: 'anonymous search is not allowed: bind with an account first',
      }),
    };
    const none = await runStatusSearch(phoneSearch('anna')!, refused, signal);
    expect(none.entries).toEqual([]);
    expect(none.error).toBe(
      'insufficientAccessRights: anonymous search is not allowed: bind with an account first (without admin.token the page searches as an anonymous LDAP client)',
    );
    const directory = await testDirectory([
      { name: 'hr', records: PEOPLE },
      { name: 'crm', records: [person('c1', { cn: ['Anna Crm'] })] },
    ]);
    const both = { ...(await options()), directory };
    const onlyCrm = {
      ...both,
      grant: () => ({
        allowed: true as const,
        visibility: {
          mounts: new Set(['crm']),
          withheld: DEFAULT_VISIBILITY.withheld,
        },
      }),
    };
    const cns = async (opts: StatusSearchOptions) =>
      (await runStatusSearch(phoneSearch('anna')!, opts, signal)).entries.map(
        (e) => e.attributes[0]!.values[0],
      );
    expect(await cns(both)).toEqual(['Anna Müller', 'Anna Crm']);
    expect(await cns(onlyCrm)).toEqual(['Anna Crm']);
  });

  it('reports a search over its filter budget as the LDAP client would be told', async () => {
    const opts = { ...(await options()), maxFilterEvaluations: 2 };
    const result = await runStatusSearch(phoneSearch('anna')!, opts, signal);
    expect(result.error).toMatch(/^adminLimitExceeded: /);
  });
});
