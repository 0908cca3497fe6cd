/**
 * The `domino` source against the Domino stand-in (scripts/test-backends/slapd-domino.ts), served by
 * a real dirbridge process and read with ldapsearch, as a PBX and phones read it: the PBX import
 * (paged, every person once, the Domino map filling the presented attributes from LDAP names or
 * Notes items), phone lookups by name and by number in any format answered from the replica while
 * the backend is frozen, live mode answering the same as the replica, and `dirbridge check` and
 * `dirbridge fields`. Every expectation is computed from the stand-in's exported seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startSlapdDomino,
  type DominoPerson,
  type SlapdDomino,
} from '../../scripts/test-backends/slapd-domino.js';
import { runCli } from './support/cli-process.js';
import { e164Digits, fold } from './support/demo-data.js';
import {
  demoConfig,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import {
  DOMINO_MOUNT,
  dominoSource,
  entryUuidOf,
  mappedAttributes,
  notesItemCounts,
  people,
  presentedDn,
  registerDominoSecrets,
} from './support/domino.js';
import { ldapsearch, type LdifEntry } from './support/ldap-utils.js';

/** Seconds the source waits for Domino: an answer that needed the frozen stand-in would be 52. */
const TIMEOUT_S = 3;
const SIZE_LIMIT_EXCEEDED = 4;

let domino: SlapdDomino;
let everyone: DominoPerson[];
let replica: DirbridgeProcess;

beforeAll(async () => {
  domino = await startSlapdDomino({ name: 'domino-source' });
  registerDominoSecrets(domino);
  everyone = people(domino);
  replica = await startDirbridge({
    config: { sources: [dominoSource(domino, { timeout: TIMEOUT_S })] },
    logName: 'domino-source-replica',
  });
});

afterAll(async () => {
  await replica.stop();
  await domino.stop();
});

/** Runs `body` while the stand-in is frozen (SIGSTOP): what needs Domino would wait, then fail. */
async function withDominoFrozen<T>(body: () => Promise<T>): Promise<T> {
  domino.pause();
  try {
    return await body();
  } finally {
    domino.resume();
  }
}

function byUuid(entries: readonly LdifEntry[]): Map<string, LdifEntry> {
  return new Map(entries.map((entry) => [entry.attributes.entryUUID?.[0] ?? '', entry]));
}

function uuidsOf(list: readonly DominoPerson[]): string[] {
  return list.map((person) => entryUuidOf(person)).sort();
}

/** What a lookup found: the entryUUIDs, sorted. */
async function lookup(server: DirbridgeProcess, filter: string): Promise<string[]> {
  const result = await ldapsearch(server.url, filter, { base: DOMINO_MOUNT, attributes: ['entryUUID'] });
  expect(result.code, `${filter}: ${result.stderr}`).toBe(0);
  return result.entries.map((entry) => entry.attributes.entryUUID?.[0] ?? '').sort();
}

/** The person's presented values of the number attributes phones search. */
function numbers(person: DominoPerson, attributes: readonly string[]): string[] {
  const mapped = mappedAttributes(person);
  return attributes.flatMap((attribute) => mapped[attribute] ?? []);
}

/** A deliberately simple oracle: people one of whose numbers has these digits, read the German way. */
function withNumber(digits: (own: string) => boolean, attributes: readonly string[]): DominoPerson[] {
  return everyone.filter((person) => numbers(person, attributes).some((n) => digits(e164Digits(n))));
}

/** People whose name attribute, folded, matches `pattern` (`x*` prefix, `*x*` contains, else equal). */
function withName(attribute: string, pattern: string): DominoPerson[] {
  const wanted = fold(pattern.replaceAll('*', ''));
  return everyone.filter((person) =>
    (mappedAttributes(person)[attribute] ?? []).some((value) => {
      const folded = fold(value);
      if (pattern.startsWith('*') && pattern.endsWith('*')) return folded.includes(wanted);
      if (pattern.endsWith('*')) return folded.startsWith(wanted);
      return folded === wanted;
    }),
  );
}

describe('domino source: the PBX import', () => {
  let imported: LdifEntry[];

  beforeAll(async () => {
    // Pages of 2 with 7 people: several pages, each person once.
    const result = await ldapsearch(replica.url, '(objectClass=person)', {
      base: DOMINO_MOUNT,
      extensions: ['pr=2/noprompt'],
      attributes: ['*', 'entryUUID'],
    });
    expect(result.code, result.stderr).toBe(0);
    imported = result.entries;
  });

  it('gives every person once, named by the entryUUID its dominoUNID (or DN) makes', () => {
    const uuids = imported.map((entry) => entry.attributes.entryUUID?.[0]);
    expect(new Set(uuids).size).toBe(imported.length);
    expect([...uuids].sort()).toEqual(uuidsOf(everyone));
    for (const person of everyone)
      expect(byUuid(imported).get(entryUuidOf(person))?.dn).toBe(presentedDn(person));
    // The person without dominoUNID is there too, identified by its DN.
    expect(everyone.filter((person) => person.unid === null)).toHaveLength(1);
  });

  it('fills every presented attribute from the LDAP name or the Notes item, per the Domino map', () => {
    const entries = byUuid(imported);
    for (const person of everyone) {
      const entry = entries.get(entryUuidOf(person))!;
      for (const [attribute, expected] of Object.entries(mappedAttributes(person))) {
        expect(entry.attributes[attribute], `${person.key} ${attribute}`).toEqual(expected);
      }
      expect(entry.attributes.objectClass).toContain('user');
      // Passwords are no anonymous reader's business.
      expect(entry.attributes.userPassword).toBeUndefined();
      expect(entry.attributes.wuserPasswordSip).toBeUndefined();
    }
    // The seed mixes both ways of holding each item: the map's fallbacks are all exercised.
    const holding = (item: string): number => everyone.filter((p) => p.attributes[item] !== undefined).length;
    for (const item of ['OfficePhoneNumber', 'CellPhoneNumber', 'Department', 'ShortName', 'InternetAddress'])
      expect(holding(item), item).toBeGreaterThan(0);
    for (const item of ['telephoneNumber', 'mobile', 'ou', 'uid', 'mail', 'ipPhone', 'userPrincipalName'])
      expect(holding(item), item).toBeGreaterThan(0);
  });

  it('answers each returned DN again with a base-scope read, as a Gigaset re-reads its hits', async () => {
    for (const person of everyone) {
      const read = await ldapsearch(replica.url, '(objectClass=*)', {
        base: presentedDn(person),
        scope: 'base',
        attributes: ['cn', 'entryUUID'],
      });
      expect(read.code, read.stderr).toBe(0);
      expect(read.entries).toEqual([
        { dn: presentedDn(person), attributes: { cn: [...person.cn], entryUUID: [entryUuidOf(person)] } },
      ]);
    }
  });

  it('stops at the sizeLimit a phone asks for with sizeLimitExceeded (4)', async () => {
    const limited = await ldapsearch(replica.url, '(objectClass=person)', {
      base: DOMINO_MOUNT,
      sizeLimit: 3,
    });
    expect(limited.code).toBe(SIZE_LIMIT_EXCEEDED);
    expect(limited.entries).toHaveLength(3);
  });
});

describe('domino source: phone lookups, answered from the replica while Domino is frozen', () => {
  const YEALINK_NUMBER = ['telephoneNumber', 'mobile', 'ipPhone'] as const;

  it("finds Thomas Weber's 030/1234567-12 in the formats phones send", async () => {
    const office = ['telephoneNumber'];
    const exactly = (digits: string): DominoPerson[] => withNumber((own) => own === digits, office);
    const endsWith = (digits: string): DominoPerson[] => withNumber((own) => own.endsWith(digits), office);
    const { thomasBerlin } = domino.people;
    // The stand-in holds his number only in the Notes item, in a national format.
    expect(thomasBerlin.attributes['OfficePhoneNumber']).toEqual(['030/1234567-12']);
    const cases: [string, DominoPerson[]][] = [
      ['(telephoneNumber=+4930123456712)', exactly('4930123456712')],
      ['(telephoneNumber=0049 30 1234567-12)', exactly('4930123456712')],
      ['(telephoneNumber=030 1234567-12)', exactly('4930123456712')],
      ['(telephoneNumber=*4567-12)', endsWith('456712')],
    ];
    await withDominoFrozen(async () => {
      for (const [filter, expected] of cases) {
        expect(expected.map((p) => p.key)).toEqual(['thomasBerlin']);
        expect(await lookup(replica, filter), filter).toEqual(uuidsOf(expected));
      }
    });
  });

  it('finds every number the directory holds, international and national, as a caller-ID lookup', async () => {
    const held = [...new Set(everyone.flatMap((person) => numbers(person, YEALINK_NUMBER)))];
    expect(held.length).toBeGreaterThan(everyone.length);
    await withDominoFrozen(async () => {
      for (const number of held) {
        const digits = e164Digits(number);
        const expected = uuidsOf(withNumber((own) => own === digits, YEALINK_NUMBER));
        const forms = digits.startsWith('49') ? [`+${digits}`, `0${digits.slice(2)}`] : [digits];
        for (const form of forms) {
          const filter = YEALINK_NUMBER.map((attribute) => `(${attribute}=${form})`).join('');
          expect(await lookup(replica, `(|${filter})`), `${number} as ${form}`).toEqual(expected);
        }
      }
    });
  });

  it('finds Jürgen Groß by jurgen*, groß* and gross*, and names by prefix, contains and alias', async () => {
    const cases: [string, DominoPerson[]][] = [];
    for (const typed of ['jurgen', 'jürgen', 'groß', 'gross', 'GROSS']) {
      // Yealink and Grandstream: cn or sn, prefix mode.
      cases.push([
        `(|(cn=${typed}*)(sn=${typed}*))`,
        [...new Set([...withName('cn', `${typed}*`), ...withName('sn', `${typed}*`)])],
      ]);
    }
    // Snom: cn or o; Cisco: contains; an alias (a second cn value); an exact first name.
    cases.push(['(|(cn=thomas*)(o=thomas*))', withName('cn', 'thomas*')]);
    cases.push(['(cn=*weber*)', withName('cn', '*weber*')]);
    cases.push(['(sn=*raun*)', withName('sn', '*raun*')]);
    for (const person of everyone.filter((p) => p.cn.length > 1))
      cases.push([
        `(cn=${person.cn[1]!.split(' ')[0]!}*)`,
        withName('cn', `${person.cn[1]!.split(' ')[0]!}*`),
      ]);
    cases.push(['(givenName=lisa)', withName('givenName', 'lisa')]);
    const { juergen } = domino.people;
    await withDominoFrozen(async () => {
      for (const [filter, expected] of cases) {
        expect(expected.length, filter).toBeGreaterThan(0);
        if (/jurgen|jürgen|gro/i.test(filter)) expect(expected).toEqual([juergen]);
        expect(await lookup(replica, filter), filter).toEqual(uuidsOf(expected));
      }
    });
  });
});

describe('domino source in live mode', () => {
  let live: DirbridgeProcess;

  beforeAll(async () => {
    live = await startDirbridge({
      config: { sources: [dominoSource(domino, { mode: 'live', timeout: TIMEOUT_S, cache: { size: 0 } })] },
      logName: 'domino-source-live',
    });
  });

  afterAll(async () => {
    await live.stop();
  });

  /** Everything a search returns, attributes and all, in a form two answers can be compared in. */
  async function answer(server: DirbridgeProcess, filter: string): Promise<LdifEntry[]> {
    const result = await ldapsearch(server.url, filter, { base: DOMINO_MOUNT });
    expect(result.code, `${filter}: ${result.stderr}`).toBe(0);
    return [...result.entries].sort((a, b) => a.dn.localeCompare(b.dn));
  }

  it('answers name and mail lookups exactly as replica mode does', async () => {
    const { anna, lisa, katharina, juergen } = domino.people;
    const filters = [
      '(|(cn=thomas*)(sn=thomas*))',
      '(|(cn=jurgen*)(sn=jurgen*))',
      '(|(cn=groß*)(sn=groß*))',
      '(|(cn=gross*)(sn=gross*))',
      '(cn=Thomas Weber)',
      `(cn=${katharina.cn[1]!})`,
      `(cn=${katharina.cn[1]!.slice(0, 4).toLowerCase()}*)`,
      '(cn=*weber*)',
      '(sn=*mid*)',
      `(mail=${anna.mail})`,
      `(mail=${lisa.mail.split('@')[0]!}*)`,
      `(mail=*@${juergen.mail.split('@')[1]!})`,
      `(uid=${lisa.shortName})`,
      `(sAMAccountName=${anna.shortName})`,
      `(userPrincipalName=${lisa.mail})`,
      '(&(objectClass=person)(|(givenName=k*)(sn=k*)))',
      '(|(cn=nobody*)(sn=nobody*))',
      '(objectClass=person)',
    ];
    for (const filter of filters) {
      const fromReplica = await answer(replica, filter);
      expect(await answer(live, filter), filter).toEqual(fromReplica);
      if (!filter.includes('nobody')) expect(fromReplica.length, filter).toBeGreaterThan(0);
    }
  });

  it('answers number lookups the same too (not sent to Domino, decided by dirbridge)', async () => {
    const { thomasBerlin, katharina } = domino.people;
    // Katharina's mobile is held only in the Notes item CellPhoneNumber: its last four digits.
    const tail = e164Digits(numbers(katharina, ['mobile'])[0]!).slice(-4);
    const filters = ['(telephoneNumber=+4930123456712)', `(|(telephoneNumber=*${tail})(mobile=*${tail}))`];
    for (const filter of filters) {
      const fromReplica = await answer(replica, filter);
      expect(fromReplica.length, filter).toBeGreaterThan(0);
      expect(await answer(live, filter), filter).toEqual(fromReplica);
    }
    expect(await lookup(live, '(telephoneNumber=0049 30 1234567-12)')).toEqual([entryUuidOf(thomasBerlin)]);
  });

  it('needs Domino for every search: frozen, it answers unavailable (52) within the timeout', async () => {
    await withDominoFrozen(async () => {
      const started = Date.now();
      const result = await ldapsearch(live.url, '(cn=anna*)', { base: DOMINO_MOUNT, attributes: ['cn'] });
      expect(result.code, result.stderr).toBe(52);
      expect(Date.now() - started).toBeLessThan(10 * TIMEOUT_S * 1000);
    });
  });
});

describe('dirbridge check and fields with a domino source', () => {
  let file: string;

  beforeAll(() => {
    file = writeConfig(demoConfig({ sources: [dominoSource(domino)] }));
  });

  it('`check` counts the people and shows samples with their passwords withheld', async () => {
    const check = await runCli(['check', '--config', file]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('domino (domino, replica)');
    expect(check.stdout).toContain(`${everyone.length} users, 0 contacts`);
    expect(check.stdout).toMatch(new RegExp(`sample 1: entryUUID=[0-9a-f-]{36},${DOMINO_MOUNT}`));
    expect(check.stdout).toContain('PASSED');
    expect(check.stdout).toMatch(/\n {6}userPassword: \(withheld\)\n/);
    for (const person of everyone) {
      if (person.sipPassword !== null) expect(check.stdout).not.toContain(person.sipPassword);
    }
  });

  it('`fields` lists the Notes items, what each fills, and how many people hold it', async () => {
    const fields = await runCli(['fields', '--config', file]);
    expect(fields.code, fields.stderr).toBe(0);
    expect(fields.stdout).toContain('domino (domino)');
    const fills: Record<string, string> = {
      OfficePhoneNumber: 'telephoneNumber (after telephoneNumber)',
      CellPhoneNumber: 'mobile (after mobile)',
      Department: 'department (after ou)',
      ShortName: 'sAMAccountName (after uid), uid (after uid)',
      InternetAddress: 'mail (after mail), userPrincipalName (after userPrincipalName | mail)',
      Location: 'physicalDeliveryOfficeName (after physicalDeliveryOfficeName)',
      MailFile: '-',
    };
    const counts = notesItemCounts(domino, Object.keys(fills));
    for (const [item, filled] of Object.entries(fills)) {
      const count = counts.get(item)!;
      expect(count, item).toBeGreaterThan(0);
      const row = `${escapeRegExp(item)} +${escapeRegExp(filled)} +${count} +in ${count} of ${everyone.length} sampled entries`;
      expect(fields.stdout).toMatch(new RegExp(`\\n {2}${row}\\n`));
    }
    // The id: every person but the one without dominoUNID holds it.
    const withUnid = everyone.filter((person) => person.unid !== null).length;
    expect(fields.stdout).toMatch(
      new RegExp(`\\n {2}dominoUNID +- +${withUnid} +in ${withUnid} of ${everyone.length} `),
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
