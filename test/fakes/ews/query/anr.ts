/**
 * Ambiguous name resolution, as ResolveNames does it: every word of the entry must be a prefix of a
 * word of the display name, or of the given name, surname, alias or an SMTP address
 * ("al" finds Alice Anders, Alan Smithee and All Staff; "anders al" finds Alice Anders).
 * Case-insensitive but accent-sensitive, like Active Directory's ANR index (`muller` does not find
 * Müller). An entry with a routing prefix (`smtp:alice@…`, `sip:…`) matches that address type only.
 */
import { CASE_INSENSITIVE, fold, wordsOf } from './text-comparison.js';

export interface AnrCandidate {
  readonly displayName?: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly alias?: string;
  /** Addresses with routing prefixes, e.g. `SMTP:alice@contoso.com`; bare ones count as SMTP. */
  readonly addresses: readonly string[];
}

export function anrMatches(entry: string, candidate: AnrCandidate): boolean {
  const query = fold(entry.trim(), CASE_INSENSITIVE);
  if (query === '') return false;
  const routed = /^([a-z0-9]+):(.+)$/.exec(query);
  if (routed !== null && !routed[2]!.startsWith('/'))
    return addressMatches(routed[1]!, routed[2]!, candidate);
  const words = wordsOf(candidate.displayName ?? '')
    .concat(
      [candidate.givenName, candidate.surname, candidate.alias].filter((v): v is string => v !== undefined),
    )
    .concat(smtpAddresses(candidate))
    .map((word) => fold(word, CASE_INSENSITIVE));
  const displayName = fold(candidate.displayName ?? '', CASE_INSENSITIVE);
  if (displayName.startsWith(query)) return true;
  return wordsOf(query).every((queryWord) => words.some((word) => word.startsWith(queryWord)));
}

function addressMatches(routingType: string, address: string, candidate: AnrCandidate): boolean {
  return candidate.addresses.some((candidateAddress) => {
    const [type, value] = split(candidateAddress);
    return type === routingType && fold(value, CASE_INSENSITIVE).startsWith(address);
  });
}

function smtpAddresses(candidate: AnrCandidate): string[] {
  return candidate.addresses
    .map(split)
    .filter(([type]) => type === 'smtp')
    .map(([, value]) => value);
}

/** Routing type and address; a bare legacy DN (`/o=…`, as contacts hold for GAL recipients) is EX. */
function split(address: string): [string, string] {
  if (address.startsWith('/')) return ['ex', address];
  const match = /^([A-Za-z0-9]+):(.+)$/.exec(address);
  return match === null ? ['smtp', address] : [match[1]!.toLowerCase(), match[2]!];
}
