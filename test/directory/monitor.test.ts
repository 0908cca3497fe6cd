import { describe, expect, it } from 'vitest';
import type { Directory, DirectorySearch, Scope } from '../../src/directory/directory.js';
import { DirectoryError } from '../../src/directory/directory-error.js';
import { generalizedTime, monitorEntries } from '../../src/directory/monitor-entries.js';
import { Schema } from '../../src/schema/schema.js';
import { SourceHealth } from '../../src/directory/source-status.js';
import { parseFilter } from '../../src/filter/parse.js';
import type { SourceMode, SourceRecord } from '../../src/sources/source.js';
import { TEST_SUFFIX as SUFFIX, buildTestDirectory, type TestDirectory } from '../support/test-directory.js';
import { TestSource } from '../support/test-source.js';

const schema = Schema.load();
const signal = new AbortController().signal;

/** A source whose next search fails when `failing` is set. */
class FakeSource extends TestSource {
  failing = false;

  constructor(
    name: string,
    mode: SourceMode,
    readonly records: SourceRecord[] = [{ id: '1', fields: { cn: ['Anna Müller'], sn: ['Müller'] } }],
  ) {
    super(name, { mode });
  }

  async *search(): AsyncIterable<SourceRecord> {
    await Promise.resolve();
    if (this.failing) throw new Error(`${this.name} is down`);
    yield* this.records;
  }
}

/** A directory of the sources, not yet started: each mounted in the one mode it offers. */
function directoryOf(sources: FakeSource[]): TestDirectory {
  return buildTestDirectory(
    sources.map((source) => ({ name: source.name, source, mode: source.capabilities.modes[0] })),
  );
}

async function search(
  directory: Directory,
  base: string,
  scope: Scope,
  filter = '(objectClass=*)',
  attributes = ['*', '+'],
) {
  const request: DirectorySearch = { base, scope, filter: parseFilter(filter), attributes, typesOnly: false };
  const hits = [];
  for await (const hit of directory.search(request, signal)) hits.push(hit);
  return hits;
}

function values(hit: { attributes: readonly { type: string; values: readonly string[] }[] }, type: string) {
  return hit.attributes.find((a) => a.type === type)?.values;
}

describe('cn=Monitor entries', () => {
  const snapshot = {
    version: 'dirbridge 9.9.9',
    startedAt: new Date('2025-01-02T03:04:05Z'),
    sources: [
      {
        name: 'demo',
        type: 'file',
        mode: 'replica',
        status: { state: 'ready' as const, lastLoad: new Date('2025-01-02T03:04:06Z') },
        entries: 300,
      },
      {
        name: 'ad',
        type: 'ad',
        mode: 'live',
        status: {
          state: 'failed' as const,
          lastError: { message: 'down', at: new Date('2025-01-02T05:00:00Z') },
        },
      },
    ],
    listeners: [{ url: 'ldap://0.0.0.0:1389', open: 2, accepted: 9 }],
  };

  it('lays out the subtree as OpenLDAP does, parents first', () => {
    expect(monitorEntries(snapshot).map((e) => e.dn)).toEqual([
      'cn=Monitor',
      'cn=Sources,cn=Monitor',
      'cn=demo,cn=Sources,cn=Monitor',
      'cn=ad,cn=Sources,cn=Monitor',
      'cn=Listeners,cn=Monitor',
      'cn=Listener 0,cn=Listeners,cn=Monitor',
      'cn=Connections,cn=Monitor',
      'cn=Current,cn=Connections,cn=Monitor',
      'cn=Total,cn=Connections,cn=Monitor',
    ]);
  });

  it('describes each source: type, mode, state, entries, last load, last error and when', () => {
    const [, , demo, ad] = monitorEntries(snapshot);
    const attributes = (entry: typeof demo) =>
      Object.fromEntries([...entry!.attributes.values()].map((a) => [a.name, a.values]));
    expect(attributes(demo)).toEqual({
      objectClass: ['top', 'monitor', 'monitoredObject', 'dirbridgeMonitoredSource'],
      cn: ['demo'],
      monitoredInfo: ['file source demo (replica): ready'],
      dirbridgeSourceType: ['file'],
      dirbridgeSourceMode: ['replica'],
      dirbridgeSourceState: ['ready'],
      dirbridgeEntries: ['300'],
      dirbridgeLastLoad: ['20250102030406Z'],
    });
    expect(attributes(ad)).toMatchObject({
      dirbridgeSourceState: ['failed'],
      dirbridgeLastError: ['down'],
      dirbridgeLastErrorTime: ['20250102050000Z'],
    });
    expect(attributes(ad).dirbridgeEntries).toBeUndefined();
  });

  it('uses only attributes and classes the presented schema defines', () => {
    for (const entry of monitorEntries(snapshot)) {
      for (const attribute of entry.attributes.values())
        expect(schema.attribute(attribute.name), attribute.name).toBeDefined();
      for (const name of entry.attributes.get('objectclass')!.values)
        expect(
          schema.objectClasses().some((oc) => oc.names.includes(name)),
          name,
        ).toBe(true);
    }
  });

  it('writes times as GeneralizedTime in UTC', () => {
    expect(generalizedTime(new Date('2025-12-31T23:59:58.900Z'))).toBe('20251231235958Z');
  });
});

describe('cn=Monitor in the directory', () => {
  it('is its own naming context, announced in the root DSE and not among namingContexts', async () => {
    const { directory } = directoryOf([new FakeSource('demo', 'replica')]);
    const [rootDse] = await search(directory, '', 'base');
    expect(values(rootDse!, 'monitorContext')).toEqual(['cn=Monitor']);
    expect(values(rootDse!, 'namingContexts')).toEqual([SUFFIX]);
    expect(directory.baseClass('CN=Monitor')).toBe('monitor');
    expect(directory.baseClass('cn=demo, cn=sources,cn=MONITOR')).toBe('monitor');
    expect(directory.baseClass(SUFFIX)).toBe('tree');
    expect(directory.baseClass('')).toBe('public');
    expect(() => directory.baseClass('not a dn')).toThrow(/invalid DN/);
  });

  it('never shows up in a search of the whole tree', async () => {
    const { directory, mounts } = directoryOf([new FakeSource('demo', 'replica')]);
    await directory.start(signal);
    const dns = (await search(directory, '', 'sub')).map((h) => h.dn);
    expect(dns).toContain(SUFFIX);
    expect(dns.some((dn) => dn.toLowerCase().includes('cn=monitor'))).toBe(false);
    expect(mounts[0]!.status.state).toBe('ready');
  });

  it('answers base, one-level and subtree searches below cn=Monitor, filtered like any entry', async () => {
    const { directory } = directoryOf([
      new FakeSource('demo', 'replica'),
      new FakeSource('people', 'replica'),
    ]);
    await directory.start(signal);
    expect((await search(directory, 'cn=Monitor', 'base')).map((h) => h.dn)).toEqual(['cn=Monitor']);
    expect((await search(directory, 'cn=sources,cn=monitor', 'one')).map((h) => h.dn)).toEqual([
      'cn=demo,cn=Sources,cn=Monitor',
      'cn=people,cn=Sources,cn=Monitor',
    ]);
    expect(await search(directory, 'cn=Monitor', 'sub')).toHaveLength(8); // no listener here
    const ready = await search(
      directory,
      'cn=Monitor',
      'sub',
      '(&(dirbridgeSourceState=ready)(dirbridgeEntries>=1))',
    );
    expect(ready.map((h) => h.dn)).toEqual([
      'cn=demo,cn=Sources,cn=Monitor',
      'cn=people,cn=Sources,cn=Monitor',
    ]);
    const [sources] = await search(directory, 'cn=Sources,cn=Monitor', 'base');
    expect(values(sources!, 'hasSubordinates')).toEqual(['TRUE']);
    expect(values(sources!, 'structuralObjectClass')).toEqual(['monitorContainer']);
  });

  it('keeps the monitor values operational: * alone shows the names, not the numbers', async () => {
    const { directory } = directoryOf([new FakeSource('demo', 'replica')]);
    await directory.start(signal);
    const [demo] = await search(directory, 'cn=demo,cn=Sources,cn=Monitor', 'base', '(objectClass=*)', ['*']);
    expect(demo!.attributes.map((a) => a.type)).toEqual(['objectClass', 'cn']);
  });

  it('shows the listeners the server reports, and the connection totals', async () => {
    const { directory } = directoryOf([new FakeSource('demo', 'replica')]);
    directory.reportListeners(() => [
      { url: 'ldap://127.0.0.1:1389', open: 2, accepted: 5 },
      { url: 'ldaps://127.0.0.1:1636', open: 1, accepted: 1 },
    ]);
    const listeners = await search(directory, 'cn=Listeners,cn=Monitor', 'one');
    expect(listeners.map((h) => values(h, 'dirbridgeListenerURL'))).toEqual([
      ['ldap://127.0.0.1:1389'],
      ['ldaps://127.0.0.1:1636'],
    ]);
    const [current] = await search(directory, 'cn=Current,cn=Connections,cn=Monitor', 'base');
    const [total] = await search(directory, 'cn=Total,cn=Connections,cn=Monitor', 'base');
    expect(values(current!, 'monitorCounter')).toEqual(['3']);
    expect(values(total!, 'monitorCounter')).toEqual(['6']);
  });

  it('answers noSuchObject below it with the nearest entry that exists', async () => {
    const { directory } = directoryOf([new FakeSource('demo', 'replica')]);
    const error = await search(directory, 'cn=nope,cn=Sources,cn=Monitor', 'base').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryError);
    expect(error).toMatchObject({ code: 'noSuchObject', matchedDN: 'cn=Sources,cn=Monitor' });
  });

  it('refuses compare on its entries', async () => {
    const { directory } = directoryOf([new FakeSource('demo', 'replica')]);
    await expect(directory.compare('cn=Monitor', 'cn', 'Monitor', signal)).rejects.toMatchObject({
      code: 'unwillingToPerform',
    });
  });
});

describe('source states', () => {
  it('a replica is loading, then ready; a failed reload leaves it stale with the error', async () => {
    const source = new FakeSource('demo', 'replica');
    const { mounts } = directoryOf([source]);
    const mount = mounts[0]!;
    expect(mount.status.state).toBe('loading');
    await mount.start(signal);
    const loaded = mount.status.lastLoad;
    expect(mount.status).toMatchObject({ state: 'ready' });
    source.failing = true;
    await expect(mount.refresh(signal)).rejects.toThrow('demo is down');
    expect(mount.status).toMatchObject({
      state: 'stale',
      lastLoad: loaded,
      lastError: { message: 'demo is down' },
    });
    expect(mount.entryCount).toBe(1); // still serving its copy
    source.failing = false;
    await mount.refresh(signal);
    expect(mount.status.state).toBe('ready');
    expect(mount.status.lastError?.message).toBe('demo is down'); // kept, for the operator
  });

  it('a replica that never loaded is failed', async () => {
    const source = new FakeSource('demo', 'replica');
    source.failing = true;
    const { mounts } = directoryOf([source]);
    await expect(mounts[0]!.start(signal)).rejects.toThrow();
    expect(mounts[0]!.status.state).toBe('failed');
  });

  it('a live source is failed after a search that fails, ready after one that succeeds', async () => {
    const source = new FakeSource('ad', 'live');
    const { directory, mounts } = directoryOf([source]);
    source.failing = true;
    await expect(search(directory, `ou=ad,${SUFFIX}`, 'one')).rejects.toMatchObject({ code: 'unavailable' });
    expect(mounts[0]!.status).toMatchObject({ state: 'failed', lastError: { message: 'ad is down' } });
    source.failing = false;
    expect(await search(directory, `ou=ad,${SUFFIX}`, 'one')).toHaveLength(1);
    expect(mounts[0]!.status.state).toBe('ready');
  });

  it('an abandoned live search says nothing about the source', async () => {
    const health = new SourceHealth('live');
    const controller = new AbortController();
    const failing: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          controller.abort();
          return Promise.reject(new Error('aborted'));
        },
      }),
    };
    const drained = (async () => {
      const seen: number[] = [];
      for await (const value of health.track(failing, controller.signal)) seen.push(value);
      return seen;
    })();
    await expect(drained).rejects.toThrow('aborted');
    expect(health.status).toEqual({ state: 'ready', errors: 0 });
  });
});
