/**
 * What a mount asks of its source: live mounts (every search) and replicas (every load) ask only
 * for the fields their map reads, so a backend never sends what would not be presented (an AD
 * entry's photo and certificates); under the identity map, where any field may fill, everything.
 */
import { describe, expect, it } from 'vitest';
import type { MountedSource } from '../../src/directory/mounted-source.js';
import type { Filter } from '../../src/filter/ast.js';
import type { FieldMapSpec } from '../../src/mapping/field-map.js';
import type { SourceMode, SourceQuery, SourceRecord } from '../../src/sources/source.js';
import { testMount } from '../support/test-directory.js';
import { TestSource } from '../support/test-source.js';

const signal = new AbortController().signal;
const MAP: FieldMapSpec = { cn: 'cn', telephoneNumber: ['telephoneNumber', 'OfficePhoneNumber'] };
const PHONE: Filter = { type: 'equality', attribute: 'telephoneNumber', value: '+49 30 1234' };

/** A source that records every query and answers with one record holding more than is mapped. */
class RecordingSource extends TestSource {
  readonly queries: SourceQuery[] = [];

  constructor(mode: SourceMode) {
    super('book', { mode, pushdown: true });
  }

  async *search(query: SourceQuery): AsyncIterable<SourceRecord> {
    this.queries.push(query);
    await Promise.resolve();
    yield { id: '1', fields: { cn: ['Anna'], telephoneNumber: ['+49 30 1234'], thumbnailPhoto: ['...'] } };
  }
}

function mount(source: RecordingSource, mode: SourceMode, map: FieldMapSpec | 'identity'): MountedSource {
  return testMount({ name: source.name, source, mode, map });
}

async function candidates(mounted: MountedSource, filter: Filter): Promise<number> {
  let count = 0;
  for await (const batch of mounted.candidates(filter, signal)) count += batch.length;
  return count;
}

describe('what a mount asks of its source', () => {
  it('live: the pushed-down filter and the fields the map reads', async () => {
    const source = new RecordingSource('live');
    expect(await candidates(mount(source, 'live', MAP), PHONE)).toBe(1);
    expect(source.queries).toEqual([
      {
        filter: {
          type: 'or',
          filters: [expect.objectContaining({ attribute: 'telephoneNumber' }), expect.anything()],
        },
        fields: ['cn', 'telephoneNumber', 'OfficePhoneNumber'],
        exactFields: [],
      },
    ]);
  });

  it('live: names the fields that fill only identifiers, whose conditions may go down as written', async () => {
    const source = new RecordingSource('live');
    const map: FieldMapSpec = {
      cn: ['cn', 'uid'],
      mail: ['mail', 'InternetAddress'],
      userPrincipalName: ['userPrincipalName', 'mail'],
      uid: 'uid',
    };
    const mail: Filter = { type: 'equality', attribute: 'mail', value: 'Anna.Mueller@Example.com' };
    expect(await candidates(mount(source, 'live', map), mail)).toBe(1);
    // uid also fills cn, a name: a condition on it is widened for accents.
    expect(source.queries[0]?.exactFields).toEqual(['mail', 'InternetAddress', 'userPrincipalName']);
    expect(source.queries[0]?.filter).toEqual({
      type: 'or',
      filters: [
        { ...mail, attribute: 'mail' },
        { ...mail, attribute: 'InternetAddress' },
      ],
    });
  });

  it('replica: every record, with the fields the map reads', async () => {
    const source = new RecordingSource('replica');
    await mount(source, 'replica', MAP).start(signal);
    expect(source.queries).toEqual([{ fields: ['cn', 'telephoneNumber', 'OfficePhoneNumber'] }]);
  });

  it('under the identity map: every field, live or replica', async () => {
    const live = new RecordingSource('live');
    await candidates(mount(live, 'live', 'identity'), PHONE);
    // Any field named like an identifier fills it, and nothing else.
    const exactFields = ['mail', 'userPrincipalName', 'sAMAccountName', 'uid', 'dc'];
    expect(live.queries).toEqual([{ filter: PHONE, exactFields }]);
    const replica = new RecordingSource('replica');
    await mount(replica, 'replica', 'identity').start(signal);
    expect(replica.queries).toEqual([{}]);
  });
});
