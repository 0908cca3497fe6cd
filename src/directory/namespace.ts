/**
 * The presented namespace (DESIGN.md "Namespace"): one suffix, each source mounted at
 * `ou=<name>,<suffix>`, its entries directly below as `entryUUID=<uuid>,ou=<name>,<suffix>`.
 * Resolving a DN says which of those it names, without touching any source.
 */
import { formatDn, parseDn, type Rdn } from '../dn/distinguished-name.js';
import { normalizeDn } from '../schema/normalized-dn.js';
import type { Schema } from '../schema/schema.js';

export const SUBSCHEMA_DN = 'cn=Subschema';

/** The monitor's naming context (OpenLDAP's convention), outside the suffix. */
export const MONITOR_DN = 'cn=Monitor';

export type DnTarget =
  | { readonly kind: 'rootDse' }
  | { readonly kind: 'subschema' }
  /** cn=Monitor or below it; `normalized` is the DN's normalised form. */
  | { readonly kind: 'monitor'; readonly normalized: string }
  | { readonly kind: 'suffix' }
  | { readonly kind: 'mount'; readonly mount: string }
  | { readonly kind: 'entry'; readonly mount: string; readonly uuid: string }
  /** Below an entry (entries are leaves): exists only if that entry does, and has no children. */
  | { readonly kind: 'belowEntry'; readonly mount: string; readonly uuid: string }
  | { readonly kind: 'missing'; readonly matchedDN: string };

/**
 * DNs resolved lately, by their text: phones search from the same base all day, and parsing and
 * normalising it was about a tenth of a caller-ID lookup. Bounded (emptied when full, so a client
 * reading many entries by DN costs a map's refill, never memory) and only for DNs of a sane length.
 */
const RESOLVED_KEPT = 1024;
const RESOLVED_MAX_LENGTH = 512;

/** What an entry UUID looks like (entry-uuid.ts makes nothing else). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class Namespace {
  readonly #mountDns = new Map<string, string>();
  readonly suffix: string;
  readonly #suffixRdns: readonly Rdn[];
  readonly #suffixNorm: string;
  readonly #subschemaNorm: string;
  readonly #monitorNorm: string;
  /** Lower-cased mount name -> configured name. */
  readonly #mounts = new Map<string, string>();
  readonly #resolved = new Map<string, DnTarget>();

  constructor(
    suffix: string,
    mountNames: readonly string[],
    private readonly schema: Schema,
  ) {
    this.#suffixRdns = parseDn(suffix);
    this.suffix = formatDn(this.#suffixRdns);
    this.#suffixNorm = normalizeDn(suffix, schema);
    this.#subschemaNorm = normalizeDn(SUBSCHEMA_DN, schema);
    this.#monitorNorm = normalizeDn(MONITOR_DN, schema);
    for (const name of mountNames) this.#mounts.set(name.toLowerCase(), name);
  }

  get mountNames(): readonly string[] {
    return [...this.#mounts.values()];
  }

  /** The first RDN of the suffix, which names the suffix entry (`dc: dirbridge`). */
  get suffixRdn(): Rdn {
    return this.#suffixRdns[0] ?? [];
  }

  mountDn(mount: string): string {
    let dn = this.#mountDns.get(mount);
    if (dn === undefined) {
      dn = formatDn([[{ type: 'ou', value: mount }], ...this.#suffixRdns]);
      this.#mountDns.set(mount, dn);
    }
    return dn;
  }

  entryDn(mount: string, uuid: string): string {
    // A UUID needs no escaping: every entry of a search gets its DN this way, so no formatter runs.
    if (UUID.test(uuid)) return `entryUUID=${uuid},${this.mountDn(mount)}`;
    return formatDn([
      [{ type: 'entryUUID', value: uuid }],
      [{ type: 'ou', value: mount }],
      ...this.#suffixRdns,
    ]);
  }

  /** What a DN names. Throws DnSyntaxError for text that is not a DN. */
  resolve(dn: string): DnTarget {
    const kept = this.#resolved.get(dn);
    if (kept !== undefined) return kept;
    const target = this.#resolveAnew(dn);
    if (dn.length <= RESOLVED_MAX_LENGTH) {
      if (this.#resolved.size >= RESOLVED_KEPT) this.#resolved.clear();
      this.#resolved.set(dn, target);
    }
    return target;
  }

  #resolveAnew(dn: string): DnTarget {
    const rdns = parseDn(dn);
    if (rdns.length === 0) return { kind: 'rootDse' };
    const normalized = normalizeDn(dn, this.schema);
    if (normalized === this.#subschemaNorm) return { kind: 'subschema' };
    if (normalized === this.#suffixNorm) return { kind: 'suffix' };
    const depth = rdns.length - this.#suffixRdns.length;
    const belowSuffix = depth > 0 && normalized.endsWith(`,${this.#suffixNorm}`);
    if (!belowSuffix && this.#isMonitor(normalized)) return { kind: 'monitor', normalized };
    if (!belowSuffix) return { kind: 'missing', matchedDN: '' };
    const mount = this.#mountOf(rdns[depth - 1]!);
    if (mount === undefined) return { kind: 'missing', matchedDN: this.suffix };
    if (depth === 1) return { kind: 'mount', mount };
    const uuid = this.#uuidOf(rdns[depth - 2]!);
    if (uuid === undefined) return { kind: 'missing', matchedDN: this.mountDn(mount) };
    return depth === 2 ? { kind: 'entry', mount, uuid } : { kind: 'belowEntry', mount, uuid };
  }

  #isMonitor(normalized: string): boolean {
    return normalized === this.#monitorNorm || normalized.endsWith(`,${this.#monitorNorm}`);
  }

  #mountOf(rdn: Rdn): string | undefined {
    const ava = rdn.length === 1 ? rdn[0] : undefined;
    if (ava?.type.toLowerCase() !== 'ou') return undefined;
    return this.#mounts.get(ava.value.toLowerCase());
  }

  #uuidOf(rdn: Rdn): string | undefined {
    const ava = rdn.length === 1 ? rdn[0] : undefined;
    if (!ava || this.schema.canonicalName(ava.type) !== 'entryUUID') return undefined;
    return ava.value.toLowerCase();
  }
}
