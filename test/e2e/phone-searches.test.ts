/**
 * What phones send (DOMAIN.md "What phones send"), through a real dirbridge process, checked against
 * the demo CSV with a simple independent oracle: names by prefix and contains, with and without
 * accents; numbers in several formats, by equality and by digits inside them.
 */
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRows, e164Digits, fold, values, type DemoRow } from './support/demo-data.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';

let server: DirbridgeProcess;
let client: Client;
const rows = demoRows();

beforeAll(async () => {
  server = await startDirbridge();
  client = new Client({ url: server.url, timeout: 30_000 });
});

afterAll(async () => {
  await client.unbind().catch(() => undefined);
  await server.stop();
});

const sortedNames = (names: readonly string[]): string[] => [...names].sort((a, b) => a.localeCompare(b));

function expectedNames(match: (row: DemoRow) => boolean): string[] {
  return sortedNames(rows.filter(match).map((row) => values(row, 'cn')[0]!));
}

async function namesFound(filter: string): Promise<string[]> {
  const result = await ldapsearch(server.url, filter, { attributes: ['cn'] });
  expect(result.code, result.stderr).toBe(0);
  const viaLdapts = await client.search(SUFFIX, { scope: 'sub', filter, attributes: ['cn'] });
  const names = sortedNames(result.entries.map((e) => e.attributes.cn?.[0] ?? ''));
  expect(sortedNames(viaLdapts.searchEntries.map((e) => String(e.cn)))).toEqual(names);
  return names;
}

const startsWith = (attribute: string, term: string) => (row: DemoRow) =>
  values(row, attribute).some((v) => fold(v).startsWith(fold(term)));
const contains = (attribute: string, term: string) => (row: DemoRow) =>
  values(row, attribute).some((v) => fold(v).includes(fold(term)));
const either =
  (...tests: ((row: DemoRow) => boolean)[]) =>
  (row: DemoRow) =>
    tests.some((t) => t(row));

describe('name searches as phones send them', () => {
  const terms = [
    'Mül',
    'mul',
    'MÜLLER',
    'Schrö',
    'schro',
    'Ång',
    'ang',
    'zoe',
    'jörg',
    'jorg',
    'łuk',
    'luk',
    'Ségo',
    'sego',
  ];

  it.each(terms)('Yealink prefix and Grandstream: (|(cn=%s*)(sn=%s*))', async (term) => {
    const expected = expectedNames(either(startsWith('cn', term), startsWith('sn', term)));
    expect(expected.length).toBeGreaterThan(0);
    expect(await namesFound(`(|(cn=${term}*)(sn=${term}*))`)).toEqual(expected);
  });

  it.each(terms)('Yealink contains: (|(cn=*%s*)(sn=*%s*))', async (term) => {
    const expected = expectedNames(either(contains('cn', term), contains('sn', term)));
    expect(expected.length).toBeGreaterThan(0);
    expect(await namesFound(`(|(cn=*${term}*)(sn=*${term}*))`)).toEqual(expected);
  });

  it.each(terms)('Snom and Gigaset: (|(cn=%s*)(o=%s*))', async (term) => {
    const expected = expectedNames(either(startsWith('cn', term), startsWith('o', term)));
    expect(await namesFound(`(|(cn=${term}*)(o=${term}*))`)).toEqual(expected);
  });

  it.each(terms)('Cisco: (sn=*%s*) and (cn=*%s*)', async (term) => {
    expect(await namesFound(`(sn=*${term}*)`)).toEqual(expectedNames(contains('sn', term)));
    expect(await namesFound(`(cn=*${term}*)`)).toEqual(expectedNames(contains('cn', term)));
  });

  it.each(terms)('Poly: (&(objectClass=person)(cn=%s*))', async (term) => {
    expect(await namesFound(`(&(objectClass=person)(cn=${term}*))`)).toEqual(
      expectedNames(startsWith('cn', term)),
    );
  });

  it('Gigaset reads every hit again with a base-scope search of its DN', async () => {
    const hits = await ldapsearch(server.url, '(|(cn=anna*)(o=anna*))', { attributes: ['cn'] });
    expect(hits.entries.length).toBeGreaterThan(0);
    for (const hit of hits.entries) {
      const again = await ldapsearch(server.url, '(objectclass=*)', { base: hit.dn, scope: 'base' });
      expect(again.code, again.stderr).toBe(0);
      expect(again.entries.map((e) => e.dn)).toEqual([hit.dn]);
      expect(again.entries[0]!.attributes.cn).toEqual(hit.attributes.cn);
    }
  });
});

const NUMBER_ATTRIBUTES = ['telephoneNumber', 'mobile', 'ipPhone', 'homePhone'] as const;

/** The digit strings a number is written as: international, national (German trunk 0), as typed. */
function digitForms(number: string): string[] {
  const e164 = e164Digits(number);
  const forms = [e164, number.replace(/\D/g, '')];
  if (e164.startsWith('49')) forms.push(`0${e164.slice(2)}`);
  return forms;
}

const numberEquals = (attributes: readonly string[], query: string) => (row: DemoRow) =>
  attributes.some((a) => values(row, a).some((v) => e164Digits(v) === e164Digits(query)));
const numberStartsWith = (attributes: readonly string[], digits: string) => (row: DemoRow) =>
  attributes.some((a) => values(row, a).some((v) => digitForms(v).some((f) => f.startsWith(digits))));
const numberContains = (attributes: readonly string[], digits: string) => (row: DemoRow) =>
  attributes.some((a) => values(row, a).some((v) => digitForms(v).some((f) => f.includes(digits))));

describe('number searches whatever the format', () => {
  const anna = rows.find((row) => values(row, 'cn').includes('Anna Müller'))!;
  const annaNumber = values(anna, 'telephoneNumber')[0]!;
  const formats = [
    '+4930123456712',
    '+49 30 1234567-12',
    '004930123456712',
    '0049 30 1234567 12',
    '030/1234567-12',
    '030 1234567-12',
    '030123456712',
  ];

  it('the demo data holds the number the formats below write differently', () => {
    expect(e164Digits(annaNumber)).toBe('4930123456712');
  });

  it.each(formats)('caller ID (Yealink): (|(telephoneNumber=%s)(mobile=…)(ipPhone=…))', async (number) => {
    const filter = `(|(telephoneNumber=${number})(mobile=${number})(ipPhone=${number}))`;
    const expected = expectedNames(numberEquals(['telephoneNumber', 'mobile', 'ipPhone'], number));
    expect(expected).toContain('Anna Müller');
    expect(await namesFound(filter)).toEqual(expected);
  });

  it.each(formats)('Grandstream: (|(telephoneNumber=%s)(Mobile=%s))', async (number) => {
    const expected = expectedNames(numberEquals(['telephoneNumber', 'mobile'], number));
    expect(await namesFound(`(|(telephoneNumber=${number})(Mobile=${number}))`)).toEqual(expected);
  });

  it.each(['0301', '+49301', '004930123', '03012345'])(
    'Snom prefix: (|(telephoneNumber=%s*)(mobile=…)(homePhone=…))',
    async (typed) => {
      const digits = typed.startsWith('+') ? typed.slice(1) : typed.startsWith('00') ? typed.slice(2) : typed;
      const attributes = ['telephoneNumber', 'mobile', 'homePhone'];
      const expected = expectedNames(numberStartsWith(attributes, digits));
      expect(expected).toContain('Anna Müller');
      expect(
        await namesFound(`(|(telephoneNumber=${typed}*)(mobile=${typed}*)(homePhone=${typed}*))`),
      ).toEqual(expected);
    },
  );

  it.each(['456712', '1234567-12', '4567 12', '1234567'])(
    'Cisco contains: (telephoneNumber=*%s*)',
    async (typed) => {
      const expected = expectedNames(numberContains(['telephoneNumber'], typed.replace(/\D/g, '')));
      expect(expected).toContain('Anna Müller');
      expect(await namesFound(`(telephoneNumber=*${typed}*)`)).toEqual(expected);
    },
  );

  it('suffix match on digits: (telephoneNumber=*456712)', async () => {
    const expected = expectedNames((row) =>
      values(row, 'telephoneNumber').some((v) => e164Digits(v).endsWith('456712')),
    );
    expect(expected).toContain('Anna Müller');
    expect(await namesFound('(telephoneNumber=*456712)')).toEqual(expected);
  });

  it('extensions are found as typed', async () => {
    const extension = values(anna, 'ipPhone')[0]!;
    const expected = expectedNames(numberEquals(NUMBER_ATTRIBUTES, extension));
    expect(
      await namesFound(`(|(telephoneNumber=${extension})(mobile=${extension})(ipPhone=${extension}))`),
    ).toEqual(expected);
  });
});
