/**
 * A real dirbridge with `directory.dataDir`: a restart answers from the replica's snapshot even when
 * the source cannot be read (marked stale in cn=Monitor); a sync that would delete half the people
 * is held (cn=Monitor, `dirbridge status`, `dirbridge check` and `dirbridge sync` say why) until
 * `dirbridge sync --accept-deletes` lets it through; a damaged snapshot is discarded with a log line
 * and the source loaded in full. Time bounds are liveness bounds only.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli-process.js';
import {
  demoConfig,
  SUFFIX,
  startDirbridge,
  writeConfig,
  type DirbridgeProcess,
} from './support/dirbridge-process.js';
import { ldapsearch } from './support/ldap-utils.js';
import { scryptHash } from './support/scrypt-hash.js';
import { registerTestSecret } from './support/test-secrets.js';
import { eventually } from './support/eventually.js';
import { sourceMonitor } from './support/source-monitor.js';

const OPS_PASSWORD = registerTestSecret('Ops#Snapshot-Monitor-5521');
const MOUNT = `ou=book,${SUFFIX}`;

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-snapshot-'));
const csv = join(folder, 'people.csv');
const dataDir = join(folder, 'data');
const config = demoConfig({
  directory: { suffix: SUFFIX, dataDir },
  access: { anonymous: true, accounts: [{ name: 'ops', passwordHash: scryptHash(OPS_PASSWORD) }] },
  sources: [{ name: 'book', type: 'file', path: csv }],
});
const configFile = writeConfig(config);
let server: DirbridgeProcess | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function writePeople(count: number): void {
  const rows = Array.from(
    { length: count },
    (_, i) => `p${i},Person ${i},Surname${i % 97},+49 30 ${String(5_000_000 + i)}`,
  );
  writeFileSync(csv, `id,cn,sn,telephoneNumber\n${rows.join('\n')}\n`);
}

async function start(): Promise<DirbridgeProcess> {
  server = await startDirbridge({ config, logName: 'replica-snapshot' });
  return server;
}

/** The PBX import's size (paged, anonymous). */
async function importCount(): Promise<number> {
  const result = await ldapsearch(server!.url, '(objectClass=person)', {
    base: MOUNT,
    extensions: ['pr=500/noprompt'],
    attributes: ['cn'],
  });
  expect(result.code, result.stderr).toBe(0);
  return result.entries.length;
}

const monitor = () => sourceMonitor(server!.url, 'book', OPS_PASSWORD);

describe('replica snapshots and the deletion guard, end to end', () => {
  it('restarts from its snapshot while the source cannot be read, and says the copy is stale', async () => {
    writePeople(3000);
    await start();
    expect(await importCount()).toBe(3000);
    await server!.stop();
    renameSync(csv, `${csv}.away`);
    try {
      await start();
      expect(server!.output()).toMatch(/restored from its snapshot/);
      expect(await importCount()).toBe(3000);
      const phone = await ldapsearch(server!.url, '(telephoneNumber=+4930 5001234)', {
        base: MOUNT,
        attributes: ['cn'],
      });
      expect(phone.entries.map((entry) => entry.attributes.cn)).toEqual([['Person 1234']]);
      await eventually(async () => (await monitor()).dirbridgeLastError !== undefined, 'the failed round');
      const entry = await monitor();
      expect(entry.dirbridgeSourceState).toEqual(['stale']);
      expect(entry.dirbridgeStaleSince).toHaveLength(1);
      expect(entry.dirbridgeEntries).toEqual(['3000']);
    } finally {
      renameSync(`${csv}.away`, csv);
    }
  });

  it('holds a sync that would delete half the people until the operator accepts it', async () => {
    writePeople(3000);
    await start();
    expect(await importCount()).toBe(3000);
    await server!.stop();
    writePeople(1500);
    await start();
    await eventually(async () => (await monitor()).dirbridgeSourceState?.[0] === 'held', 'the held sync');
    const entry = await monitor();
    expect(entry.dirbridgeHeldSync?.[0]).toMatch(
      /would delete 1500 of 3000 entries .*300.*dirbridge sync --accept-deletes book/,
    );
    expect(await importCount()).toBe(3000);

    const status = await runCli(['status', '--url', server!.url, '--bind-name', 'ops'], {
      env: { DIRBRIDGE_PASSWORD: OPS_PASSWORD },
    });
    expect(status.stdout).toMatch(/\nHeld: book: sync held: it would delete 1500 of 3000 entries/);
    const check = await runCli(['check', '--config', configFile, '--source', 'book']);
    expect(check.stdout).toMatch(/WARN.*would delete 1500 of 3000/);
    const shown = await runCli(['sync', 'book', '--config', configFile]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^book: sync held: it would delete 1500 of 3000 entries/);
    expect(await importCount()).toBe(3000);

    const accepted = await runCli(['sync', 'book', '--accept-deletes', '--config', configFile]);
    expect(accepted.stdout).toMatch(/Applied/);
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(await importCount()).toBe(1500);
    expect((await monitor()).dirbridgeSourceState).toEqual(['ready']);
    const nothing = await runCli(['sync', 'book', '--accept-deletes', '--config', configFile]);
    expect(nothing.stdout).toMatch(/no sync is held/);
  });

  it('discards a damaged snapshot with a log line and loads the source in full', async () => {
    // A fresh first load: a snapshot left by the tests above would be served (stale) before it.
    rmSync(join(dataDir, 'book.snapshot'), { force: true });
    writePeople(2000);
    await start();
    expect(await importCount()).toBe(2000);
    await server!.stop();
    const file = join(dataDir, 'book.snapshot');
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0x55;
    writeFileSync(file, bytes);
    await start();
    expect(server!.output()).toMatch(/replica snapshot discarded \(its checksum does not match/);
    expect(await importCount()).toBe(2000);
    expect((await monitor()).dirbridgeSourceState).toEqual(['ready']);
  });
});
