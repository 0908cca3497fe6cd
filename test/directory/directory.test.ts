/**
 * Directory searches based at an entry's own DN: the filter decides there as anywhere else, with
 * the caller's withheld attributes masked, for replica and live mounts alike.
 */
import { describe, expect, it } from 'vitest';
import { Directory, type DirectorySearch, type Scope } from '../../src/directory/directory.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { MountedSource } from '../../src/directory/mounted-source.js';
import { Namespace } from '../../src/directory/namespace.js';
import { Presenter } from '../../src/directory/presenter.js';
import { Schema } from '../../src/schema/schema.js';
import { DEFAULT_VISIBILITY, type Visibility } from '../../src/directory/visibility.js';
import { parseFilter } from '../../src/filter/parse.js';
import { FieldMap } from '../../src/mapping/field-map.js';
import type { CheckReport, Source, SourceMode, SourceRecord } from '../../src/sources/source.js';

const schema = Schema.load();
const SUFFIX = 'dc=dirbridge,dc=local';
const signal = new AbortController().signal;
const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const ANNA: SourceRecord = {
  id: UUID,
  uuid: UUID,
  fields: { cn: ['Anna Müller'], sn: ['Müller'], userPassword: ['anna-web-pw'] },
};
const ANNA_DN = `entryUUID=${UUID},ou=people,${SUFFIX}`;

class OneRecordSource implements Source {
  readonly kind = 'users';
  readonly capabilities;

  constructor(
    readonly name: string,
    mode: SourceMode,
  ) {
    this.capabilities = { modes: [mode], filterPushdown: false, signOn: false } as const;
  }

  async *search(): AsyncIterable<SourceRecord> {
    await Promise.resolve();
    yield ANNA;
  }

  get(id: string): Promise<SourceRecord | undefined> {
    return Promise.resolve(id === ANNA.id ? ANNA : undefined);
  }

  fields(): Promise<never[]> {
    return Promise.resolve([]);
  }

  check(): Promise<CheckReport> {
    return Promise.resolve({ source: this.name, ok: true, steps: [], samples: [] });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function directoryOf(mode: SourceMode): Promise<Directory> {
  const source = new OneRecordSource('people', mode);
  const namespace = new Namespace(SUFFIX, [source.name], schema);
  const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });
  const map = new FieldMap(schema, 'identity');
  const mount = new MountedSource({
    source,
    mode,
    map,
    presenter: new Presenter(source.name, source.kind, map, namespace),
    schema,
    defaultCountry: 'DE',
    description: source.name,
    type: 'fake',
  });
  const features = {
    supportedControls: [],
    supportedExtensions: [],
    supportedFeatures: [],
    vendorName: 'dirbridge',
    vendorVersion: 'dirbridge 9.9.9',
  };
  const directory = new Directory({ namespace, schema, evaluator, mounts: [mount], features });
  await directory.start(signal);
  return directory;
}

async function dns(
  directory: Directory,
  scope: Scope,
  filter: string,
  visibility: Visibility = DEFAULT_VISIBILITY,
): Promise<string[]> {
  const request: DirectorySearch = {
    base: ANNA_DN,
    scope,
    filter: parseFilter(filter),
    attributes: ['cn'],
    typesOnly: false,
  };
  const found: string[] = [];
  for await (const hit of directory.search(request, signal, visibility)) found.push(hit.dn);
  return found;
}

describe.each(['replica', 'live'] as const)('a search based at an entry of a %s mount', (mode) => {
  it.each(['base', 'sub'] as const)(
    'returns the entry only when the filter matches it (scope %s)',
    async (scope) => {
      const directory = await directoryOf(mode);
      expect(await dns(directory, scope, '(sn=Müller)')).toEqual([ANNA_DN]);
      expect(await dns(directory, scope, '(cn=Nobody)')).toEqual([]);
      expect(await dns(directory, scope, '(!(sn=Müller))')).toEqual([]);
    },
  );

  it('cannot be used to probe a withheld attribute', async () => {
    const directory = await directoryOf(mode);
    const open: Visibility = { withheld: new Set() };
    expect(await dns(directory, 'base', '(userPassword=anna-web-pw)', open)).toEqual([ANNA_DN]);
    expect(await dns(directory, 'base', '(userPassword=anna-web-pw)')).toEqual([]);
    expect(await dns(directory, 'base', '(userPassword=*)')).toEqual([]);
  });
});
