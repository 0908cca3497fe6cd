/**
 * Edits a replica snapshot's header in place, as a test's way to make a copy look as if another
 * domain controller had written its cursor. The replacement must be as long as what it replaces
 * (the entries after the header stay where they are); the checksum is written again.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/** Where the header's JSON starts: after the magic (8 bytes), the version and the length (u32 each). */
const HEADER_AT = 16;
const CHECKSUM_BYTES = 32;

export function replaceInSnapshotHeader(file: string, from: string, to: string): void {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to))
    throw new Error('the replacement must be as long as what it replaces');
  const bytes = readFileSync(file);
  const length = bytes.readUInt32LE(HEADER_AT - 4);
  const header = bytes.subarray(HEADER_AT, HEADER_AT + length).toString('utf8');
  if (!header.includes(from)) throw new Error(`the snapshot header does not hold ${from}: ${header}`);
  bytes.write(header.replace(from, to), HEADER_AT, 'utf8');
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  createHash('sha256').update(body).digest().copy(bytes, body.length);
  writeFileSync(file, bytes);
}

/** The header a snapshot starts with (source, cursor, when written). */
export function snapshotHeader(file: string): Record<string, unknown> {
  const bytes = readFileSync(file);
  const length = bytes.readUInt32LE(HEADER_AT - 4);
  return JSON.parse(bytes.subarray(HEADER_AT, HEADER_AT + length).toString('utf8')) as Record<
    string,
    unknown
  >;
}
