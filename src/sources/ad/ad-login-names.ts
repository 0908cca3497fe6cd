/**
 * The bind names an AD source owns, decided without a search (DESIGN.md "Binds"): `user@suffix`
 * for its UPN suffixes, `NETBIOS\user`, `user@NETBIOS` (sent to AD as `NETBIOS\user`), and DNs
 * below its bases. `example.test\alice` or a bare `alice` are not AD's: AD would refuse them anyway.
 * The suffixes and NetBIOS name come from config, or are read from AD once and refreshed hourly.
 */
import {
  DnLoginNames,
  equalityFilter,
  type AccountLookup,
  type LoginClaim,
  type EntryReader,
  type LoginNames,
} from '../ldap/login-names.js';
import { discoverAdNaming, type AdNaming } from './ad-naming.js';

/** How long names read from AD are trusted before they are read again. */
const NAMING_REFRESH_MS = 60 * 60 * 1000;

export interface AdNamingConfig {
  readonly upnSuffixes?: readonly string[];
  readonly netbiosName?: string;
}

export class AdLoginNames implements LoginNames {
  readonly #dns: DnLoginNames;
  #naming: AdNaming | undefined;
  #readAt = 0;
  #reading: Promise<AdNaming> | undefined;

  constructor(
    bases: readonly string[],
    private readonly configured: AdNamingConfig,
    private readonly reader: EntryReader,
    private readonly now: () => number = Date.now,
  ) {
    this.#dns = new DnLoginNames(bases);
  }

  async claim(name: string, signal: AbortSignal): Promise<LoginClaim | undefined> {
    const account = await this.#account(name, signal);
    return account === undefined ? undefined : { account };
  }

  /**
   * The throttle's key of a name AD owns, from its form alone: forms that provably name the same
   * account share it, and no others. `user@NETBIOS` is sent to AD as `NETBIOS\user`, so the two are
   * one; case never matters to AD (UPNs, sAMAccountNames and DNs compare without it), nor does the
   * spelling of a DN. A UPN and `NETBIOS\sam` stay apart: a UPN's prefix need not be the account's
   * sAMAccountName, and AD reads `sam@dnsdomain` as some other account's explicit UPN when one has
   * it. Joining them would take a lookup, and a key that depends on what a lookup found tells
   * whoever watches the throttle which names exist.
   */
  async key(name: string, signal: AbortSignal): Promise<string | undefined> {
    const dn = await this.#dns.key(name);
    if (dn !== undefined) return dn;
    return (await this.#account(name, signal))?.toLowerCase();
  }

  async #account(name: string, signal: AbortSignal): Promise<string | undefined> {
    if (this.#dns.owns(name)) return name;
    const backslash = name.indexOf('\\');
    if (backslash > 0) {
      const user = name.slice(backslash + 1);
      if (user === '' || user.includes('\\')) return undefined;
      const { netbiosName } = await this.#names(signal);
      return sameName(name.slice(0, backslash), netbiosName) ? name : undefined;
    }
    const at = name.lastIndexOf('@');
    if (at <= 0 || at === name.length - 1) return undefined;
    const user = name.slice(0, at);
    const domain = name.slice(at + 1);
    const naming = await this.#names(signal);
    if (naming.upnSuffixes.includes(domain.toLowerCase())) return name;
    if (sameName(domain, naming.netbiosName)) return `${naming.netbiosName}\\${user}`;
    return undefined;
  }

  lookup(account: string): AccountLookup {
    if (this.#dns.owns(account)) return { kind: 'dn', dn: account };
    const backslash = account.indexOf('\\');
    if (backslash > 0)
      return { kind: 'filter', filter: equalityFilter('sAMAccountName', account.slice(backslash + 1)) };
    return { kind: 'filter', filter: equalityFilter('userPrincipalName', account) };
  }

  /** Config's names where given; the rest read from AD (one read at a time, kept when a refresh fails). */
  async #names(signal: AbortSignal): Promise<AdNaming> {
    const { upnSuffixes, netbiosName } = this.configured;
    if (upnSuffixes !== undefined && netbiosName !== undefined) {
      return { upnSuffixes: upnSuffixes.map((s) => s.toLowerCase()), netbiosName: netbiosName.toUpperCase() };
    }
    const read = await this.#discovered(signal);
    return {
      upnSuffixes: upnSuffixes?.map((s) => s.toLowerCase()) ?? read.upnSuffixes,
      ...(netbiosName !== undefined
        ? { netbiosName: netbiosName.toUpperCase() }
        : read.netbiosName !== undefined
          ? { netbiosName: read.netbiosName }
          : {}),
    };
  }

  async #discovered(signal: AbortSignal): Promise<AdNaming> {
    if (this.#naming && this.now() - this.#readAt < NAMING_REFRESH_MS) return this.#naming;
    this.#reading ??= discoverAdNaming(this.reader, signal).finally(() => {
      this.#reading = undefined;
    });
    try {
      this.#naming = await this.#reading;
      this.#readAt = this.now();
    } catch (error) {
      if (!this.#naming) throw error;
      this.#readAt = this.now() - NAMING_REFRESH_MS + 60_000; // try again in a minute
    }
    return this.#naming;
  }
}

function sameName(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toUpperCase() === b;
}
