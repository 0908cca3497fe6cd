/**
 * Views through a real dirbridge process and ldapts (docs/views.md): the demo phonebook, imported
 * by a PBX account with `view: seed-ad` as the seed's AD map imports (Extension <- telephoneNumber,
 * Office <- ipPhone), found by its extension under `telephoneNumber`, compared there; an account
 * with `seed-office365` reading Graph's names; a listener with `seed-domino` (Department <- ou) and
 * an account there that opts out with `view: presented`; and the phones' account, without a view,
 * seeing the presented schema unchanged. A view that would rename a password stops start-up.
 */
import { Client, type Entry } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRows, values, type DemoRow } from './support/demo-data.js';
import { SUFFIX, serveOnce, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { runTool } from './support/ldap-utils.js';
import { scryptHash } from './support/scrypt-hash.js';
import { registerTestSecret } from './support/test-secrets.js';

const PASSWORD = registerTestSecret('Views#Import-Pw-4410');
type Account = 'pbx-ad' | 'pbx-365' | 'phones' | 'plain';
const USERS = '(&(objectCategory=person)(objectClass=user))';

let server: DirbridgeProcess;
let people: DemoRow[];

beforeAll(async () => {
  people = demoRows().filter(
    (row) => values(row, 'objectClass')[0] === 'user' && values(row, 'ipPhone').length > 0,
  );
  const hash = scryptHash(PASSWORD);
  server = await startDirbridge({
    logName: 'views',
    config: {
      listen: [{ url: 'ldap://127.0.0.1:0' }, { url: 'ldap://127.0.0.1:0', view: 'seed-domino' }],
      directory: { suffix: SUFFIX, sizeLimit: 5000 },
      access: {
        anonymous: false,
        accounts: [
          { name: 'pbx-ad', passwordHash: hash, view: 'seed-ad' },
          { name: 'pbx-365', passwordHash: hash, view: 'seed-office365' },
          { name: 'phones', passwordHash: hash },
          { name: 'plain', passwordHash: hash, view: 'presented' },
        ],
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await server.stop();
});

async function bound<T>(
  account: Account,
  work: (client: Client) => Promise<T>,
  url = server.url,
): Promise<T> {
  const client = new Client({ url, timeout: 30_000 });
  try {
    await client.bind(account, PASSWORD);
    return await work(client);
  } finally {
    await client.unbind();
  }
}

function list(entry: Entry, name: string): string[] {
  const value = entry[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function byName(entries: readonly Entry[]): Map<string, Entry> {
  return new Map(entries.map((entry) => [list(entry, 'cn')[0] ?? entry.dn, entry]));
}

describe('a view', () => {
  it('seed-ad: a paged import reads the extension from telephoneNumber, the office number from ipPhone', async () => {
    const { searchEntries } = await bound('pbx-ad', (client) =>
      client.search(SUFFIX, {
        scope: 'sub',
        filter: USERS,
        attributes: ['entryUUID', 'cn', 'telephoneNumber', 'ipPhone', 'mobile', 'mail', 'department'],
        paged: { pageSize: 50 },
      }),
    );
    const found = byName(searchEntries);
    expect(people.length).toBeGreaterThan(100);
    const wrong = people.flatMap((row) => {
      const cn = values(row, 'cn')[0]!;
      const entry = found.get(cn);
      if (!entry) return [`${cn} missing`];
      const seen = {
        telephoneNumber: list(entry, 'telephoneNumber'),
        ipPhone: list(entry, 'ipPhone'),
        department: list(entry, 'department'),
      };
      const want = {
        telephoneNumber: values(row, 'ipPhone'),
        ipPhone: values(row, 'telephoneNumber'),
        department: values(row, 'department'),
      };
      return JSON.stringify(seen) === JSON.stringify(want) ? [] : [`${cn}: ${JSON.stringify(seen)}`];
    });
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(list(searchEntries[0]!, 'entryUUID')).toHaveLength(1);
  });

  it('seed-ad: (telephoneNumber=<extension>) finds the person, and compare agrees', async () => {
    const anna = people.find((row) => values(row, 'cn')[0] === 'Anna Müller')!;
    const extension = values(anna, 'ipPhone')[0]!;
    const office = values(anna, 'telephoneNumber')[0]!;
    await bound('pbx-ad', async (client) => {
      const { searchEntries } = await client.search(SUFFIX, {
        filter: `(telephoneNumber=${extension})`,
        attributes: ['cn', 'telephoneNumber', 'ipPhone'],
      });
      expect(
        searchEntries.map((entry) => [
          list(entry, 'cn'),
          list(entry, 'telephoneNumber'),
          list(entry, 'ipPhone'),
        ]),
      ).toEqual([[['Anna Müller'], [extension], [office]]]);
      // The office number, in another format, matches under ipPhone by phone-number rules.
      const byOffice = await client.search(SUFFIX, {
        filter: '(ipPhone=030 1234567 12)',
        attributes: ['cn'],
      });
      expect(byOffice.searchEntries.map((entry) => list(entry, 'cn')[0])).toEqual(['Anna Müller']);
      const dn = searchEntries[0]!.dn;
      expect(await client.compare(dn, 'telephoneNumber', extension)).toBe(true);
      expect(await client.compare(dn, 'ipPhone', extension)).toBe(false);
    });
  });

  it('without a view: the presented schema, unchanged', async () => {
    await bound('phones', async (client) => {
      const { searchEntries } = await client.search(SUFFIX, {
        filter: '(ipPhone=1012)',
        attributes: ['cn', 'telephoneNumber', 'ipPhone', 'department'],
      });
      expect(
        searchEntries.map((entry) => [
          list(entry, 'cn'),
          list(entry, 'telephoneNumber'),
          list(entry, 'ipPhone'),
        ]),
      ).toEqual([[['Anna Müller'], ['+49 30 1234567-12'], ['1012']]]);
      const byExtensionAsOffice = await client.search(SUFFIX, {
        filter: '(telephoneNumber=1012)',
        attributes: ['cn'],
      });
      expect(byExtensionAsOffice.searchEntries).toEqual([]);
    });
  });

  it('seed-office365: Graph names out and in; names it renamed away hold nothing', async () => {
    await bound('pbx-365', async (client) => {
      const { searchEntries } = await client.search(SUFFIX, {
        filter: '(businessPhones=1012)',
        attributes: ['*'],
      });
      expect(searchEntries).toHaveLength(1);
      const anna = searchEntries[0]!;
      expect(list(anna, 'businessPhones')).toEqual(['1012']);
      expect(list(anna, 'officeLocation')).toEqual(['+49 30 1234567-12']);
      expect(list(anna, 'jobTitle')).toEqual(['Leiterin Vertrieb']);
      expect(list(anna, 'mobilePhone')).toEqual(['+49 151 23456789']);
      expect(list(anna, 'surname')).toEqual(['Müller']);
      for (const gone of ['ipPhone', 'telephoneNumber', 'title', 'mobile', 'sn'])
        expect(anna).not.toHaveProperty(gone);
      expect(await client.compare(anna.dn, 'jobTitle', 'leiterin vertrieb')).toBe(true);
      await expect(client.compare(anna.dn, 'title', 'Leiterin Vertrieb')).rejects.toMatchObject({ code: 16 });
      // typesOnly, read with ldapsearch -A: ldapts lists every requested name, returned or not.
      const typesOnly = await runTool('ldapsearch', [
        ...['-x', '-LLL', '-A', '-o', 'ldif-wrap=no', '-H', server.url, '-D', 'pbx-365', '-w', PASSWORD],
        ...['-s', 'base', '-b', anna.dn, '(objectClass=*)', 'businessPhones', 'title', 'ipPhone'],
      ]);
      expect(
        typesOnly.stdout
          .trim()
          .split('\n')
          .filter((line) => !line.startsWith('dn')),
      ).toEqual(['businessPhones:']);
      const byTitle = await client.search(SUFFIX, {
        filter: '(title=Leiterin Vertrieb)',
        attributes: ['cn'],
      });
      expect(byTitle.searchEntries).toEqual([]);
    });
  });

  it("seed-domino on a listener: department under ou; an account's `view: presented` wins over it", async () => {
    const domino = server.urls[1]!;
    const sales = people.filter((row) => values(row, 'department')[0] === 'Vertrieb').length;
    expect(sales).toBeGreaterThan(0);
    await bound(
      'phones',
      async (client) => {
        const { searchEntries } = await client.search(SUFFIX, {
          filter: '(&(objectClass=user)(ou=Vertrieb))',
          attributes: ['ou', 'department'],
          paged: { pageSize: 100 },
        });
        expect(searchEntries).toHaveLength(sales);
        const shown = searchEntries.map((entry) => [list(entry, 'ou'), list(entry, 'department')]);
        expect(new Set(shown.map((pair) => JSON.stringify(pair)))).toEqual(new Set(['[["Vertrieb"],[]]']));
      },
      domino,
    );
    await bound(
      'plain',
      async (client) => {
        const { searchEntries } = await client.search(SUFFIX, {
          filter: '(&(objectClass=user)(department=Vertrieb))',
          attributes: ['ou', 'department'],
          paged: { pageSize: 100 },
        });
        expect(searchEntries).toHaveLength(sales);
        const shown = searchEntries.map((entry) => [list(entry, 'ou'), list(entry, 'department')]);
        expect(new Set(shown.map((pair) => JSON.stringify(pair)))).toEqual(new Set(['[[],["Vertrieb"]]']));
      },
      domino,
    );
  });

  it('leaves the schema as it is: its subschema entry is the presented schema for every view', async () => {
    const read = (account: Account): Promise<string[]> =>
      bound(account, async (client) => {
        const { searchEntries } = await client.search('cn=Subschema', {
          scope: 'base',
          filter: '(objectClass=subschema)',
          attributes: ['attributeTypes'],
        });
        return list(searchEntries[0]!, 'attributeTypes');
      });
    const presented = await read('phones');
    expect(presented.some((type) => type.includes("NAME 'ipPhone'"))).toBe(true);
    expect(await read('pbx-ad')).toEqual(presented);
    expect(await read('pbx-365')).toEqual(presented);
  });

  it('a view that would show a password under another name stops start-up, naming its place', () => {
    const { status, stderr } = serveOnce({
      listen: [{ url: 'ldap://127.0.0.1:0' }],
      sources: [{ name: 'demo', type: 'file', path: 'x.csv' }],
      views: { leaky: { sipSecret: 'wuserPasswordSip' } },
    });
    expect(status).not.toBe(0);
    expect(stderr).toContain("views.leaky.sipSecret: 'wuserPasswordSip' is a password attribute");
  });
});
