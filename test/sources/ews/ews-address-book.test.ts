/**
 * The ews source with `addressBook: true`: Exchange's address book as a live mount of a directory,
 * against the EWS fake's GAL through the real library. Prefix name searches are asked with
 * ResolveNames (full contact data, `SMTP:` prefixes taken off, groups left out) and the
 * directory's evaluator decides; "contains", number and catch-all searches ask nothing; a name
 * with more than 100 entries is answered with Exchange's first 100 and one warning; get by SMTP
 * address; check and fields; the settings that go with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '../../../src/directory/directory.js';
import { parseFilter } from '../../../src/filter/parse.js';
import type { SourceLogger } from '../../../src/sources/source-descriptor.js';
import { EWS_DEFAULT_MAP } from '../../../src/sources/ews/default-map.js';
import type { EwsAddressBookSource } from '../../../src/sources/ews/index.js';
import { generatedGalPeople } from '../../fakes/ews/index.js';
import { TEST_SUFFIX, testDirectory } from '../../support/test-directory.js';
import { startEwsFixture, type EwsFixture } from './ews-fixture.js';

const signal = new AbortController().signal;
let fixture: EwsFixture;
let book: EwsAddressBookSource;
let directory: Directory;
const warnings: string[] = [];

beforeAll(async () => {
  fixture = await startEwsFixture();
  for (const person of generatedGalPeople(130, 'Zed')) fixture.fake.gal.add(person);
  const logger: SourceLogger = { warn: (_obj, msg) => warnings.push(msg), info: () => {}, error: () => {} };
  book = fixture.addressBook();
  directory = await testDirectory([
    { name: 'exchange', mode: 'live', source: fixture.addressBook({}, logger), map: EWS_DEFAULT_MAP },
  ]);
});

afterAll(async () => {
  await book.close();
  await fixture.fake.close();
});

/** The cn and chosen attributes of what a one-level search of the mount finds, sorted by cn. */
async function search(filter: string, attributes: string[] = ['cn']): Promise<Record<string, string[]>[]> {
  const found: Record<string, string[]>[] = [];
  const request = {
    base: `ou=exchange,${TEST_SUFFIX}`,
    scope: 'one' as const,
    filter: parseFilter(filter),
    attributes,
    typesOnly: false,
  };
  for await (const hit of directory.search(request, signal))
    found.push(
      Object.fromEntries(hit.attributes.map((attribute) => [attribute.type, [...attribute.values]])),
    );
  return found.sort((a, b) => (a.cn?.[0] ?? '').localeCompare(b.cn?.[0] ?? ''));
}

const cns = async (filter: string): Promise<string[]> => (await search(filter)).map((entry) => entry.cn![0]!);

describe('the address book as a live mount', () => {
  it('answers prefix name searches by ResolveNames, groups left out', async () => {
    fixture.fake.log.clear();
    expect(await cns('(cn=al*)')).toEqual(['Alan Smithee', 'Alice Anders']);
    const asked = fixture.fake.log.operations('ResolveNames').map((entry) => entry.body);
    expect(
      asked.some(
        (body) => body.includes('ReturnFullContactData="true"') && body.includes('>al</m:UnresolvedEntry>'),
      ),
    ).toBe(true);
    expect(await cns('(|(sn=Müll*)(givenName=pat*))')).toEqual(['Jörg Müller', 'Pat Partner']);
    expect(await cns('(&(objectClass=contact)(cn=pat*))')).toEqual(['Pat Partner']);
    expect(await cns('(&(objectClass=user)(cn=pat*))')).toEqual([]);
  });

  it("presents the entries under AD's names, addresses without SMTP:", async () => {
    const [alice] = await search('(mail=alice@contoso.com)', [
      'cn',
      'mail',
      'telephoneNumber',
      'mobile',
      'facsimileTelephoneNumber',
      'homePhone',
      'department',
      'title',
      'company',
      'physicalDeliveryOfficeName',
      'uid',
    ]);
    expect(alice).toEqual({
      cn: ['Alice Anders'],
      mail: ['alice@contoso.com'],
      telephoneNumber: ['+1 425 555 0101'],
      mobile: ['+1 425 555 0111'],
      facsimileTelephoneNumber: ['+1 425 555 0199'],
      homePhone: ['+1 425 555 0177'],
      department: ['R&D'],
      title: ['Engineer'],
      company: ['Contoso'],
      physicalDeliveryOfficeName: ['18/2111'],
      uid: ['alice'],
    });
  });

  it('asks nothing for "contains", number and catch-all searches', async () => {
    fixture.fake.log.clear();
    expect(await cns('(cn=*lic*)')).toEqual([]);
    expect(await cns('(telephoneNumber=+1 425 555 0101)')).toEqual([]);
    expect(await cns('(objectClass=*)')).toEqual([]);
    expect(fixture.fake.log.operations('ResolveNames')).toHaveLength(0);
    // Text that means something in XML is only text to ResolveNames.
    expect(await cns('(cn=<a&b>\\22*)')).toEqual([]);
    expect(fixture.fake.log.operations('ResolveNames').at(-1)?.body).toContain('&lt;a&amp;b&gt;');
    // The library escapes nothing it writes (not in CLOUD-APIS): a search cannot
    // close the element and ask for another name.
    expect(await cns('(cn=</m:UnresolvedEntry><m:UnresolvedEntry>al*)')).toEqual([]);
    const injected = fixture.fake.log.operations('ResolveNames').at(-1)!.body;
    expect(injected.match(/<m:UnresolvedEntry>/g)).toHaveLength(1);
    // An OR asks the branches it can.
    expect(await cns('(|(cn=anna*)(telephoneNumber=*0101*))')).toEqual(['Anna Åberg']);
  });

  it('answers the first 100 of a name with more, and warns once', async () => {
    expect(await cns('(sn=zed*)')).toHaveLength(100);
    expect(await cns('(sn=zed*)')).toHaveLength(100);
    expect(warnings.filter((warning) => warning.includes('more than 100 entries for "zed"'))).toHaveLength(1);
  });

  it('finds nobody for a name nobody has, without taking that for a cut-off list', async () => {
    expect(await cns('(cn=qqxyz*)')).toEqual([]);
    expect(warnings.filter((warning) => warning.includes('"qqxyz"'))).toEqual([]);
  });

  it('gets an entry by its SMTP address', async () => {
    expect((await book.get('joerg.mueller@contoso.com', signal))?.fields.DisplayName).toEqual([
      'Jörg Müller',
    ]);
    expect(await book.get('nobody@contoso.com', signal)).toBeUndefined();
  });

  it('check says what ResolveNames answers, fields what its entries hold', async () => {
    const report = await book.check();
    expect(report.ok).toBe(true);
    expect(report.steps.map((step) => step.step)).toEqual(['connection', 'address book']);
    expect(report.steps[1]!.detail).toMatch(
      /^ResolveNames answers: names starting with a, e, m, s resolve to \d+ users and \d+ contacts/,
    );
    expect(report.samples.length).toBeGreaterThan(0);
    const fields = new Map((await book.fields()).map((field) => [field.name, field.count]));
    expect(fields.get('Alias')).toBeGreaterThan(0);
    expect(fields.get('BusinessPhone')).toBeGreaterThan(0);
    expect(fields.has('folder')).toBe(false);
  });

  it('wrong password: the connection step fails with its sentence', async () => {
    const wrong = fixture.addressBook({ password: 'nope-nope' });
    const report = await wrong.check();
    expect(report.steps).toEqual([
      {
        step: 'connection',
        ok: false,
        detail:
          'EWS refused the sign-in (HTTP 401): wrong user name or password, or Basic authentication is not enabled on the EWS virtual directory',
      },
    ]);
    await wrong.close();
  });

  it('goes with mode live and without mailboxes', () => {
    expect(() => fixture.addressBook({ mode: 'replica' })).toThrow('addressBook is asked at each search');
    expect(() => fixture.source({ mode: 'live' })).toThrow('mode: live goes with addressBook: true');
    expect(() => fixture.addressBook({ mailboxes: ['alice@contoso.com'] })).toThrow(
      'mailboxes goes with mailbox contacts',
    );
  });
});
