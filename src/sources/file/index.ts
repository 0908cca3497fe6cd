/** The file source type: a CSV or LDIF phonebook on disk, served from memory. */
export { FILE_SOURCE } from './descriptor.js';
export { createFileSource, fileSourceSettings } from './create-file-source.js';
export type { FileSourceContext } from './create-file-source.js';

export { FILE_DEFAULT_MAP } from './default-map.js';
export { FileSource } from './file-source.js';
export type { FileSourceLogger } from './file-source.js';
export { FileWatcher } from './file-watcher.js';
export type { FileWatcherOptions } from './file-watcher.js';
export { formatFromExtension } from './file-settings.js';
export type { FileEncoding, FileFormat, FileSourceSettings } from './file-settings.js';
export type { FileSnapshot } from './file-snapshot.js';
export { readCsv } from './csv-reader.js';
export { readLdif } from './ldif-reader.js';
export type { ParseProblem, ParsedEntry, ParsedFile } from './parsed-file.js';
