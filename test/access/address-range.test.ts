import { describe, expect, it } from 'vitest';
import { AddressSyntaxError, parseAddressRange } from '../../src/access/address-range.js';

describe('address ranges', () => {
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
