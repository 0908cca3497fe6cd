/** The file source's settings, read from its config with the defaults the config schema documents. */
import { extname, resolve } from 'node:path';
import type { SourceConfig } from '../../config/types.js';
import { SourceError } from '../source.js';
import type { SourceKind } from '../source.js';

export type FileFormat = 'csv' | 'ldif';
export type FileEncoding = 'utf8' | 'utf16le' | 'latin1';

export interface FileSourceSettings {
  readonly name: string;
  /** Absolute (the config loader resolves it against the config's folder). */
  readonly path: string;
  readonly format: FileFormat;
  readonly kind: SourceKind;
  readonly multiValueSeparator: string;
  readonly idField?: string;
  readonly encoding: FileEncoding;
}

/** Checked again here because a source may be built from a config that never went through the loader. */
export function fileSourceSettings(config: SourceConfig): FileSourceSettings {
  const path = config.path;
  if (typeof path !== 'string' || path === '') throw new SourceError(config.name, 'no `path` to read');
  const idField = optionalString(config, 'idField');
  return {
    name: config.name,
    path: resolve(path),
    format: oneOf(config, 'format', ['csv', 'ldif'], formatFromExtension(path)),
    kind: oneOf(config, 'kind', ['users', 'contacts', 'both'], 'both'),
    multiValueSeparator: optionalString(config, 'multiValueSeparator') ?? '|',
    ...(idField === undefined ? {} : { idField }),
    encoding: oneOf(config, 'encoding', ['utf8', 'utf16le', 'latin1'], 'utf8'),
  };
}

/** `.ldif` and `.ldi` files are LDIF; anything else is read as CSV. */
export function formatFromExtension(path: string): FileFormat {
  return ['.ldif', '.ldi'].includes(extname(path).toLowerCase()) ? 'ldif' : 'csv';
}

function oneOf<T extends string>(config: SourceConfig, key: string, allowed: readonly T[], fallback: T): T {
  const value = config[key];
  if (value === undefined) return fallback;
  if (allowed.includes(value as T)) return value as T;
  throw new SourceError(config.name, `${key} must be one of: ${allowed.join(', ')}`);
}

function optionalString(config: SourceConfig, key: string): string | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  throw new SourceError(config.name, `${key} must be a non-empty string`);
}
