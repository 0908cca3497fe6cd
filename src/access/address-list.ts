/**
 * A set of IP addresses and CIDR ranges, asked about one client address at a time: the trusted
 * addresses, the balancers a listener takes PROXY headers from.
 */
import { BlockList, isIP } from 'node:net';
import { parseAddressRange, type AddressRange } from './address-range.js';

export class AddressList {
  readonly #list = new BlockList();

  /** `entries`: addresses and ranges as config writes them; throws AddressSyntaxError. */
  constructor(entries: readonly (string | AddressRange)[]) {
    for (const entry of entries) {
      const { address, prefix, family } = typeof entry === 'string' ? parseAddressRange(entry) : entry;
      this.#list.addSubnet(address, prefix, family);
    }
  }

  /** Whether an address (as a socket reports it, IPv4-mapped or not) is in the list. */
  has(address: string): boolean {
    const unzoned = address.split('%', 1)[0] ?? '';
    const version = isIP(unzoned);
    if (version === 0) return false;
    // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) too.
    return this.#list.check(unzoned, version === 4 ? 'ipv4' : 'ipv6');
  }
}
