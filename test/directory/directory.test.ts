/**
 * Directory searches based at an entry's own DN: the filter decides there as anywhere else, with
 * the caller's withheld attributes masked, for replica and live mounts alike.
 */
import { describe, expect, it } from 'vitest';
import type { Directory, DirectorySearch, Scope } from '../../src/directory/directory.js';
import { DEFAULT_VISIBILITY, type Visibility } from '../../src/directory/visibility.js';
import { parseFilter } from '../../src/filter/parse.js';
import type { SourceMode, SourceRecord } from '../../src/sources/source.js';
import { TEST_SUFFIX as SUFFIX, testDirectory } from '../support/test-directory.js';

const signal = new AbortController().signal;
const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const ANNA: SourceRecord = {
  id: UUID,
  uuid: UUID,
  fields: { cn: ['Anna Müller'], sn: ['Müller'], userPassword: ['anna-web-pw'] },
};
const ANNA_DN = `entryUUID=${UUID},ou=people,${SUFFIX}`;

/** A source of one person, asked live or loaded into a replica. */
function directoryOf(mode: SourceMode): Promise<Directory> {
  return testDirectory([{ name: 'people', mode, records: [ANNA] }]);
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
