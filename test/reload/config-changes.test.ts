/** What a reload finds changed between the running config and the file as it is now. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Config } from '../../src/config/types.js';
import { configChanges, hasChanges, reloadableConfig } from '../../src/reload/config-changes.js';
import { loadTestConfig } from '../support/load-test-config.js';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-config-changes-'));
const HASH = '$scrypt$N=16384,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function base(): Record<string, unknown> {
  return {
    listen: [{ url: 'ldap://127.0.0.1:1389' }],
    directory: { suffix: 'dc=dirbridge,dc=local', defaultCountry: 'DE', dataDir: 'data' },
    access: { accounts: [{ name: 'pbx', passwordHash: HASH }] },
    sources: [
      { name: 'people', type: 'file', path: 'people.csv' },
      { name: 'contacts', type: 'file', path: 'contacts.csv' },
    ],
  };
}

let files = 0;
async function load(data: Record<string, unknown>): Promise<Config> {
  const file = join(folder, `config-${++files}.yaml`);
  writeFileSync(file, stringify(data));
  return loadTestConfig(file);
}

/** The base config, and the base config changed by `change`. */
async function pair(change: (data: Record<string, unknown>) => void): Promise<[Config, Config]> {
  const next = base();
  change(next);
  return [await load(base()), await load(next)];
}

describe('configChanges', () => {
  it('finds nothing changed in the same file read twice', async () => {
    const [running, next] = await pair(() => undefined);
    const changes = configChanges(running, next);
    expect(hasChanges(changes)).toBe(false);
    expect(changes.sources.unchanged).toEqual(['people', 'contacts']);
  });

  it('names sources added, removed and changed, and keeps the others unchanged', async () => {
    const [running, next] = await pair((data) => {
      data.sources = [
        { name: 'people', type: 'file', path: 'people-2.csv' },
        { name: 'partners', type: 'file', path: 'partners.csv' },
      ];
    });
    expect(configChanges(running, next).sources).toEqual({
      added: ['partners'],
      removed: ['contacts'],
      changed: ['people'],
      unchanged: [],
    });
  });

  it('changes every source when the suffix or the default country changes, not when a limit does', async () => {
    for (const directory of [{ suffix: 'dc=example,dc=test' }, { defaultCountry: 'AT' }]) {
      const [running, next] = await pair((data) => {
        data.directory = { ...(data.directory as object), ...directory };
      });
      const changes = configChanges(running, next);
      expect(changes.sources.changed).toEqual(['people', 'contacts']);
      expect(changes.settings).toEqual(['directory']);
    }
    const [running, next] = await pair((data) => {
      data.directory = { ...(data.directory as object), sizeLimit: 50 };
    });
    const changes = configChanges(running, next);
    expect(changes.sources.unchanged).toEqual(['people', 'contacts']);
    expect(changes.settings).toEqual(['directory']);
  });

  it('names accounts, throttle, access and limits apart', async () => {
    const [running, next] = await pair((data) => {
      data.access = {
        accounts: [
          { name: 'pbx', passwordHash: HASH },
          { name: 'phones', passwordHash: HASH },
        ],
        throttle: { loginFailures: 3 },
        trustedAddresses: ['10.0.0.0/8'],
      };
      data.limits = { maxConnections: 10 };
    });
    const changes = configChanges(running, next);
    expect(changes.settings).toEqual(['accounts', 'throttle', 'access', 'limits']);
    expect(changes.sources.changed).toEqual([]);
    expect(changes.restartNeeded).toEqual([]);
  });

  it('says which changes need a restart, and the config it applies keeps their running values', async () => {
    const [running, next] = await pair((data) => {
      data.listen = [{ url: 'ldap://127.0.0.1:2389' }];
      data.admin = { listen: 'http://127.0.0.1:9389' };
      data.log = { level: 'debug' };
      data.directory = { ...(data.directory as object), dataDir: 'elsewhere', timeLimit: 5 };
    });
    const changes = configChanges(running, next);
    expect(changes.restartNeeded).toEqual(['listen', 'admin', 'log', 'directory.dataDir']);
    expect(changes.settings).toEqual(['directory']);
    const applied = reloadableConfig(running, next);
    expect(applied.listen).toEqual(running.listen);
    expect(applied.log).toEqual(running.log);
    expect('admin' in applied).toBe(false);
    expect(applied.directory).toEqual({ ...next.directory, dataDir: running.directory.dataDir });
    // What it could not apply is all that remains: the next reload of the same file finds only that.
    expect(configChanges(applied, next).settings).toEqual([]);
    expect(configChanges(applied, next).sources.changed).toEqual([]);
  });
});
