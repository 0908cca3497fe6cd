/**
 * Withheld attributes from outside, as an attacker would try them: a file source of 3,000 people
 * with WEB and SIP password columns, searched with OpenLDAP's ldapsearch by an account without
 * `sensitive` rights. No filter form — equality, substrings, ordering, approximate, presence,
 * extensible matches with and without an attribute, with `:dn:`, by name or OID, under NOT, inside
 * AND and OR — may answer differently for a right guess than for a wrong one; the account that may
 * read the passwords does find them, so the searches would notice an oracle. No guess reaches the
 * log, whatever the filter's shape. All of it runs again through every shipped view
 * (src/view/shipped-views.ts), with guesses under each name the view gives or takes: a view never
 * lets a filter test a password under another name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePhonebook } from '../../scripts/bench/phonebook.js';
import { SeededRandom } from '../../scripts/seeded-random.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import { scryptHash } from './support/scrypt-hash.js';
import { registerTestSecret } from './support/test-secrets.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';

const PEOPLE = 3_000;
const PASSWORDS = {
  pbx: registerTestSecret('Pbx#Withheld-Import-7101'),
  phones: registerTestSecret('Phones#Withheld-Lookup-7102'),
};
/** No view, then each shipped view: each has a `pbx-<view>` and a `phones-<view>` account. */
const VIEWS = ['none', ...Object.keys(SHIPPED_VIEWS)];
type Role = 'pbx' | 'phones';

function accountOf(role: Role, view: string): string {
  return view === 'none' ? role : `${role}-${view}`;
}

/** The people whose passwords the attacker guesses (right, and wrong). */
const PROBED = [17, 2_500];

interface Person {
  readonly cn: string;
  readonly web: string;
  readonly sip: string;
}

let people: Person[];
let server: DirbridgeProcess;

/** The phonebook with a WEB and a SIP password per person, each distinctive enough for the log scan. */
function withPasswords(csv: string): { csv: string; people: Person[] } {
  const random = new SeededRandom(7100);
  const [header, ...rows] = csv.trimEnd().split('\n');
  const cnColumn = header!.split(',').indexOf('cn');
  const people: Person[] = [];
  const lines = rows.map((row, i) => {
    const web = `Web#${i}-${random.int(1e9, 2e9).toString(36)}`;
    const sip = `Sip#${i}-${random.int(1e9, 2e9).toString(36)}`;
    // The generator quotes no field before cn, so splitting the head of the row is safe.
    people.push({ cn: row.split(',')[cnColumn]!, web, sip });
    return `${row},${web},${sip}`;
  });
  return { csv: `${header},userPassword,wuserPasswordSip\n${lines.join('\n')}\n`, people };
}

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'dirbridge-withheld-'));
  const made = withPasswords(generatePhonebook(PEOPLE).csv);
  people = made.people;
  for (const index of PROBED) {
    registerTestSecret(people[index]!.web);
    registerTestSecret(people[index]!.sip);
  }
  const path = join(folder, 'people.csv');
  writeFileSync(path, made.csv);
  server = await startDirbridge({
    logName: 'withheld-attributes',
    config: {
      directory: { suffix: SUFFIX, sizeLimit: PEOPLE * 2 },
      sources: [{ name: 'people', type: 'file', path }],
      access: {
        anonymous: false,
        accounts: VIEWS.flatMap((view) => {
          const chosen = view === 'none' ? {} : { view };
          return [
            {
              name: accountOf('pbx', view),
              passwordHash: scryptHash(PASSWORDS.pbx),
              sensitive: ['userPassword', 'wuserPasswordSip'],
              ...chosen,
            },
            { name: accountOf('phones', view), passwordHash: scryptHash(PASSWORDS.phones), ...chosen },
          ];
        }),
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await server.stop();
});

/** The cns a search finds, bound as the account of `role` with `view`, sorted. */
async function found(role: Role, filter: string, view = 'none'): Promise<string[]> {
  const result = await ldapsearch(server.url, filter, {
    bind: { dn: accountOf(role, view), password: PASSWORDS[role] },
    attributes: ['cn'],
  });
  expect(result.code, `${filter}: ${result.stderr}`).toBe(0);
  return result.entries.map((entry) => entry.attributes.cn?.[0] ?? entry.dn).sort();
}

/** RFC 4515: the characters a value must escape in a filter string. */
function escaped(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

type Guess = (web: string, sip: string) => string;
/** A shape under NOT matches everyone either way; the others must never find the owner. */
type Polarity = 'finds nobody' | 'same either way';

/** Every filter shape a guess can take; each is a function of the guessed WEB and SIP passwords. */
const GUESSES: readonly [string, Guess, Polarity?][] = [
  ['extensible octetStringMatch by OID, no attribute', (w) => `(:2.5.13.17:=${w})`],
  ['extensible octetStringMatch by name, no attribute', (w) => `(:octetStringMatch:=${w})`],
  ['extensible with :dn:, no attribute', (w) => `(:dn:2.5.13.17:=${w})`],
  ['extensible caseExactMatch, no attribute', (w) => `(:caseExactMatch:=${w})`],
  ['extensible caseIgnoreMatch, no attribute', (w) => `(:2.5.13.2:=${w})`],
  ['extensible substrings, no attribute', (w) => `(:2.5.13.4:=\\2a${escaped(w.slice(1))})`],
  ['extensible on the attribute', (w) => `(userPassword:2.5.13.17:=${w})`],
  ['extensible on the attribute with :dn:', (w) => `(userPassword:dn:=${w})`],
  ['equality', (w) => `(userPassword=${w})`],
  ['equality by OID', (w) => `(2.5.4.35=${w})`],
  ['equality with an option', (w) => `(userPassword;binary=${w})`],
  ['equality on the SIP password', (_, s) => `(wuserPasswordSip=${s})`],
  ['substrings', (w) => `(userPassword=${escaped(w.slice(0, 4))}*)`],
  ['greater or equal', (w) => `(userPassword>=${w})`],
  ['approximate', (_, s) => `(wuserPasswordSip~=${s})`],
  ['inside OR', (w) => `(|(cn=nobody-at-all)(userPassword=${w}))`],
  ['inside AND', (w) => `(&(objectClass=*)(:2.5.13.17:=${w}))`],
  ['under NOT', (w) => `(!(userPassword=${w}))`],
  ['under NOT, no attribute', (w) => `(!(:octetStringMatch:=${w}))`, 'same either way'],
  ['presence', () => '(userPassword=*)'],
];

/**
 * Guesses under each name a view gives or takes. These names are not password attributes, so the
 * log shows their values as typed: the guesses use the middle of the passwords (a substring match
 * would still find it), never the passwords themselves.
 */
function viewGuesses(view: string): [string, Guess][] {
  const names = view === 'none' ? [] : [...new Set(Object.entries(SHIPPED_VIEWS[view]!).flat())];
  return names.flatMap((name): [string, Guess][] => [
    [`${name} substrings`, (w) => `(${name}=*${escaped(w.slice(2, -2))}*)`],
    [`${name} substrings of the SIP password`, (_, s) => `(${name}=*${escaped(s.slice(2, -2))}*)`],
  ]);
}

describe.each(VIEWS)('withheld attributes, view %s', (view) => {
  it.each(GUESSES)('%s: a right guess answers exactly as a wrong one', async (_shape, guess, polarity) => {
    for (const index of PROBED) {
      const { web, sip } = people[index]!;
      const right = await found('phones', guess(web, sip), view);
      const wrong = await found('phones', guess(`${web}-wrong`, `${sip}-wrong`), view);
      expect(right).toEqual(wrong);
      if (polarity !== 'same either way') expect(right).not.toContain(people[index]!.cn);
    }
  });

  it("guesses under the view's names find nobody, granted or not", async () => {
    const { web, sip } = people[PROBED[0]!]!;
    for (const [shape, guess] of viewGuesses(view)) {
      expect(await found('phones', guess(web, sip), view), shape).toEqual([]);
      expect(await found('pbx', guess(web, sip), view), shape).toEqual([]);
    }
  });

  it('the account granted the passwords finds their owner by the same filters (the probe works)', async () => {
    const [index] = PROBED;
    const { cn, web, sip } = people[index!]!;
    expect(await found('pbx', `(:2.5.13.17:=${web})`, view)).toEqual([cn]);
    expect(await found('pbx', `(:dn:octetStringMatch:=${sip})`, view)).toEqual([cn]);
    expect(await found('pbx', `(userPassword=${web})`, view)).toEqual([cn]);
  });
});

describe('withheld attributes in the log', () => {
  it('no guess reaches the log, whatever the filter shape; the operations are logged redacted', () => {
    const log = server.output();
    for (const index of PROBED) {
      const { web, sip } = people[index]!;
      for (const secret of [web, sip, web.slice(1)])
        expect(log, `the log holds ${secret}`).not.toContain(secret);
    }
    expect(log).toContain('(:2.5.13.17:=[redacted])');
    expect(log).toContain('(userPassword=[redacted])');
  });
});
