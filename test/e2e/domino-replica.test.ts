/**
 * The `domino` source's replica through a dirbridge process (`changeInterval: 1`, `reconcileInterval: 1`): a round picks
 * up a person changed and a person deleted at the Domino stand-in; with the stand-in stopped, the
 * replica keeps serving its last copy and the log, the source's cn=Monitor entry and
 * `dirbridge status` say it is stale and since when; with the stand-in back, the next refresh makes
 * it ready again. Expectations come from the stand-in's exported seed and what the test changed;
 * time bounds are liveness bounds only.
 */
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startSlapdDomino,
  type DominoPerson,
  type SlapdDomino,
} from '../../scripts/test-backends/slapd-domino.js';
import { runCli } from './support/cli-process.js';
import { startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import {
  DOMINO_MOUNT,
  dominoSource,
  entryUuidOf,
  mappedAttributes,
  people,
  presentedDn,
  registerDominoSecrets,
} from './support/domino.js';
import { ldapsearch, type LdifEntry } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';
import { scryptHash } from './support/scrypt-hash.js';
import { eventually } from './support/eventually.js';
import { sourceMonitor } from './support/source-monitor.js';

const OPS_PASSWORD = registerTestSecret('Ops#Domino-Monitor-7301');
/** How long anything here may take to happen: far above a 1 s refresh, far below a hang. */
const NO_SUCH_OBJECT = 32;

let domino: SlapdDomino;
let server: DirbridgeProcess;
let current: DominoPerson[];

beforeAll(async () => {
  domino = await startSlapdDomino({ name: 'domino-replica' });
  registerDominoSecrets(domino);
  current = people(domino);
  server = await startDirbridge({
    config: {
      sources: [dominoSource(domino, { changeInterval: 1, reconcileInterval: 1, timeout: 3 })],
      access: { anonymous: true, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
    },
    logName: 'domino-replica',
  });
});

afterAll(async () => {
  await server.stop();
  await domino.stop();
});

/** The PBX import, by entryUUID. */
async function pbxImport(): Promise<Map<string, LdifEntry>> {
  const result = await ldapsearch(server.url, '(objectClass=person)', {
    base: DOMINO_MOUNT,
    extensions: ['pr=3/noprompt'],
    attributes: ['*', 'entryUUID'],
  });
  expect(result.code, result.stderr).toBe(0);
  return new Map(result.entries.map((entry) => [entry.attributes.entryUUID?.[0] ?? '', entry]));
}

/** Whether the import is exactly the people the stand-in holds now, each with its mapped values. */
async function importIsCurrent(): Promise<boolean> {
  const imported = await pbxImport();
  if (imported.size !== current.length) return false;
  return current.every((person) => {
    const entry = imported.get(entryUuidOf(person));
    return (
      entry !== undefined &&
      Object.entries(mappedAttributes(person)).every(
        ([name, values]) => JSON.stringify(entry.attributes[name]) === JSON.stringify(values),
      )
    );
  });
}

async function expectImportCurrent(): Promise<void> {
  const imported = await pbxImport();
  expect([...imported.keys()].sort()).toEqual(current.map((person) => entryUuidOf(person)).sort());
  for (const person of current) {
    const entry = imported.get(entryUuidOf(person))!;
    for (const [name, values] of Object.entries(mappedAttributes(person)))
      expect(entry.attributes[name], `${person.key} ${name}`).toEqual(values);
  }
}

/** The source's cn=Monitor entry, read as the ops account. */
const monitor = () => sourceMonitor(server.url, 'domino', OPS_PASSWORD);

/** `20250102030405Z` as a Date. */
function fromGeneralized(time: string): Date {
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(time);
  expect(m, time).not.toBeNull();
  const [, y, mo, d, h, mi, s] = m!.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** How `status` shows a time: `2025-01-02 03:04:05 UTC`. */
function readable(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function logLines(message: string): Record<string, unknown>[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(message))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function status(): Promise<string> {
  const result = await runCli(['status', '--url', server.url, '--bind-name', 'ops'], {
    env: { DIRBRIDGE_PASSWORD: OPS_PASSWORD },
  });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

describe('domino replica', () => {
  it('is loaded at start and ready', async () => {
    await expectImportCurrent();
    const entry = await monitor();
    expect(entry.dirbridgeSourceType).toEqual(['domino']);
    expect(entry.dirbridgeSourceMode).toEqual(['replica']);
    expect(entry.dirbridgeSourceState).toEqual(['ready']);
    expect(entry.dirbridgeEntries).toEqual([String(current.length)]);
    expect(entry.dirbridgeStaleSince).toBeUndefined();
  });

  it('picks up a changed and a deleted person at the next refresh', async () => {
    const { lisa, klaus } = domino.people;
    // Lisa's office number lives in the Notes item; Klaus has no dominoUNID (his DN is his id).
    expect(lisa.attributes['OfficePhoneNumber']).toBeDefined();
    expect(klaus.unid).toBeNull();
    const changed = { OfficePhoneNumber: ['+49 30 1234567-44'], Department: ['Support'] };
    await domino.asRoot(async (client) => {
      for (const [type, values] of Object.entries(changed))
        await client.modify(
          lisa.dn,
          new Change({ operation: 'replace', modification: new Attribute({ type, values }) }),
        );
      await client.del(klaus.dn);
    });
    current = current
      .filter((person) => person !== klaus)
      .map((person) =>
        person === lisa ? { ...lisa, attributes: { ...lisa.attributes, ...changed } } : person,
      );
    const reloads = logLines('replica updated').length;
    await eventually(importIsCurrent, 'the change and the deletion in the replica');
    await expectImportCurrent();
    expect(logLines('replica updated').length).toBeGreaterThan(reloads);
    // Phones find Lisa by her new number only, and Klaus no more, not even by his DN.
    const byNumber = async (number: string): Promise<string[]> => {
      const found = await ldapsearch(server.url, `(|(telephoneNumber=${number})(mobile=${number}))`, {
        base: DOMINO_MOUNT,
        attributes: ['entryUUID'],
      });
      expect(found.code, found.stderr).toBe(0);
      return found.entries.map((entry) => entry.attributes.entryUUID?.[0] ?? '');
    };
    expect(await byNumber('030 1234567-44')).toEqual([entryUuidOf(lisa)]);
    expect(await byNumber(lisa.attributes['OfficePhoneNumber']![0]!)).toEqual([]);
    const gone = await ldapsearch(server.url, '(objectClass=*)', { base: presentedDn(klaus), scope: 'base' });
    expect(gone.code).toBe(NO_SUCH_OBJECT);
    expect((await monitor()).dirbridgeEntries).toEqual([String(current.length)]);
  });

  it('keeps serving its last copy while Domino is down, and says it is stale since when', async () => {
    const failuresBefore = logLines('replica not reloaded').length;
    // The monitor shows times to the second.
    const stoppedAt = Math.floor(Date.now() / 1000) * 1000;
    await domino.stop();
    await eventually(
      () => Promise.resolve(logLines('replica not reloaded').length > failuresBefore),
      "a failed refresh in the log ('replica not reloaded')",
    );
    // The last copy, as it was: the change and the deletion included.
    await expectImportCurrent();
    const { anna } = domino.people;
    const byName = await ldapsearch(server.url, '(|(cn=anna*)(sn=anna*))', {
      base: DOMINO_MOUNT,
      attributes: ['entryUUID'],
    });
    expect(byName.entries.map((entry) => entry.attributes.entryUUID?.[0])).toEqual([entryUuidOf(anna)]);

    const entry = await monitor();
    expect(entry.dirbridgeSourceState).toEqual(['stale']);
    expect(entry.dirbridgeEntries).toEqual([String(current.length)]);
    expect(entry.dirbridgeLastError?.[0]).toMatch(/refused/);
    const staleSince = fromGeneralized(entry.dirbridgeStaleSince![0]!);
    expect(staleSince.getTime()).toBeGreaterThanOrEqual(stoppedAt);
    expect(staleSince.getTime()).toBeLessThanOrEqual(Date.now());
    expect(entry.monitoredInfo).toEqual(['domino source domino (replica): stale']);
    // The log says the same: what is served, and since when it is stale.
    const failure = logLines('replica not reloaded').at(-1)!;
    expect(failure['level']).toBe(50);
    expect(failure['source']).toBe('domino');
    expect(Math.floor(Date.parse(String(failure['staleSince'])) / 1000) * 1000).toBe(staleSince.getTime());
    expect(String(failure['msg'])).toContain('is still served');

    // Further failed refreshes keep the first failure's time.
    const failures = logLines('replica not reloaded').length;
    await eventually(
      () => Promise.resolve(logLines('replica not reloaded').length > failures),
      'another failed refresh',
    );
    expect((await monitor()).dirbridgeStaleSince).toEqual(entry.dirbridgeStaleSince);

    const help = await runCli(['status', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--url', '--bind-name', '--password-file', '--starttls', '--ca'])
      expect(help.stdout).toContain(option);
    const report = await status();
    expect(report).toMatch(
      new RegExp(`\\ndomino +domino +replica +stale since ${readable(staleSince)} +${current.length} `),
    );
  });

  it('is ready again after the first refresh once Domino is back', async () => {
    const before = await monitor();
    expect(before.dirbridgeSourceState).toEqual(['stale']);
    const reloads = logLines('replica updated').length;
    await domino.start();
    await eventually(
      async () => (await monitor()).dirbridgeSourceState?.[0] === 'ready',
      'the source ready again',
    );
    const after = await monitor();
    expect(after.dirbridgeStaleSince).toBeUndefined();
    expect(fromGeneralized(after.dirbridgeLastLoad![0]!).getTime()).toBeGreaterThanOrEqual(
      fromGeneralized(before.dirbridgeStaleSince![0]!).getTime(),
    );
    expect(after.monitoredInfo).toEqual(['domino source domino (replica): ready']);
    expect(logLines('replica updated').length).toBeGreaterThan(reloads);
    await expectImportCurrent();
    expect(await status()).toMatch(/\ndomino +domino +replica +ready +\d+ /);

    // And it follows changes again.
    const { anna } = domino.people;
    const mobile = ['+49 170 1234599'];
    await domino.asRoot((client) =>
      client.modify(
        anna.dn,
        new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: mobile }) }),
      ),
    );
    current = current.map((person) =>
      person.key === 'anna' ? { ...person, attributes: { ...person.attributes, mobile } } : person,
    );
    await eventually(importIsCurrent, "Anna's new mobile number in the replica");
  });
});
