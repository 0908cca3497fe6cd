/**
 * The keys the throttle counts logins under, prefixed so that local accounts, logins of sources and
 * names nobody owns share one table without colliding. Every failed name is counted under one, so
 * the throttle treats a name nobody has exactly as it treats an account's: neither its delays nor
 * their absence tell which names exist.
 */
import { DnSyntaxError, formatDn, parseDn } from '../dn/distinguished-name.js';
import { normalizeRdns } from '../schema/normalized-dn.js';

/** A local account, by its lower-cased name. */
export function accountKey(accountName: string): string {
  return `account:${accountName.toLowerCase()}`;
}

/** A source's login, as the source names the account it asks its backend about. */
export function sourceLoginKey(mount: string, account: string): string {
  return `source:${mount.toLowerCase()}:${account.toLowerCase()}`;
}

/**
 * A name nobody owns, in a normal form, so that spellings one account would accept alike count
 * alike: `localName` when the name has the shape of a local account's (`nosuch`, `cn=NoSuch,<suffix>`
 * both give `nosuch`, as `pbx` and `cn=pbx,<suffix>` both mean the account pbx); else a DN in its
 * normal form, or the text lower-cased with its white space folded.
 */
export function unownedNameKey(name: string, localName: string | undefined): string {
  if (localName !== undefined) return `name:${localName}`;
  return `name:${dnForm(name) ?? name.trim().replace(/\s+/g, ' ').toLowerCase()}`;
}

function dnForm(name: string): string | undefined {
  if (!name.includes('=')) return undefined;
  try {
    return formatDn(normalizeRdns(parseDn(name)));
  } catch (error) {
    if (error instanceof DnSyntaxError) return undefined;
    throw error;
  }
}
