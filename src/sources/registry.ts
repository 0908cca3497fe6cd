/**
 * The source types dirbridge knows: one descriptor per folder, one line each. The config schema, its
 * reference and path resolution are generated from this list; tests may register extra types (a
 * deliberately slow source, say) before the server starts.
 */
import { AD_SOURCE } from './ad/descriptor.js';
import { DOMINO_SOURCE } from './domino/descriptor.js';
import { EWS_SOURCE } from './ews/descriptor.js';
import { FILE_SOURCE } from './file/descriptor.js';
import { GOOGLE_SOURCE } from './google/descriptor.js';
import { GRAPH_SOURCE } from './graph/descriptor.js';
import { LDAP_SOURCE } from './ldap/descriptor.js';
import type { SourceDescriptor, SourceFactory } from './source-descriptor.js';

/** In the order the configuration reference lists them. */
export const SOURCE_TYPES: readonly SourceDescriptor[] = [
  FILE_SOURCE,
  LDAP_SOURCE,
  AD_SOURCE,
  DOMINO_SOURCE,
  GRAPH_SOURCE,
  GOOGLE_SOURCE,
  EWS_SOURCE,
];

let registered: readonly SourceDescriptor[] = SOURCE_TYPES;

/** Adds (or replaces) a type for this process: test fixtures only. */
export function registerSourceType(descriptor: SourceDescriptor): void {
  registered = [...registered.filter((type) => type.type !== descriptor.type), descriptor];
}

/** Every type this process can create, the registered ones after dirbridge's own. */
export function sourceTypes(): readonly SourceDescriptor[] {
  return registered;
}

export function sourceType(name: string): SourceDescriptor | undefined {
  return registered.find((type) => type.type === name);
}

/**
 * How to build each of `types` that this process knows (an unknown one is left for the mount to
 * report with its config path). Loaded once per process: a type's module is not loaded twice.
 */
export async function loadSourceFactories(
  types: Iterable<string>,
): Promise<ReadonlyMap<string, SourceFactory>> {
  const known = [...new Set(types)].flatMap((name) => sourceType(name) ?? []);
  return new Map(await Promise.all(known.map(async (type) => [type.type, await type.load()] as const)));
}
