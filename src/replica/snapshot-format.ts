/**
 * What identifies a replica snapshot file (snapshot-writer.ts, snapshot-reader.ts): the magic bytes
 * and the format version. A file of another version is discarded, never read: bump the version
 * whenever what is written changes.
 */
export const SNAPSHOT_MAGIC = new Uint8Array(Buffer.from('DIRBSNAP', 'latin1'));
export const SNAPSHOT_VERSION = 4;
/** The SHA-256 that ends every snapshot. */
export const CHECKSUM_BYTES = 32;

/** A snapshot that cannot be served: truncated, corrupt, of another version or another replica. */
export class SnapshotUnusable extends Error {
  override name = 'SnapshotUnusable';
}
