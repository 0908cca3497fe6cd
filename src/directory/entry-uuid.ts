/**
 * Entry UUIDs: the source's own when it has one, else a UUIDv5 of (source name, native id) so an
 * entry keeps its DN across restarts and two sources never collide.
 */
import { createHash } from 'node:crypto';

/** The namespace UUID for dirbridge's v5 UUIDs (itself a v5 UUID of "dirbridge" in the URL namespace). */
const NAMESPACE = Buffer.from('8d3a6b3e4c1f5b0e9a7d2c6f1e0b4a59', 'hex');

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(text: string): boolean {
  return UUID_PATTERN.test(text);
}

export function uuidV5(sourceName: string, nativeId: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${sourceName}\u0000${nativeId}`, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The UUID an entry presents: the source's own (lower-cased) when valid, else derived. */
export function entryUuid(sourceName: string, nativeId: string, ownUuid?: string): string {
  const own = ownUuid?.toLowerCase();
  return own !== undefined && isUuid(own) ? own : uuidV5(sourceName, nativeId);
}
