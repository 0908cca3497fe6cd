/**
 * RFC 4515 value escaping: the one function every LDAP-filter string built by dirbridge goes through.
 * Escapes `*`, `(`, `)`, `\` and NUL, plus any byte that is not printable ASCII, so a value never
 * changes the structure of the filter it is put into.
 */
/** Printable ASCII other than `*`, `(`, `)` and `\`: what escapeFilterValue writes as it is. */
const NOTHING_TO_ESCAPE = /^[\x20-\x27\x2b-\x5b\x5d-\x7e]*$/;

export function escapeFilterValue(value: string | Uint8Array): string {
  // Most values (names, numbers) need no escape at all: returned as they are, with no copy.
  if (typeof value === 'string' && NOTHING_TO_ESCAPE.test(value)) return value;
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const byte of bytes) {
    const unsafe =
      byte < 0x20 || byte > 0x7e || byte === 0x2a || byte === 0x28 || byte === 0x29 || byte === 0x5c;
    out += unsafe ? `\\${byte.toString(16).padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}
