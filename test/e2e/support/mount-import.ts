/**
 * A PBX's view of one mount, against the entries a test computed from its fake: the paged import
 * (`pr=500`), each way it differs from what is expected (every entry once, at its DN, of its kind,
 * each expected attribute exactly), and the entries a phone's search finds. Shared by the cloud
 * sources' end-to-end tests, whose expectations differ and whose comparison does not.
 */
import { expect } from 'vitest';
import { ldapsearch, type LdifEntry } from './ldap-utils.js';

export type Attributes = Record<string, string[] | undefined>;

export interface ExpectedEntry {
  readonly kind: 'user' | 'contact';
  readonly attributes: Attributes;
}

export type ExpectedEntries = ReadonlyMap<string, ExpectedEntry>;

export function uuidOf(entry: LdifEntry): string {
  return entry.attributes.entryUUID?.[0] ?? `(no entryUUID: ${entry.dn})`;
}

/** A value as an LDAP filter writes it (RFC 4515): `(030) 1234` is `\28030\29 1234`. */
export function filterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Each way `imported` differs from `expected` under `mount` (at most `limit`), as readable lines. */
export function importDifferences(
  imported: readonly LdifEntry[],
  expected: ExpectedEntries,
  mount: string,
  limit = 20,
): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const entry of imported) {
    const uuid = uuidOf(entry);
    if (seen.has(uuid)) found.push(`${uuid} returned twice`);
    seen.add(uuid);
    const want = expected.get(uuid);
    if (want === undefined) {
      found.push(`${uuid} (${entry.attributes.cn?.[0]}) is not expected`);
      continue;
    }
    if (entry.dn !== `entryUUID=${uuid},${mount}`) found.push(`${uuid} presented at ${entry.dn}`);
    const classes = (entry.attributes.objectClass ?? []).map((name) => name.toLowerCase());
    if (!classes.includes(want.kind)) found.push(`${uuid} is not a ${want.kind}: ${classes.join(' ')}`);
    for (const [name, values] of Object.entries(want.attributes))
      if (JSON.stringify(entry.attributes[name]) !== JSON.stringify(values))
        found.push(`${uuid} ${name}: ${JSON.stringify(entry.attributes[name])} != ${JSON.stringify(values)}`);
  }
  for (const uuid of expected.keys()) if (!seen.has(uuid)) found.push(`${uuid} is missing`);
  return found.slice(0, limit);
}

/** One mount of a running dirbridge, read as a PBX and phones read it. */
export class MountImport {
  constructor(
    /** The running server's URL (it may be restarted between reads). */
    private readonly url: () => string,
    readonly mount: string,
    /** What the fake holds now, as the default map presents it. */
    private readonly expected: () => ExpectedEntries,
  ) {}

  /** The PBX's import: every person under the mount, 500 a page, as an anonymous PBX reads it. */
  readonly read = async (): Promise<LdifEntry[]> => {
    const result = await ldapsearch(this.url(), '(objectClass=person)', {
      base: this.mount,
      extensions: ['pr=500/noprompt'],
      attributes: ['*', 'entryUUID'],
    });
    expect(result.code, result.stderr).toBe(0);
    return result.entries;
  };

  readonly matches = async (expected = this.expected()): Promise<boolean> =>
    importDifferences(await this.read(), expected, this.mount).length === 0;

  readonly expectMatches = async (expected = this.expected()): Promise<void> => {
    const imported = await this.read();
    expect(importDifferences(imported, expected, this.mount)).toEqual([]);
    expect(imported).toHaveLength(expected.size);
  };

  /** The entryUUIDs a search finds, sorted. */
  readonly found = async (filter: string, base = this.mount): Promise<string[]> => {
    const result = await ldapsearch(this.url(), filter, { base, attributes: ['entryUUID'] });
    expect(result.code, result.stderr).toBe(0);
    return result.entries.map(uuidOf).sort();
  };

  /** The ids of the expected entries one of whose values of `attributes` passes `test`, sorted. */
  readonly holding = (attributes: string | readonly string[], test: (value: string) => boolean): string[] => {
    const names = typeof attributes === 'string' ? [attributes] : attributes;
    return [...this.expected()]
      .filter(([, entry]) => names.some((name) => (entry.attributes[name] ?? []).some(test)))
      .map(([uuid]) => uuid)
      .sort();
  };
}
