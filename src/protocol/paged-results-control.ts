/**
 * The Simple Paged Results control value (RFC 2696):
 * `realSearchControlValue ::= SEQUENCE { size INTEGER (0..maxInt), cookie OCTET STRING }`.
 * In a request `size` is the page size asked for; in a response it is the server's estimate of the
 * total (0 if unknown), and an empty cookie ends the paging.
 */
import { BerReader } from './ber-reader.js';
import { BerWriter } from './ber-writer.js';

export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

export interface PagedResultsValue {
  readonly size: number;
  readonly cookie: Uint8Array;
}

/** Throws BerError when the value is not a well-formed realSearchControlValue. */
export function decodePagedResultsValue(value: Uint8Array): PagedResultsValue {
  const outer = new BerReader(value);
  const reader = outer.readSequence('paged results value');
  outer.expectEnd('paged results value');
  const size = reader.readNonNegativeInteger('paged results size');
  const cookie = reader.readOctetString('paged results cookie');
  return { size, cookie };
}

export function encodePagedResultsValue(value: PagedResultsValue): Uint8Array {
  const writer = new BerWriter(16 + value.cookie.length);
  writer.startSequence();
  writer.writeInteger(value.size);
  writer.writeOctetString(value.cookie);
  writer.endSequence();
  return writer.toBytes();
}
