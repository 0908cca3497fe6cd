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
