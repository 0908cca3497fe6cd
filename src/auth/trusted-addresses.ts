/**
 * Client addresses config trusts (`access.trustedAddresses`, plus loopback unless
 * `access.trustLoopback: false`): they may send passwords over plain LDAP, because many PBXs and
 * phones speak nothing else on a LAN, and they are exempt from the per-address bind throttle,
 * because one PBX makes every user's sign-on.
 */
import { BlockList, isIP } from 'node:net';

export class AddressSyntaxError extends Error {
  override name = 'AddressSyntaxError';
}

interface Range {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

const LOOPBACK: readonly Range[] = [
  { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
  { address: '::1', prefix: 128, family: 'ipv6' },
];

/** `10.0.0.0/8`, `192.0.2.7`, `fd00::/8`, `2001:db8::1`; throws AddressSyntaxError. */
export function parseAddressRange(text: string): Range {
  const [address = '', prefixText, ...extra] = text.trim().split('/');
  const version = isIP(address);
  // A zone (`fe80::1%eth0`) names an interface of this host, not a client: not a range to trust.
  if (version === 0 || extra.length > 0 || address.includes('%')) {
    throw new AddressSyntaxError(`'${text}' is not an IP address or a CIDR range such as 10.0.0.0/8`);
  }
  const bits = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(bits)) || prefix > bits) {
    throw new AddressSyntaxError(`'${text}': the prefix length must be 0 to ${bits}`);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export class TrustedAddresses {
  readonly #list = new BlockList();

  /** Throws AddressSyntaxError; the config loader has reported those already. */
  constructor(addresses: readonly string[], trustLoopback: boolean) {
    const ranges = [...(trustLoopback ? LOOPBACK : []), ...addresses.map(parseAddressRange)];
    for (const { address, prefix, family } of ranges) this.#list.addSubnet(address, prefix, family);
  }

  /** Whether a client address (as the socket reports it, IPv4-mapped or not) is trusted. */
  has(address: string): boolean {
    const unzoned = address.split('%', 1)[0] ?? '';
    const version = isIP(unzoned);
    if (version === 0) return false;
    // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) too.
    return this.#list.check(unzoned, version === 4 ? 'ipv4' : 'ipv6');
  }
}
