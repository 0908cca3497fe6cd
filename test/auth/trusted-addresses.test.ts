import { describe, expect, it } from 'vitest';
import { AddressSyntaxError } from '../../src/access/address-range.js';
import { TrustedAddresses } from '../../src/auth/trusted-addresses.js';

describe('trusted addresses', () => {
  it('trusts loopback in every written form, unless told not to', () => {
    const trusted = new TrustedAddresses([], true);
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(trusted.has(address), address).toBe(true);
    }
    expect(trusted.has('10.0.0.1')).toBe(false);
    const strict = new TrustedAddresses([], false);
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1'])
      expect(strict.has(address), address).toBe(false);
  });

  it('trusts the addresses and CIDR ranges config lists, IPv4 and IPv6', () => {
    const trusted = new TrustedAddresses(['192.0.2.10', '10.200.0.0/16', 'fd00::/8', '2001:db8::7'], false);
    expect(trusted.has('192.0.2.10')).toBe(true);
    expect(trusted.has('192.0.2.11')).toBe(false);
    expect(trusted.has('10.200.44.2')).toBe(true);
    expect(trusted.has('::ffff:10.200.44.2')).toBe(true);
    expect(trusted.has('10.201.0.1')).toBe(false);
    expect(trusted.has('fd12:3456::1')).toBe(true);
    expect(trusted.has('2001:db8::7')).toBe(true);
    expect(trusted.has('2001:db8::8')).toBe(false);
    expect(trusted.has('fe80::1%eth0')).toBe(false);
  });

  it('answers alike when asked again, also after more addresses than it remembers', () => {
    const trusted = new TrustedAddresses(['192.0.2.0/24'], false);
    const asked = ['192.0.2.7', '198.51.100.7', '::ffff:192.0.2.7', 'not an address'];
    const first = asked.map((address) => trusted.has(address));
    expect(first).toEqual([true, false, true, false]);
    for (let i = 0; i < 5000; i++) trusted.has(`10.${i >> 8}.${i & 255}.1`);
    expect(asked.map((address) => trusted.has(address))).toEqual(first);
  });

  it('never trusts what is not an address', () => {
    const trusted = new TrustedAddresses(['0.0.0.0/0'], true);
    expect(trusted.has('')).toBe(false);
    expect(trusted.has('localhost')).toBe(false);
    expect(trusted.has('203.0.113.9')).toBe(true);
  });

  it('refuses a list with an address it cannot read', () => {
    expect(() => new TrustedAddresses(['10.0.0.0/8', '10.0.0.0/33'], true)).toThrow(AddressSyntaxError);
  });
});
