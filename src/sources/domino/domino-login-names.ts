/**
 * Which bind names a Domino source owns. Domino accepts a person's name instead of a DN: a common
 * name (any of its `cn` values, with or without `cn=`), a short name, an Internet address. slapd and
 * Domino with "DN required on bind" take DNs only, so the name is resolved to the person's DN with
 * the service account: exactly one person must have it. Two people sharing a name own it together,
 * and neither is tried (DESIGN.md: never bound to the first match). A name nobody has was looked up
 * all the same: it is reported as such, so that the source can make it cost a bind as well.
 */
import { DnSyntaxError, parseDn } from '../../dn/distinguished-name.js';
import type { Filter } from '../../filter/ast.js';
import type { AccountLookup, EntryReader, LoginClaim, LoginNames } from '../ldap/login-names.js';
import { equalityFilter } from '../ldap/login-names.js';
import { within } from '../ldap/source-scope.js';

/** Attributes a Domino person's sign-on name may be held in. */
export const DOMINO_LOGIN_ATTRIBUTES: readonly string[] = [
  'cn',
  'uid',
  'ShortName',
  'mail',
  'InternetAddress',
  'userPrincipalName',
];

const NOT_FOUND: LoginClaim = { notFound: true };

export class DominoLoginNames implements LoginNames {
  constructor(
    private readonly bases: readonly string[],
    /** `(&<filter>(|<users><contacts>))`: the people the source presents. */
    private readonly scope: Filter,
    private readonly reader: EntryReader,
    private readonly attributes: readonly string[] = DOMINO_LOGIN_ATTRIBUTES,
  ) {}

  /** Every name but the empty one is looked up: one nobody has is `notFound`, never undefined. */
  async claim(name: string, signal: AbortSignal): Promise<LoginClaim | undefined> {
    const trimmed = name.trim();
    if (trimmed === '') return undefined;
    const rdns = dnOf(trimmed);
    if (rdns !== undefined && (await this.#exists(trimmed, signal))) return { account: trimmed };
    // `cn=Anna Schmidt`, the common name written as an RDN, is a name too.
    const single = rdns?.length === 1 && rdns[0]!.length === 1 ? rdns[0]![0]! : undefined;
    const value =
      rdns === undefined ? trimmed : single?.type.toLowerCase() === 'cn' ? single.value : undefined;
    if (value === undefined) return NOT_FOUND;
    const matches = await this.#people(value, signal);
    if (matches.length === 0) return NOT_FOUND;
    return matches.length === 1 ? { account: matches[0]! } : { ambiguous: matches.length };
  }

  lookup(account: string): AccountLookup {
    return { kind: 'dn', dn: account };
  }

  async #exists(dn: string, signal: AbortSignal): Promise<boolean> {
    const found = await this.reader.read(dn, 'base', this.scope, ['1.1'], signal);
    return found.length > 0;
  }

  /** DNs of the people holding `value` in any login attribute (at most a few: two is enough to refuse). */
  async #people(value: string, signal: AbortSignal): Promise<string[]> {
    const any: Filter = {
      type: 'or',
      filters: this.attributes.map((attribute) => equalityFilter(attribute, value)),
    };
    const filter = within(this.scope, any);
    const dns = new Set<string>();
    for (const base of this.bases) {
      for (const entry of await this.reader.read(base, 'sub', filter, ['1.1'], signal)) dns.add(entry.dn);
    }
    return [...dns];
  }
}

function dnOf(name: string): ReturnType<typeof parseDn> | undefined {
  if (!name.includes('=')) return undefined;
  try {
    const rdns = parseDn(name);
    return rdns.length > 0 ? rdns : undefined;
  } catch (error) {
    if (error instanceof DnSyntaxError) return undefined;
    throw error;
  }
}
