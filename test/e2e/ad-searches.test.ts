/**
 * Phone lookups through a real dirbridge process to the run's Samba AD DC, sent with ldapsearch as
 * phones send them (DOMAIN.md "What phones send"): names with and without accents, numbers in the
 * formats people type, and hostile assertion values. What each lookup should find is worked out
 * from the entries read straight from the DC with a simple oracle (support/demo-data.ts), not from
 * hard-coded lists; for the hostile values the DC itself, asked the same filter, is the oracle.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { e164Digits, fold } from './support/demo-data.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { adSourceConfig } from './support/ad-source-config.js';
import { ldapsearch } from './support/ldap-utils.js';
import { readFromDc, type DcEntry } from './support/samba-ad-direct.js';
import './support/samba-ad-setup.js';

const ad = inject('sambaAd');
const ENABLED = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';
const USERS = '(&(objectCategory=person)(objectClass=user))';
/** What the source serves: enabled users and the contacts. */
const SERVED = `(&${ENABLED}(|${USERS}(objectClass=contact)))`;
const MOUNT = `ou=ad,${SUFFIX}`;
const ATTRIBUTES = ['cn', 'sn', 'telephoneNumber', 'mobile', 'ipPhone'] as const;

let server: DirbridgeProcess;
let served: DcEntry[];

beforeAll(async () => {
  served = await fromDc(SERVED);
  server = await startDirbridge({
    config: {
      sources: [
        adSourceConfig(ad, {
          filter: ENABLED,
          // Every lookup goes to the DC: a cached answer would prove nothing about the backend.
          cache: { size: 0 },
        }),
      ],
    },
    logName: 'ad-searches',
  });
});

afterAll(async () => {
  await server.stop();
});

/** The entries the DC itself returns for a filter, as the service account sees them. */
const fromDc = (filter: string): Promise<DcEntry[]> => readFromDc(ad, filter, ATTRIBUTES, 'service');

const values = (entry: DcEntry, attribute: string): readonly string[] => entry.values[attribute] ?? [];

/** entryUUIDs of the served entries an oracle accepts, sorted. */
function expected(match: (entry: DcEntry) => boolean): string[] {
  return served
    .filter(match)
    .map((entry) => entry.uuid)
    .sort();
}

function namesOf(uuids: readonly string[]): string[] {
  const byUuid = new Map(served.map((entry) => [entry.uuid, values(entry, 'cn')[0] ?? '']));
  return uuids.map((uuid) => byUuid.get(uuid) ?? uuid).sort();
}

/** entryUUIDs dirbridge answers a filter with, sorted; the search must succeed. */
async function found(filter: string): Promise<string[]> {
  const result = await ldapsearch(server.url, filter, { base: MOUNT, attributes: ['entryUUID'] });
  expect(result.code, `${filter}: ${result.stderr}`).toBe(0);
  return result.entries.map((entry) => entry.attributes.entryUUID?.[0] ?? '').sort();
}

const startsWith = (attribute: string, term: string) => (entry: DcEntry) =>
  values(entry, attribute).some((v) => fold(v).startsWith(fold(term)));
const contains = (attribute: string, term: string) => (entry: DcEntry) =>
  values(entry, attribute).some((v) => fold(v).includes(fold(term)));
const either =
  (...tests: ((entry: DcEntry) => boolean)[]) =>
  (entry: DcEntry) =>
    tests.some((test) => test(entry));

/** The digit strings a stored number is known by: international, as written, national (trunk 0). */
function digitForms(number: string): string[] {
  const e164 = e164Digits(number);
  const forms = [e164, number.replace(/\D/g, '')];
  if (e164.startsWith('49')) forms.push(`0${e164.slice(2)}`);
  return forms;
}

const numberEquals = (attributes: readonly string[], typed: string) => (entry: DcEntry) =>
  attributes.some((a) => values(entry, a).some((v) => e164Digits(v) === e164Digits(typed)));
const numberContains = (attribute: string, digits: string) => (entry: DcEntry) =>
  values(entry, attribute).some((v) => digitForms(v).some((form) => form.includes(digits)));
const numberEndsWith = (attribute: string, digits: string) => (entry: DcEntry) =>
  values(entry, attribute).some((v) => digitForms(v).some((form) => form.endsWith(digits)));

describe('name lookups as phones send them', () => {
  it('the DC holds the people the lookups are about', () => {
    const names = served.map((entry) => values(entry, 'cn')[0]);
    expect(names).toEqual(expect.arrayContaining(['Jörg Müller', 'Alice Anderson', 'Carol Contact']));
    expect(names).not.toContain('Dora Disabled');
  });

  it.each(['mül', 'mul', 'MÜL', 'jörg', 'jorg'])('contains: (|(cn=*%s*)(sn=*…*))', async (term) => {
    const want = expected(either(contains('cn', term), contains('sn', term)));
    expect(namesOf(want)).toContain('Jörg Müller');
    expect(await found(`(|(cn=*${term}*)(sn=*${term}*))`)).toEqual(want);
  });

  it.each(['muller', 'Müller', 'MULLER', 'alice', 'Alice', 'carol', 'page user 000'])(
    'prefix: (|(cn=%s*)(sn=…*))',
    async (term) => {
      const want = expected(either(startsWith('cn', term), startsWith('sn', term)));
      expect(want.length).toBeGreaterThan(0);
      expect(await found(`(|(cn=${term}*)(sn=${term}*))`)).toEqual(want);
    },
  );

  it('finds Jörg Müller by muller* and Müller*, and Alice by alice*', async () => {
    for (const term of ['muller', 'Müller']) {
      expect(namesOf(await found(`(|(cn=${term}*)(sn=${term}*))`))).toEqual(['Jörg Müller']);
    }
    expect(namesOf(await found('(|(cn=alice*)(sn=alice*))'))).toEqual(['Alice Anderson']);
  });
});

describe('number lookups whatever the format', () => {
  const alice = (): DcEntry => served.find((entry) => values(entry, 'cn').includes('Alice Anderson'))!;

  it('the DC holds the numbers the lookups below write differently', () => {
    expect(values(alice(), 'telephoneNumber').map(e164Digits)).toEqual(['4930123456710']);
    expect(values(alice(), 'mobile').map(e164Digits)).toEqual(['491701234510']);
  });

  it('contains: (telephoneNumber=*1234567*) finds every number with those digits', async () => {
    const want = expected(numberContains('telephoneNumber', '1234567'));
    expect(namesOf(want)).toEqual(['Alice Anderson', 'Carol Contact', 'Dave Supplier', 'Jörg Müller']);
    expect(await found('(telephoneNumber=*1234567*)')).toEqual(want);
  });

  it.each(['030123456710', '+4930123456710', '0049 30 1234567-10', '+49 30 1234567-10', '030/1234567-10'])(
    'caller ID: (|(telephoneNumber=%s)(mobile=…))',
    async (typed) => {
      const want = expected(numberEquals(['telephoneNumber', 'mobile'], typed));
      expect(namesOf(want)).toEqual(['Alice Anderson']);
      expect(await found(`(|(telephoneNumber=${typed})(mobile=${typed}))`)).toEqual(want);
    },
  );

  it.each(['01701234510', '+49 170 1234510', '00491701234510'])(
    'a mobile number: (|(telephoneNumber=%s)(mobile=…))',
    async (typed) => {
      const want = expected(numberEquals(['telephoneNumber', 'mobile'], typed));
      expect(namesOf(want)).toEqual(['Alice Anderson']);
      expect(await found(`(|(telephoneNumber=${typed})(mobile=${typed}))`)).toEqual(want);
    },
  );

  it.each([
    ['030123456712', 'Carol Contact'],
    ['+49 30 1234567-12', 'Carol Contact'],
    ['030123456713', 'Dave Supplier'],
    ['0049 30 1234567 13', 'Dave Supplier'],
  ])('contacts by number in another format than stored: (telephoneNumber=%s)', async (typed, name) => {
    const want = expected(numberEquals(['telephoneNumber'], typed));
    expect(namesOf(want)).toEqual([name]);
    expect(await found(`(telephoneNumber=${typed})`)).toEqual(want);
  });

  it('suffix: (telephoneNumber=*4567-10)', async () => {
    const want = expected(numberEndsWith('telephoneNumber', '456710'));
    expect(namesOf(want)).toEqual(['Alice Anderson']);
    expect(await found('(telephoneNumber=*4567-10)')).toEqual(want);
  });
});

describe('hostile assertion values', () => {
  const long = (char: string): string => char.repeat(1000);
  const hostile: readonly (readonly [string, string])[] = [
    ['an injection attempt, escaped', '(cn=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a)'],
    [
      'an injection attempt in a phone’s name lookup',
      '(|(cn=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a*)(sn=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a*))',
    ],
    ['a literal asterisk', '(cn=\\2a)'],
    ['a literal asterisk inside', '(|(cn=*\\2a*)(sn=*\\2a*))'],
    ['a NUL byte', '(cn=Alice\\00Anderson)'],
    ['a NUL byte inside', '(|(cn=*\\00*)(sn=*\\00*))'],
    ['a 1,000-character name', `(cn=${long('x')})`],
    ['a 1,000-character contains', `(|(cn=*${long('Q')}*)(sn=*${long('Q')}*))`],
    ['a 1,000-digit number', `(telephoneNumber=*${long('7')}*)`],
  ];

  it.each(hostile)('%s: what the DC finds, and the server answers normally after', async (_what, filter) => {
    const dc = (await fromDc(`(&${SERVED}${filter})`)).map((entry) => entry.uuid).sort();
    expect(dc).toEqual([]);
    expect(await found(filter)).toEqual(dc);
    expect(namesOf(await found('(|(cn=alice*)(sn=alice*))'))).toEqual(['Alice Anderson']);
  });
});
