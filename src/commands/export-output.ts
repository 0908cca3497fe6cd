/**
 * Where an export goes: stdout, or a file that appears only when the export is complete (written
 * beside it under a temporary name, then renamed), so a failed export never leaves half a phonebook
 * where a PBX import or a file source would read it.
 */
import { createWriteStream, openSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { CommandError, errorText } from './command-error.js';

export interface ExportOutput {
  readonly stream: Writable;
  /** Makes the output final (renames the file into place). */
  commit(): Promise<void>;
  /** Drops what was written (the temporary file). */
  abandon(): Promise<void>;
}

export function openOutput(path: string | undefined, stdout: Writable = process.stdout): ExportOutput {
  if (path === undefined)
    return { stream: stdout, commit: () => Promise.resolve(), abandon: () => Promise.resolve() };
  const temporary = `${path}.${process.pid}.partial`;
  // Opened now, so that a folder that does not exist or cannot be written fails before any work.
  const stream = createWriteStream('', { fd: openNow(temporary, path) });
  // Reported by commit (or by the write that waits on it), not as an unhandled 'error' event.
  stream.on('error', () => undefined);
  return {
    stream,
    async commit() {
      stream.end();
      try {
        await finished(stream);
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw new CommandError(`cannot write ${path}: ${errorText(error)}`, { cause: error });
      }
    },
    async abandon() {
      stream.destroy();
      await rm(temporary, { force: true });
    },
  };
}

function openNow(temporary: string, path: string): number {
  try {
    return openSync(temporary, 'w');
  } catch (error) {
    throw new CommandError(`cannot write ${path}: ${errorText(error)}`, { cause: error });
  }
}
