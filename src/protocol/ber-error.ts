/**
 * Malformed or unsupported BER. The offset is absolute within the buffer the reader was created on
 * (for a request: from the first byte of the LDAPMessage), so logs can point at the bad byte.
 */
export class BerError extends Error {
  override readonly name = 'BerError';

  constructor(
    readonly detail: string,
    readonly offset: number,
  ) {
    super(`${detail} at offset ${offset}`);
  }
}
