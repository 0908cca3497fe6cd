/**
 * Which bind names an LDAP-based source owns, and how it finds the entry of an account that signed
 * on. The generic LDAP source owns the DNs below its bases; AD adds its UPN suffixes and NetBIOS name
 * (src/sources/ad/), Domino the names it resolves.
 */
import { DnSyntaxError, formatDn, isDescendantOf, parseDn } from '../../dn/distinguished-name.js';
import { escapeFilterValue } from '../../filter/escape.js';

/** One entry read with the service account: its DN and its values as text. */
export interface ReadEntry {
  readonly dn: string;
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

/** Searches with the source's service account, for what login names need to know (AD's suffixes). */
export interface EntryReader {
  read(
    base: string,
    scope: 'base' | 'one' | 'sub',
    filter: string,
    attributes: readonly string[],
    signal: AbortSignal,
  ): Promise<ReadEntry[]>;
}

/** How the account's entry is found after a successful bind. */
export type AccountLookup =
  { readonly kind: 'dn'; readonly dn: string } | { readonly kind: 'filter'; readonly filter: string };

/**
 * What a source says of a name: the account to bind as; how many people share it (then none is
 * tried); or that the backend was asked and knows nobody by it (`notFound`: not the source's, but
 * the lookup was made, so a decoy bind must follow for the name to cost what a wrong password does).
 */
export type LoginClaim =
  | { readonly account: string; readonly ambiguous?: undefined; readonly notFound?: undefined }
  | { readonly account?: undefined; readonly ambiguous: number; readonly notFound?: undefined }
  | { readonly account?: undefined; readonly ambiguous?: undefined; readonly notFound: true };

export interface LoginNames {
  /**
   * What a name is: undefined when it is not this source's and finding that out asked nothing of the
   * backend. May ask the backend.
   */
  claim(name: string, signal: AbortSignal): Promise<LoginClaim | undefined>;
  /** How to find the entry of an account `claim` returned. */
  lookup(account: string): AccountLookup;
  /**
   * For names claimed by their form alone (no backend lookup): one spelling shared by every way of
   * writing the same account, whether or not anyone has it (Source.loginKey). Absent where names
   * are found by asking the backend: a key that merged what a lookup found would tell the throttle,
   * and whoever watches its delays, that two names are one real person's.
   */
  key?(name: string, signal: AbortSignal): Promise<string | undefined>;
}

/** The DNs below the source's bases, bound as they are. */
export class DnLoginNames implements LoginNames {
  readonly #bases: readonly string[];

  constructor(bases: readonly string[]) {
    this.#bases = bases.map(dnKey);
  }

  claim(name: string): Promise<LoginClaim | undefined> {
    return Promise.resolve(this.owns(name) ? { account: name } : undefined);
  }

  /** Whether `name` is a DN at or below one of the bases. */
  owns(name: string): boolean {
    let normalized: string;
    try {
      normalized = dnKey(name);
    } catch (error) {
      if (error instanceof DnSyntaxError) return false;
      throw error;
    }
    if (normalized === '') return false;
    return this.#bases.some((base) => normalized === base || isDescendantOf(normalized, base));
  }

  lookup(account: string): AccountLookup {
    return { kind: 'dn', dn: account };
  }

  /** A DN below the bases in the form the backend compares it in: every spelling of it alike. */
  key(name: string): Promise<string | undefined> {
    return Promise.resolve(this.owns(name) ? dnKey(name) : undefined);
  }
}

/**
 * A DN as a backend compares the DNs of its people: attribute types and values without regard to
 * case (the directory's normal form folds accents too, which a backend does not). Throws DnSyntaxError.
 */
function dnKey(text: string): string {
  return formatDn(
    parseDn(text).map((rdn) =>
      rdn.map((ava) => ({ ...ava, type: ava.type.toLowerCase(), value: ava.value.toLowerCase() })),
    ),
  );
}

/** An equality filter on `attribute`, with the value escaped (RFC 4515). */
export function equalityFilter(attribute: string, value: string): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}
