/**
 * The keys the throttle counts logins under, prefixed so that local accounts, names sources claim by
 * their form and all other names share one table without colliding. Every failed name is counted
 * under one, so the throttle treats a name nobody has exactly as it treats an account's: neither its
 * delays nor their absence tell which names exist.
 *
 * A key is decided by the name as sent, never by what a backend lookup found: had two names of one
 * Domino person (`anna@acme.example`, `Anna Schmidt`) the key of the DN the lookup found, failing one
 * would hold back the other, and the delay would tell that both exist. Spellings are joined only
 * where the name's form alone shows they mean the same account (a local account's name and DN, a DN
 * however written, what a source claims by form: AD's `user@NETBIOS` is its `NETBIOS\user`).
 */
import { DnSyntaxError, formatDn, parseDn } from '../dn/distinguished-name.js';
import { normalizeRdns } from '../schema/normalized-dn.js';

/** A local account, by its lower-cased name. */
export function accountKey(accountName: string): string {
  return `account:${accountName.toLowerCase()}`;
}

/** A name a source claims by its form, in the spelling the source gives it (Source.loginKey). */
export function sourceLoginKey(mount: string, key: string): string {
  return `source:${mount.toLowerCase()}:${key.toLowerCase()}`;
}

/**
 * Any other name, in a normal form, so that spellings one account would accept alike count alike:
 * `localName` when the name has the shape of a local account's (`nosuch`, `cn=NoSuch,<suffix>`
 * both give `nosuch`, as `pbx` and `cn=pbx,<suffix>` both mean the account pbx); else a DN in its
 * normal form, or the text lower-cased with its white space folded.
 */
export function nameKey(name: string, localName: string | undefined): string {
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
