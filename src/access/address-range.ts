/**
 * An IP address or CIDR range as config writes one (`access.trustedAddresses`): `10.0.0.0/8`,
 * `192.0.2.7`, `fd00::/8`, `2001:db8::1`. Config reports one this refuses; auth trusts what it reads.
 */
import { isIP } from 'node:net';

export class AddressSyntaxError extends Error {
  override name = 'AddressSyntaxError';
}

export interface AddressRange {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `192.0.2.7`, `fd00::/8`, `2001:db8::1`; throws AddressSyntaxError. */
export function parseAddressRange(text: string): AddressRange {
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
