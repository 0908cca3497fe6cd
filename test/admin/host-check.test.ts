/** Which Host headers the admin listener answers without a token (DNS rebinding). */
import { describe, expect, it } from 'vitest';
import { HostCheck, hostName } from '../../src/admin/host-check.js';

describe('hostName', () => {
  it('drops the port, the brackets of IPv6 and a trailing dot, and lower-cases', () => {
    expect(hostName('127.0.0.1:9389')).toBe('127.0.0.1');
    expect(hostName('[::1]:9389')).toBe('::1');
    expect(hostName('[fd00::7]')).toBe('fd00::7');
    expect(hostName('Dir.Example.COM.:80')).toBe('dir.example.com');
    expect(hostName('localhost')).toBe('localhost');
  });
});

describe('HostCheck', () => {
  const check = new HostCheck(['Dir.Example.com']);

  it('answers IP addresses, localhost, the listed names and requests without a Host', () => {
    for (const host of [
      '127.0.0.1:9389',
      '10.0.0.11',
      '[::1]:9389',
      'localhost:9389',
      'dir.example.com:9389',
      'DIR.EXAMPLE.COM.',
    ])
      expect(check.refusal(host), host).toBeUndefined();
    expect(check.refusal(undefined)).toBeUndefined();
  });

  it('refuses any other name, including look-alikes of the allowed ones', () => {
    for (const host of [
      'evil.example:9389',
      'dir.example.com.evil.example',
      'evil.dir.example.com',
      'localhost.evil.example',
      'sub.localhost',
      '127.0.0.1.nip.io',
      '',
    ])
      expect(check.refusal(host), host).toMatch(/admin\.hosts/);
  });
});
