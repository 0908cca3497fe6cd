/**
 * The app's assembly: a source is mounted through the factory loaded for its type, a type the
 * config names but no factory was loaded for is a config error, and the kept encoded entries are
 * the process's budget shared out among its event loops.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mountContext, mountSource, sessionServices, sourceFactories } from '../src/app.js';
import type { Config } from '../src/config/types.js';
import { createLogger } from '../src/observability/logger.js';
import { ENCODED_ENTRIES_BYTES } from '../src/session/encoded-entries.js';
import { loadTestConfig } from './support/load-test-config.js';
import { buildTestDirectory } from './support/test-directory.js';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-app-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function config(listenerThreads: number): Promise<Config> {
  writeFileSync(join(folder, 'people.csv'), 'cn,telephoneNumber\nAnna Schmidt,+49 30 1234\n');
  const file = join(folder, `dirbridge-${listenerThreads}.yaml`);
  writeFileSync(
    file,
    [
      'directory:',
      '  suffix: dc=dirbridge,dc=local',
      `listenerThreads: ${listenerThreads}`,
      'sources:',
      '  - name: people',
      '    type: file',
      '    path: people.csv',
    ].join('\n'),
  );
  return loadTestConfig(file);
}

const logger = createLogger('silent');

describe('mountSource', () => {
  it("mounts a source through its type's loaded factory", async () => {
    const loaded = await config(0);
    const context = mountContext(loaded, logger, await sourceFactories(loaded));
    const mount = mountSource(loaded.sources[0]!, 'sources[0]', context);
    expect(mount.name).toBe('people');
    expect(mount.mode).toBe('replica');
    await mount.source.close();
  });

  it('refuses a source whose type was not loaded, naming where it is in the config', async () => {
    const loaded = await config(0);
    const context = mountContext(loaded, logger, new Map());
    expect(() => mountSource(loaded.sources[0]!, 'sources[0]', context)).toThrow(
      /dirbridge-0\.yaml: sources\[0\]\.type: unknown source type "file"/,
    );
  });
});

describe('sessionServices', () => {
  it.each([0, 1, 3])(
    'gives each of %i listener threads and the main thread an equal share of the kept entries',
    async (threads) => {
      const services = sessionServices(await config(threads), buildTestDirectory([]).directory, logger);
      expect(services.encodedEntries?.budget).toBe(ENCODED_ENTRIES_BYTES / (threads + 1));
    },
  );
});
