/**
 * A set of IP addresses and CIDR ranges, asked about one client address at a time: the trusted
 * addresses, the balancers a listener takes PROXY headers from.
 */
import { BlockList, isIP } from 'node:net';
import { parseAddressRange, type AddressRange } from './address-range.js';

/** Addresses whose answer is kept: a PBX and a fleet of phones are far fewer. */
const REMEMBERED = 4096;

export class AddressList {
  readonly #list = new BlockList();
  /** Answers given, by address: BlockList builds a SocketAddress per check, on every bind. */
  readonly #answers = new Map<string, boolean>();

  /** `entries`: addresses and ranges as config writes them; throws AddressSyntaxError. */
  constructor(entries: readonly (string | AddressRange)[]) {
    for (const entry of entries) {
      const { address, prefix, family } = typeof entry === 'string' ? parseAddressRange(entry) : entry;
      this.#list.addSubnet(address, prefix, family);
    }
  }

  /** Whether an address (as a socket reports it, IPv4-mapped or not) is in the list. */
  has(address: string): boolean {
    let found = this.#answers.get(address);
    if (found === undefined) {
      found = this.#check(address);
      // Bounded: a flood of addresses starts the memory over rather than growing it.
      if (this.#answers.size >= REMEMBERED) this.#answers.clear();
      this.#answers.set(address, found);
    }
    return found;
  }

  #check(address: string): boolean {
    const unzoned = address.split('%', 1)[0] ?? '';
    const version = isIP(unzoned);
    if (version === 0) return false;
    // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) too.
    return this.#list.check(unzoned, version === 4 ? 'ipv4' : 'ipv6');
  }
}
