/**
 * One search's view of the cn=Monitor subtree: its entries by normalised DN, so a base DN written in
 * any case or spacing finds its entry, its children or its whole subtree. A dozen entries or so,
 * built afresh for each search so that every number is current.
 */
import { isDescendantOf, parentDn } from '../dn/distinguished-name.js';
import { normalizeDn } from '../schema/normalized-dn.js';
import type { Entry } from '../schema/entry.js';
import type { Schema } from '../schema/schema.js';

export interface MonitorNode {
  readonly entry: Entry;
  readonly normalized: string;
  readonly subordinates: boolean;
}

export class MonitorTree {
  /** In DIT order, parents first. */
  readonly #nodes: readonly MonitorNode[];
  readonly #byDn: ReadonlyMap<string, MonitorNode>;

  constructor(entries: readonly Entry[], schema: Schema) {
    const normalized = entries.map((entry) => normalizeDn(entry.dn, schema));
    const parents = new Set(normalized.map((dn) => parentDn(dn)));
    this.#nodes = entries.map((entry, i) => ({
      entry,
      normalized: normalized[i]!,
      subordinates: parents.has(normalized[i]),
    }));
    this.#byDn = new Map(this.#nodes.map((node) => [node.normalized, node]));
  }

  get(normalized: string): MonitorNode | undefined {
    return this.#byDn.get(normalized);
  }

  /** The deepest existing entry above a DN that names none, for noSuchObject's matchedDN. */
  matchedDn(normalized: string): string {
    for (let dn = parentDn(normalized); dn !== undefined && dn !== ''; dn = parentDn(dn)) {
      const node = this.#byDn.get(dn);
      if (node) return node.entry.dn;
    }
    return '';
  }

  children(normalized: string): MonitorNode[] {
    return this.#nodes.filter((node) => parentDn(node.normalized) === normalized);
  }

  descendants(normalized: string): MonitorNode[] {
    return this.#nodes.filter((node) => isDescendantOf(node.normalized, normalized));
  }
}
