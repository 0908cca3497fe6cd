/**
 * Client addresses config trusts (`access.trustedAddresses`, plus loopback unless
 * `access.trustLoopback: false`): they may send passwords over plain LDAP, because many PBXs and
 * phones speak nothing else on a LAN, and they are exempt from the per-address bind throttle,
 * because one PBX makes every user's sign-on.
 */
import { BlockList, isIP } from 'node:net';
import { parseAddressRange, type AddressRange } from '../access/address-range.js';

const LOOPBACK: readonly AddressRange[] = [
  { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
  { address: '::1', prefix: 128, family: 'ipv6' },
];

/** Addresses whose answer is kept: a PBX and a fleet of phones are far fewer. */
const REMEMBERED = 4096;

export class TrustedAddresses {
  readonly #list = new BlockList();
  /** Answers given, by address: BlockList builds a SocketAddress per check, on every bind. */
  readonly #answers = new Map<string, boolean>();

  /** Throws AddressSyntaxError; the config loader has reported those already. */
  constructor(addresses: readonly string[], trustLoopback: boolean) {
    const ranges = [...(trustLoopback ? LOOPBACK : []), ...addresses.map(parseAddressRange)];
    for (const { address, prefix, family } of ranges) this.#list.addSubnet(address, prefix, family);
  }

  /** Whether a client address (as the socket reports it, IPv4-mapped or not) is trusted. */
  has(address: string): boolean {
    let trusted = this.#answers.get(address);
    if (trusted === undefined) {
      trusted = this.#check(address);
      // Bounded: a flood of addresses starts the memory over rather than growing it.
      if (this.#answers.size >= REMEMBERED) this.#answers.clear();
      this.#answers.set(address, trusted);
    }
    return trusted;
  }

  #check(address: string): boolean {
    const unzoned = address.split('%', 1)[0] ?? '';
    const version = isIP(unzoned);
    if (version === 0) return false;
    // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) too.
    return this.#list.check(unzoned, version === 4 ? 'ipv4' : 'ipv6');
  }
}
