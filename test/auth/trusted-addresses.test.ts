import { describe, expect, it } from 'vitest';
import { AddressSyntaxError, TrustedAddresses, parseAddressRange } from '../../src/auth/trusted-addresses.js';

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

  it.each([
    'foo',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    '10.0.0/8',
    'fd00::/129',
    'fe80::1%eth0',
    '10.0.0.0/-1',
  ])('refuses %j', (text) => {
    expect(() => parseAddressRange(text)).toThrow(AddressSyntaxError);
  });

  it('reads single addresses as full-length ranges', () => {
    expect(parseAddressRange('192.0.2.1')).toEqual({ address: '192.0.2.1', prefix: 32, family: 'ipv4' });
    expect(parseAddressRange('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseAddressRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
  });
});
