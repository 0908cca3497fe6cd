/**
 * Client addresses config trusts (`access.trustedAddresses`, plus loopback unless
 * `access.trustLoopback: false`): they may send passwords over plain LDAP, because many PBXs and
 * phones speak nothing else on a LAN, and they are exempt from the per-address bind throttle,
 * because one PBX makes every user's sign-on.
 */
import { AddressList } from '../access/address-list.js';
import type { AddressRange } from '../access/address-range.js';

const LOOPBACK: readonly AddressRange[] = [
  { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
  { address: '::1', prefix: 128, family: 'ipv6' },
];

export class TrustedAddresses extends AddressList {
  /** Throws AddressSyntaxError; the config loader has reported those already. */
  constructor(addresses: readonly string[], trustLoopback: boolean) {
    super([...(trustLoopback ? LOOPBACK : []), ...addresses]);
  }
}
