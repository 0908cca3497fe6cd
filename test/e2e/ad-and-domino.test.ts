/**
 * An `ad` source (the run's Samba AD DC, bound as its low-privilege service account) and a `domino`
 * source (the Domino stand-in) in one dirbridge process, both with `signOn: true`: one subtree search
 * at the suffix returns both populations, each presented through its own source's map, and sign-on
 * sends each name to the source that owns it (`alice@example.test` to AD, a Domino person's name or
 * Internet address to Domino), Who am I? naming the presented entry under `ou=ad` or `ou=domino`.
 * Expectations come from the DC itself and from the stand-in's exported seed.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startSlapdDomino,
  type DominoPerson,
  type SlapdDomino,
} from '../../scripts/test-backends/slapd-domino.js';
import { e164Digits } from './support/demo-data.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import {
  DOMINO_MOUNT,
  WRONG_PASSWORD,
  dominoSource,
  entryUuidOf,
  mappedAttributes,
  people,
  presentedDn,
  registerDominoSecrets,
} from './support/domino.js';
import { ldapsearch, runTool, type LdifEntry, type ToolResult } from './support/ldap-utils.js';
import { readFromDc, type DcEntry } from './support/samba-ad-direct.js';
import { adSignOnSource } from './support/ad-sign-on.js';
import { bindsDuring } from './support/slapd-monitor.js';
import './support/samba-ad-setup.js';
import { registerTestSecret } from './support/test-secrets.js';

const ad = inject('sambaAd');
const AD_MOUNT = `ou=ad,${SUFFIX}`;
const AD_USERS = '(&(objectCategory=person)(objectClass=user))';
const INVALID_CREDENTIALS = 49;

/** One entry as the DC itself holds it, read as Administrator. */

const fromDc = (filter: string, attributes: readonly string[] = []): Promise<DcEntry[]> =>
  readFromDc(ad, filter, attributes);

let domino: SlapdDomino;
let everyone: DominoPerson[];
let server: DirbridgeProcess;
let adPeople: DcEntry[];
let alice: DcEntry;

beforeAll(async () => {
  registerTestSecret(ad.adminPassword);
  registerTestSecret(ad.users.alice.password);
  domino = await startSlapdDomino({ name: 'ad-and-domino', monitor: true });
  registerDominoSecrets(domino);
  everyone = people(domino);
  adPeople = [...(await fromDc(AD_USERS)), ...(await fromDc('(objectClass=contact)'))];
  const aliceEntries = await fromDc(`(sAMAccountName=${ad.users.alice.sAMAccountName})`, [
    'cn',
    'telephoneNumber',
    'ipPhone',
    'mobile',
    'mail',
    'department',
    'company',
    'sAMAccountName',
    'userPrincipalName',
  ]);
  expect(aliceEntries).toHaveLength(1);
  alice = aliceEntries[0]!;
  server = await startDirbridge({
    config: {
      sources: [adSignOnSource(ad), dominoSource(domino, { signOn: true })],
      directory: { suffix: SUFFIX, maxPageSize: 1000 },
    },
    logName: 'ad-and-domino',
  });
});

afterAll(async () => {
  await server.stop();
  await domino.stop();
});

function under(entries: readonly LdifEntry[], mount: string): LdifEntry[] {
  return entries.filter((entry) => entry.dn.endsWith(`,${mount}`));
}

function uuids(entries: readonly LdifEntry[]): string[] {
  return entries.map((entry) => entry.attributes.entryUUID?.[0] ?? '').sort();
}

describe('an ad and a domino source side by side', () => {
  it('returns both populations from one paged subtree search at the suffix, each once', async () => {
    const result = await ldapsearch(server.url, '(objectClass=person)', {
      base: SUFFIX,
      extensions: ['pr=500/noprompt'],
      attributes: ['entryUUID', 'cn'],
    });
    expect(result.code, result.stderr).toBe(0);
    const dns = result.entries.map((entry) => entry.dn);
    expect(new Set(dns).size).toBe(dns.length);
    const fromAd = under(result.entries, AD_MOUNT);
    const fromDomino = under(result.entries, DOMINO_MOUNT);
    expect(fromAd.length + fromDomino.length).toBe(result.entries.length);
    expect(uuids(fromAd)).toEqual(adPeople.map((person) => person.uuid).sort());
    expect(uuids(fromDomino)).toEqual(everyone.map((person) => entryUuidOf(person)).sort());
    expect(adPeople.length).toBeGreaterThan(ad.pagingUsers);
  });

  it("presents each population through its own source's map", async () => {
    const { lisa, anna } = domino.people;
    const filter = `(|(sAMAccountName=${ad.users.alice.sAMAccountName})(cn=${lisa.cn[0]!})(cn=${anna.cn[0]!}))`;
    const result = await ldapsearch(server.url, filter, { base: SUFFIX, attributes: ['*', 'entryUUID'] });
    expect(result.code, result.stderr).toBe(0);
    expect(result.entries).toHaveLength(3);
    const [fromAd] = under(result.entries, AD_MOUNT);
    expect(fromAd?.dn).toBe(`entryUUID=${alice.uuid},${AD_MOUNT}`);
    // AD's map: the AD attributes as they are, `uid` from sAMAccountName and `o` from company.
    expect(fromAd?.attributes).toMatchObject({
      cn: alice.values['cn'],
      telephoneNumber: alice.values['telephoneNumber'],
      ipPhone: alice.values['ipPhone'],
      mail: alice.values['mail'],
      department: alice.values['department'],
      sAMAccountName: alice.values['sAMAccountName'],
      userPrincipalName: alice.values['userPrincipalName'],
      uid: alice.values['sAMAccountName'],
      o: alice.values['company'],
    });
    // Domino's map: LDAP names, else the Notes items (OfficePhoneNumber, Department, ShortName, ...).
    for (const person of [lisa, anna]) {
      const entry = result.entries.find((e) => e.dn === presentedDn(person));
      for (const [name, values] of Object.entries(mappedAttributes(person)))
        expect(entry?.attributes[name], `${person.key} ${name}`).toEqual(values);
    }
    expect(lisa.attributes['OfficePhoneNumber']).toBeDefined();
    expect(lisa.attributes['telephoneNumber']).toBeUndefined();
  });

  it("finds a number in both directories with one phone's lookup", async () => {
    const number = alice.values['telephoneNumber']![0]!;
    const digits = e164Digits(number);
    const holders = everyone.filter((person) =>
      [...(mappedAttributes(person).telephoneNumber ?? []), ...(mappedAttributes(person).mobile ?? [])].some(
        (value) => e164Digits(value) === digits,
      ),
    );
    // The seed gives a Domino person Alice's office number: one lookup must find both.
    expect(holders.length).toBeGreaterThan(0);
    const form = `+${digits}`;
    const result = await ldapsearch(
      server.url,
      `(|(telephoneNumber=${form})(mobile=${form})(ipPhone=${form}))`,
      {
        base: SUFFIX,
        attributes: ['entryUUID', 'telephoneNumber', 'mobile'],
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(uuids(under(result.entries, DOMINO_MOUNT))).toEqual(holders.map((p) => entryUuidOf(p)).sort());
    expect(uuids(under(result.entries, AD_MOUNT))).toContain(alice.uuid);
    for (const entry of result.entries) {
      const own = [...(entry.attributes.telephoneNumber ?? []), ...(entry.attributes.mobile ?? [])];
      expect(own.map(e164Digits), entry.dn).toContain(digits);
    }
  });
});

describe('sign-on with an ad and a domino source', () => {
  function whoami(name: string, password: string): Promise<ToolResult> {
    return runTool('ldapwhoami', ['-x', '-H', server.url, '-D', name, '-w', password]);
  }

  it("sends alice@example.test to AD: Who am I? is her entry under ou=ad, a wrong password AD's 52e", async () => {
    const { userPrincipalName, password } = ad.users.alice;
    const good = await whoami(userPrincipalName, password);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout.trim()).toBe(`dn:entryUUID=${alice.uuid},${AD_MOUNT}`);
    const wrong = await whoami(userPrincipalName, WRONG_PASSWORD);
    expect(wrong.code).toBe(INVALID_CREDENTIALS);
    expect(wrong.stderr).toMatch(/AcceptSecurityContext error, data 52e/);
  });

  it("sends a Domino person's name and Internet address to Domino: Who am I? is the entry under ou=domino", async () => {
    const { anna } = domino.people;
    for (const name of [anna.cn[0]!, anna.mail, presentedDn(anna)]) {
      const good = await whoami(name, anna.password);
      expect(good.code, `${name}: ${good.stderr}`).toBe(0);
      expect(good.stdout.trim()).toBe(`dn:${presentedDn(anna)}`);
      expect(good.stdout.trim()).toMatch(new RegExp(`,${DOMINO_MOUNT}$`));
      // Refused by the stand-in, which says nothing more: no AD diagnostic.
      const wrong = await whoami(name, WRONG_PASSWORD);
      expect(wrong.code).toBe(INVALID_CREDENTIALS);
      expect(wrong.stderr).not.toMatch(/AcceptSecurityContext/);
    }
    // Each password belongs to its own directory only.
    expect((await whoami(ad.users.alice.userPrincipalName, anna.password)).code).toBe(INVALID_CREDENTIALS);
    expect((await whoami(anna.mail, ad.users.alice.password)).code).toBe(INVALID_CREDENTIALS);
  });
});

describe('sign-on with the domino source first in config order', () => {
  let dominoFirst: DirbridgeProcess;

  beforeAll(async () => {
    dominoFirst = await startDirbridge({
      config: { sources: [dominoSource(domino, { signOn: true }), adSignOnSource(ad)] },
      logName: 'domino-then-ad',
    });
    // Connections opened and bound as the service accounts now, so the counts below are the users' own.
    const { anna } = domino.people;
    expect(
      (await runTool('ldapwhoami', ['-x', '-H', dominoFirst.url, '-D', anna.mail, '-w', anna.password])).code,
    ).toBe(0);
  });

  afterAll(async () => {
    await dominoFirst.stop();
  });

  function whoami(name: string, password: string): Promise<ToolResult> {
    return runTool('ldapwhoami', ['-x', '-H', dominoFirst.url, '-D', name, '-w', password]);
  }

  it('a name Domino looked up and does not have still reaches AD, with no decoy bind at Domino', async () => {
    const { userPrincipalName, password } = ad.users.alice;
    let good: ToolResult | undefined;
    let wrong: ToolResult | undefined;
    let unknownToDomino: ToolResult | undefined;
    const dominoBinds = await bindsDuring(domino, async () => {
      good = await whoami(userPrincipalName, password);
      wrong = await whoami(userPrincipalName, WRONG_PASSWORD);
      // AD owns every name of its UPN suffix: one nobody has gets AD's own verdict.
      unknownToDomino = await whoami('nobody-at-all@example.test', WRONG_PASSWORD);
    });
    expect(good?.code, good?.stderr).toBe(0);
    expect(good?.stdout.trim()).toBe(`dn:entryUUID=${alice.uuid},${AD_MOUNT}`);
    expect(wrong?.stderr).toMatch(/AcceptSecurityContext error, data 52e/);
    expect(unknownToDomino?.code).toBe(INVALID_CREDENTIALS);
    expect(unknownToDomino?.stderr).toMatch(/AcceptSecurityContext error, data 52e/);
    expect(dominoBinds).toBe(0);
  });

  it('a name neither has costs one decoy bind at Domino and is refused as Domino refuses a wrong password', async () => {
    const { anna } = domino.people;
    let unknown: ToolResult | undefined;
    let wrong: ToolResult | undefined;
    const dominoBinds = await bindsDuring(domino, async () => {
      unknown = await whoami('Nobody Atall', WRONG_PASSWORD);
      wrong = await whoami(anna.cn[0]!, WRONG_PASSWORD);
    });
    expect(dominoBinds).toBe(2);
    expect(unknown?.code).toBe(INVALID_CREDENTIALS);
    expect(unknown?.stderr).toBe(wrong?.stderr);
  });
});
