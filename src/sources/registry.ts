/**
 * Source types by config `type`. Each type comes from its own folder with its factory and default
 * map; tests may register extra types (a deliberately slow source, say) before the server starts.
 */
import type { SourceConfig } from '../config/types.js';
import type { FieldMapSpec, IDENTITY_MAP } from '../mapping/field-map.js';
import { AD_DEFAULT_MAP, createAdSource } from './ad/index.js';
import { DOMINO_DEFAULT_MAP, createDominoSource } from './domino/index.js';
import { createFileSource } from './file/index.js';
import { LDAP_DEFAULT_MAP, createLdapSource } from './ldap/index.js';
import type { Source } from './source.js';

export interface SourceContext {
  readonly logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** The directory's `defaultCountry`, for sources that read telephone numbers. */
  readonly defaultCountry?: string;
}

export interface SourceType {
  readonly create: (config: SourceConfig, context: SourceContext) => Source;
  /** Presented attribute -> source field; config's `map` is laid over it. */
  readonly defaultMap: FieldMapSpec | typeof IDENTITY_MAP;
}

const types = new Map<string, SourceType>([
  ['file', { create: createFileSource, defaultMap: 'identity' }],
  ['ldap', { create: createLdapSource, defaultMap: LDAP_DEFAULT_MAP }],
  ['ad', { create: createAdSource, defaultMap: AD_DEFAULT_MAP }],
  ['domino', { create: createDominoSource, defaultMap: DOMINO_DEFAULT_MAP }],
]);

export function registerSourceType(name: string, type: SourceType): void {
  types.set(name, type);
}

export function sourceType(name: string): SourceType | undefined {
  return types.get(name);
}

export function sourceTypeNames(): string[] {
  return [...types.keys()];
}
