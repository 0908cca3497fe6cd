/**
 * Withheld attributes from outside, as an attacker would try them: a file source of 3,000 people
 * with WEB and SIP password columns, searched with OpenLDAP's ldapsearch by an account without
 * `sensitive` rights. No filter form — equality, substrings, ordering, approximate, presence,
 * extensible matches with and without an attribute, with `:dn:`, by name or OID, under NOT, inside
 * AND and OR — may answer differently for a right guess than for a wrong one; the account that may
 * read the passwords does find them, so the searches would notice an oracle. No guess reaches the
 * log, whatever the filter's shape.
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

const PEOPLE = 3_000;
const PASSWORDS = {
  pbx: registerTestSecret('Pbx#Withheld-Import-7101'),
  phones: registerTestSecret('Phones#Withheld-Lookup-7102'),
};
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
        accounts: [
          {
            name: 'pbx',
            passwordHash: scryptHash(PASSWORDS.pbx),
            sensitive: ['userPassword', 'wuserPasswordSip'],
          },
          { name: 'phones', passwordHash: scryptHash(PASSWORDS.phones) },
        ],
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await server.stop();
});

/** The cns a search finds, bound as `account`, sorted. */
async function found(account: 'pbx' | 'phones', filter: string): Promise<string[]> {
  const result = await ldapsearch(server.url, filter, {
    bind: { dn: account, password: PASSWORDS[account] },
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

describe('withheld attributes', () => {
  it.each(GUESSES)('%s: a right guess answers exactly as a wrong one', async (_shape, guess, polarity) => {
    for (const index of PROBED) {
      const { web, sip } = people[index]!;
      const right = await found('phones', guess(web, sip));
      const wrong = await found('phones', guess(`${web}-wrong`, `${sip}-wrong`));
      expect(right).toEqual(wrong);
      if (polarity !== 'same either way') expect(right).not.toContain(people[index]!.cn);
    }
  });

  it('the account granted the passwords finds their owner by the same filters (the probe works)', async () => {
    const [index] = PROBED;
    const { cn, web, sip } = people[index!]!;
    expect(await found('pbx', `(:2.5.13.17:=${web})`)).toEqual([cn]);
    expect(await found('pbx', `(:dn:octetStringMatch:=${sip})`)).toEqual([cn]);
    expect(await found('pbx', `(userPassword=${web})`)).toEqual([cn]);
  });

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
