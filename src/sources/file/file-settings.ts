/** The file source's settings, read from its config once checked and defaulted against its schema. */
import { extname, resolve } from 'node:path';
import type { SourceConfig } from '../../config/types.js';
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

/** The settings of a config already checked against FILE_SETTINGS and defaulted (valid-settings.ts). */
export function readFileSettings(config: SourceConfig): FileSourceSettings {
  const path = config.path as string;
  const idField = config.idField as string | undefined;
  return {
    name: config.name,
    path: resolve(path),
    // The one default that depends on another setting, so the schema cannot hold it.
    format: (config.format as FileFormat | undefined) ?? formatFromExtension(path),
    kind: config.kind as SourceKind,
    multiValueSeparator: config.multiValueSeparator as string,
    ...(idField === undefined ? {} : { idField }),
    encoding: config.encoding as FileEncoding,
  };
}

/** `.ldif` and `.ldi` files are LDIF; anything else is read as CSV. */
export function formatFromExtension(path: string): FileFormat {
  return ['.ldif', '.ldi'].includes(extname(path).toLowerCase()) ? 'ldif' : 'csv';
}
