/**
 * Single sign-on through the `domino` source (`signOn: true`) against the Domino stand-in, through a
 * dirbridge process, with OpenLDAP's ldapwhoami as a PBX checks a user's password: every name Domino
 * accepts for a person (each common name, with or without `cn=`, the alias, the short name, the
 * Internet address, the userPrincipalName item, the Domino DN) and the presented DN is resolved to
 * the person and checked by the stand-in; a name two people share is refused and logged, whatever
 * the password; an empty password never reaches Domino. The WEB and SIP passwords reach only the
 * account config grants them. Expectations come from the stand-in's exported seed.
 */
import { Client } from 'ldapts';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startSlapdDomino,
  type DominoPerson,
  type SlapdDomino,
} from '../../scripts/test-backends/slapd-domino.js';
import { startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import {
  DOMINO_MOUNT,
  WRONG_PASSWORD,
  dominoSource,
  people,
  presentedDn,
  registerDominoSecrets,
} from './support/domino.js';
import { ldapsearch, runTool, type ToolResult } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';
import { scryptHash } from './support/scrypt-hash.js';

const INVALID_CREDENTIALS = 49;
const TIMEOUT_S = 3;
const PASSWORDS = {
  pbx: registerTestSecret('Pbx#Domino-Import-5501'),
  phones: registerTestSecret('Phones#Domino-Lookup-5502'),
};
const SENSITIVE = ['userPassword', 'wuserPasswordSip'];

let domino: SlapdDomino;
let everyone: DominoPerson[];
let server: DirbridgeProcess;

beforeAll(async () => {
  domino = await startSlapdDomino({ name: 'domino-sign-on' });
  registerDominoSecrets(domino);
  everyone = people(domino);
  server = await startDirbridge({
    config: {
      sources: [dominoSource(domino, { signOn: true, timeout: TIMEOUT_S, bindPoolSize: 2 })],
      access: {
        anonymous: true,
        accounts: [
          { name: 'pbx', passwordHash: scryptHash(PASSWORDS.pbx), sensitive: SENSITIVE },
          { name: 'phones', passwordHash: scryptHash(PASSWORDS.phones) },
        ],
      },
    },
    logName: 'domino-sign-on',
  });
});

afterAll(async () => {
  await server.stop();
  await domino.stop();
});

function whoami(name: string, password: string): Promise<ToolResult> {
  return runTool('ldapwhoami', ['-x', '-H', server.url, '-D', name, '-w', password]);
}

/** Every name Domino accepts for the person, and the presented DN; shared names left out. */
function bindNames(person: DominoPerson): string[] {
  const own = person.cn.filter((name) => !domino.ambiguousNames.includes(name));
  const items = ['uid', 'ShortName', 'mail', 'InternetAddress', 'userPrincipalName'].flatMap(
    (item) => person.attributes[item] ?? [],
  );
  return [...new Set([...own, ...own.map((name) => `cn=${name}`), ...items, person.dn, presentedDn(person)])];
}

/** Runs `body` while the stand-in is frozen (SIGSTOP): what needs Domino would wait, then fail. */
async function withDominoFrozen<T>(body: () => Promise<T>): Promise<T> {
  domino.pause();
  try {
    return await body();
  } finally {
    domino.resume();
  }
}

describe('domino sign-on', () => {
  it('signs each person on by every name form, and refuses a wrong password (49)', async () => {
    let forms = 0;
    for (const person of everyone) {
      const names = bindNames(person);
      // A short name, an Internet address, the DN and the presented DN at least (a flat DN is its cn= form).
      expect(names.length, person.key).toBeGreaterThanOrEqual(4);
      for (const name of names) {
        const good = await whoami(name, person.password);
        expect(good.code, `${person.key} as "${name}": ${good.stderr}`).toBe(0);
        expect(good.stdout.trim(), `${person.key} as "${name}"`).toBe(`dn:${presentedDn(person)}`);
        // The good bind first, so the throttle never holds the next wrong one back.
        const wrong = await whoami(name, WRONG_PASSWORD);
        expect(wrong.code, `${person.key} as "${name}" with a wrong password`).toBe(INVALID_CREDENTIALS);
        forms++;
      }
    }
    // Every kind of name was tried: the alias, an accented name, a Notes item only, a flat DN.
    const tried = everyone.flatMap(bindNames);
    const aliased = everyone.find((person) => person.cn.length > 1)!;
    expect(tried).toContain(aliased.cn[1]);
    expect(tried).toContain(domino.people.juergen.cn[0]);
    expect(tried).toContain(domino.people.lisa.attributes['ShortName']![0]);
    expect(tried).toContain(domino.people.klaus.dn);
    expect(forms).toBeGreaterThan(everyone.length * 5);
  });

  it("does not take one person's password for another's name", async () => {
    const { anna, lisa } = domino.people;
    expect((await whoami(anna.cn[0]!, lisa.password)).code).toBe(INVALID_CREDENTIALS);
    expect((await whoami(presentedDn(lisa), anna.password)).code).toBe(INVALID_CREDENTIALS);
  });

  it("refuses a name two people share (49) with either one's correct password, as a wrong password is, and logs why", async () => {
    const [shared] = domino.ambiguousNames;
    expect(shared).toBeDefined();
    const sharing = everyone.filter((person) => person.cn.includes(shared!));
    expect(sharing.length).toBe(2);
    const wrong = await whoami(domino.people.anna.mail, WRONG_PASSWORD);
    for (const name of [shared!, `cn=${shared!}`, shared!.toUpperCase()]) {
      // Were either bound, its own password would succeed: both passwords are refused.
      for (const person of sharing) {
        const answer = await whoami(name, person.password);
        expect(answer.code, `"${name}" with ${person.key}'s password`).toBe(INVALID_CREDENTIALS);
        // The answer a wrong password gets, word for word: it does not tell that the name exists.
        expect(answer.stderr).toBe(wrong.stderr);
      }
    }
    const refusals = server
      .output()
      .split('\n')
      .filter((line) => line.includes('ambiguous sign-on name refused'));
    expect(refusals.length).toBeGreaterThanOrEqual(6);
    expect(refusals.some((line) => line.includes(`"login":"${shared!}"`))).toBe(true);
    expect(refusals.every((line) => line.includes(`"matches":${sharing.length}`))).toBe(true);
    // Each of them still signs on by a name of its own.
    for (const person of sharing) {
      const own = await whoami(person.dn, person.password);
      expect(own.code, own.stderr).toBe(0);
      expect(own.stdout.trim()).toBe(`dn:${presentedDn(person)}`);
    }
  });

  it('refuses an empty password (49) at once, without asking Domino', async () => {
    const { anna } = domino.people;
    // Frozen, Domino would leave anything that needed it waiting for the timeout, and then 52.
    const started = Date.now();
    const answers = await withDominoFrozen(() =>
      Promise.all([whoami(anna.cn[0]!, ''), whoami(anna.mail, ''), whoami(presentedDn(anna), '')]),
    );
    for (const answer of answers) {
      expect(answer.code, answer.stderr).toBe(INVALID_CREDENTIALS);
      expect(answer.stderr).toContain('unauthenticated bind');
    }
    expect(Date.now() - started).toBeLessThan(TIMEOUT_S * 1000);
    // A name nobody has is refused as well, once Domino has said so.
    expect((await whoami('Nobody Atall', anna.password)).code).toBe(INVALID_CREDENTIALS);
  });

  it("counts each of a person's names apart: failing one does not hold back another, which would tell both exist", async () => {
    const { katharina } = domino.people;
    const throttledNames = (): string[] =>
      server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; dn?: string })
        .filter((line) => line.msg === 'bind throttled after repeated failures')
        .map((line) => line.dn ?? '');
    // The default loginFailures (5), then one more: the throttle is on for the mail address.
    for (let i = 0; i < 6; i++) {
      expect((await whoami(katharina.mail, WRONG_PASSWORD)).code).toBe(INVALID_CREDENTIALS);
    }
    expect(throttledNames()).toContain(katharina.mail);
    // Her common name resolves to the same DN, yet counts on its own, as a name nobody has would.
    expect((await whoami(katharina.cn[0]!, WRONG_PASSWORD)).code).toBe(INVALID_CREDENTIALS);
    expect(throttledNames()).not.toContain(katharina.cn[0]);
  });
});

describe('the WEB and SIP passwords of Domino people', () => {
  /** What the stand-in holds in userPassword and HTTPPassword, read there as its service account. */
  async function storedPasswords(): Promise<Map<string, { web: string[] }>> {
    const client = new Client({
      url: domino.ldapsUrl,
      timeout: 10_000,
      tlsOptions: { ca: [readFileSync(domino.caFile)] },
    });
    const found = new Map<string, { web: string[] }>();
    try {
      await client.bind(domino.serviceDn, domino.servicePassword);
      for (const person of everyone) {
        const { searchEntries } = await client.search(person.dn, {
          scope: 'base',
          attributes: ['userPassword', 'HTTPPassword'],
          explicitBufferAttributes: ['userPassword', 'HTTPPassword'],
        });
        const entry = searchEntries[0]!;
        const values = (name: string): string[] =>
          ([entry[name]].flat().filter(Boolean) as Buffer[]).map((value) => value.toString('utf8'));
        // The map's fallback list: userPassword, else HTTPPassword.
        const web = values('userPassword').length > 0 ? values('userPassword') : values('HTTPPassword');
        for (const value of web) registerTestSecret(value);
        found.set(person.key, { web });
      }
    } finally {
      await client.unbind().catch(() => undefined);
    }
    return found;
  }

  /** userPassword and wuserPasswordSip of every person as a reader sees them, by presented DN. */
  async function passwordsSeenBy(bind?: {
    dn: string;
    password: string;
  }): Promise<Map<string, Record<string, string[]>>> {
    const result = await ldapsearch(server.url, '(objectClass=person)', {
      base: DOMINO_MOUNT,
      attributes: ['cn', ...SENSITIVE],
      ...(bind ? { bind } : {}),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.entries).toHaveLength(everyone.length);
    return new Map(
      result.entries.map((entry) => [
        entry.dn,
        Object.fromEntries(
          SENSITIVE.flatMap((name) => (entry.attributes[name] ? [[name, entry.attributes[name]]] : [])),
        ),
      ]),
    );
  }

  it('are returned to the account whose `sensitive` list names them', async () => {
    const stored = await storedPasswords();
    const seen = await passwordsSeenBy({ dn: 'pbx', password: PASSWORDS.pbx });
    for (const person of everyone) {
      const expected: Record<string, string[]> = { userPassword: stored.get(person.key)!.web };
      if (person.sipPassword !== null) expected['wuserPasswordSip'] = [person.sipPassword];
      expect(seen.get(presentedDn(person)), person.key).toEqual(expected);
    }
    expect(everyone.some((person) => person.sipPassword === null)).toBe(true);
  });

  it('are never returned to anonymous, to another account, or to a signed-on Domino user', async () => {
    const { anna } = domino.people;
    const readers: [string, { dn: string; password: string } | undefined][] = [
      ['anonymous', undefined],
      ['phones', { dn: 'phones', password: PASSWORDS.phones }],
      ['Anna, signed on', { dn: anna.cn[0]!, password: anna.password }],
      ['Anna, signed on by her presented DN', { dn: presentedDn(anna), password: anna.password }],
    ];
    for (const [who, bind] of readers) {
      const seen = await passwordsSeenBy(bind);
      for (const [dn, values] of seen) expect(values, `${who} reading ${dn}`).toEqual({});
    }
    // Nor can they be probed with a filter.
    const probe = await ldapsearch(server.url, `(wuserPasswordSip=${anna.sipPassword!})`, {
      base: DOMINO_MOUNT,
      attributes: ['cn'],
      bind: { dn: anna.cn[0]!, password: anna.password },
    });
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.entries).toEqual([]);
  });
});
