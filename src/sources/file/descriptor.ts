/** The `file` source type: a CSV or LDIF phonebook on disk, served from memory. */
import type { SourceDescriptor } from '../source-descriptor.js';
import { FILE_DEFAULT_MAP } from './default-map.js';
import { FILE_SETTINGS } from './settings-schema.js';

export const FILE_SOURCE: SourceDescriptor = {
  type: 'file',
  description: 'A local CSV or LDIF file, loaded into memory (replica mode).',
  settings: FILE_SETTINGS,
  pathSettings: ['path'],
  defaultMap: FILE_DEFAULT_MAP,
  load: async () => (await import('./create-file-source.js')).createFileSource,
};
