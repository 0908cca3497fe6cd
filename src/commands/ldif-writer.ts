/**
 * LDIF content records (RFC 2849) for `search` and `export`: `dn:` then one `name: value` line per
 * value, a blank line after each entry. A value that is not a SAFE-STRING — non-ASCII text such as
 * `Müller`, a leading space, colon or `<`, a trailing space, a control character — is written as
 * `name:: <base64 of its UTF-8>`, as ldapsearch does. Lines are not folded, so each value stays
 * greppable; RFC 2849 readers (ours, OpenLDAP's) accept long lines.
 */

export interface LdifAttribute {
  readonly type: string;
  readonly values: readonly string[];
}

/**
 * RFC 2849 SAFE-STRING, narrowed to printable ASCII: the RFC allows control characters other than
 * NUL, LF and CR, but a tab or an escape sequence in a terminal is better seen as base64.
 */
const SAFE_STRING = /^(?:[\x21-\x39\x3B\x3D-\x7E][\x20-\x7E]*)?$/;

export const LDIF_VERSION = 'version: 1\n\n';

export function ldifEntry(dn: string, attributes: readonly LdifAttribute[]): string {
  const lines = [ldifLine('dn', dn)];
  for (const { type, values } of attributes) for (const value of values) lines.push(ldifLine(type, value));
  return `${lines.join('\n')}\n\n`;
}

export function ldifLine(name: string, value: string): string {
  if (value === '') return `${name}:`;
  return isSafe(value) ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** A trailing space is legal in a SAFE-STRING, but RFC 2849 advises base64 so it survives editors. */
function isSafe(value: string): boolean {
  return SAFE_STRING.test(value) && !value.endsWith(' ');
}
