/**
 * Filter strings as ldapts reads them. dirbridge writes every byte of a value that is not printable
 * ASCII as a `\xx` escape (filter/escape.ts), as RFC 4515 allows; ldapts's filter parser, however,
 * reads each `\xx` as one character and sends the value UTF-8 encoded, so `(cn=J\c3\bcrgen)` would
 * reach the backend as `JÃ¼rgen` and match nobody. Runs of escaped bytes from 0x80 up are turned
 * back into the characters they spell, which ldapts encodes as meant. Escapes below 0x80 (`\2a`,
 * `\28`, `\00`) ldapts reads right, and they stay. A run that is no valid UTF-8 stays as it is
 * (binary values go to ldapts as Buffers, not in filter strings).
 */
import type { Filter as LdaptsFilter } from 'ldapts';

/** One or more escapes of bytes 0x80-0xff. Every `\` in a filter string starts an escape. */
const HIGH_BYTE_ESCAPES = /(?:\\[89a-fA-F][0-9a-fA-F])+/g;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function ldaptsFilter<F extends string | LdaptsFilter>(filter: F): F {
  if (typeof filter !== 'string') return filter;
  return filter.replace(HIGH_BYTE_ESCAPES, (run) => {
    try {
      return UTF8.decode(Buffer.from(run.replaceAll('\\', ''), 'hex'));
    } catch {
      return run;
    }
  }) as F;
}
