import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProxyHeader, ProxyHeaderError } from '../../src/protocol/proxy-header.js';

const SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

/** A v2 header as HAProxy's send-proxy-v2 writes it, with `tlvs` after the addresses. */
function v2(command: number, family: number, addresses: Buffer, tlvs = Buffer.alloc(0)): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(addresses.length + tlvs.length);
  return Buffer.concat([SIGNATURE, Buffer.from([0x20 | command, family]), length, addresses, tlvs]);
}

function ipv4Addresses(
  source: number[],
  destination: number[],
  sourcePort: number,
  destinationPort: number,
): Buffer {
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(sourcePort, 0);
  ports.writeUInt16BE(destinationPort, 2);
  return Buffer.concat([Buffer.from(source), Buffer.from(destination), ports]);
}

const LDAP_BIND = Buffer.from('300c020101600702010304008000', 'hex');

describe('PROXY protocol version 1', () => {
  it('names the TCP4 client and hands back the bytes after the line', () => {
    const result = parseProxyHeader(
      Buffer.concat([Buffer.from('PROXY TCP4 192.0.2.7 10.0.0.5 50123 1389\r\n'), LDAP_BIND]),
    );
    expect(result).toEqual({
      complete: true,
      client: { address: '192.0.2.7', port: 50123 },
      rest: LDAP_BIND,
    });
  });

  it('names a TCP6 client', () => {
    const result = parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 443 1636\r\n'));
    expect(result).toMatchObject({ complete: true, client: { address: '2001:db8::7', port: 443 } });
  });

  it('takes UNKNOWN as the balancer itself', () => {
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toMatchObject({
      complete: true,
      client: undefined,
    });
  });

  it('waits for the rest of a line that is still arriving', () => {
    expect(parseProxyHeader(Buffer.from('PRO'))).toEqual({ complete: false });
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 192.0.2.7 10.0'))).toEqual({ complete: false });
  });

  it.each([
    ['a line longer than 107 bytes', `PROXY TCP4 ${'1'.repeat(120)}`],
    ['an address of the wrong family', 'PROXY TCP4 2001:db8::7 10.0.0.5 1 2\r\n'],
    ['a port out of range', 'PROXY TCP4 192.0.2.7 10.0.0.5 65536 1389\r\n'],
    ['a port with a leading zero', 'PROXY TCP4 192.0.2.7 10.0.0.5 0123 1389\r\n'],
    ['another family', 'PROXY UDP4 192.0.2.7 10.0.0.5 1 2\r\n'],
    ['missing fields', 'PROXY TCP4 192.0.2.7\r\n'],
    ['no header at all: an LDAP request', LDAP_BIND.toString('latin1')],
  ])('refuses %s', (_what, text) => {
    expect(() => parseProxyHeader(Buffer.from(text, 'latin1'))).toThrow(ProxyHeaderError);
  });
});

describe('PROXY protocol version 2', () => {
  it('names the IPv4 client, skips the TLVs and hands back what follows', () => {
    const tlvs = Buffer.from([0x05, 0x00, 0x03, 0x61, 0x62, 0x63]); // PP2_TYPE_UNIQUE_ID "abc"
    const header = v2(1, 0x11, ipv4Addresses([198, 51, 100, 9], [10, 0, 0, 5], 40000, 1389), tlvs);
    const result = parseProxyHeader(Buffer.concat([header, LDAP_BIND]));
    expect(result).toEqual({
      complete: true,
      client: { address: '198.51.100.9', port: 40000 },
      rest: LDAP_BIND,
    });
  });

  it('names the IPv6 client', () => {
    const addresses = Buffer.alloc(36);
    Buffer.from('20010db8000000000000000000000007', 'hex').copy(addresses, 0);
    addresses.writeUInt16BE(5555, 32);
    expect(parseProxyHeader(v2(1, 0x21, addresses))).toMatchObject({
      complete: true,
      client: { address: '2001:db8:0:0:0:0:0:7', port: 5555 },
    });
  });

  it('takes LOCAL (a health check) and UNSPEC as the balancer itself', () => {
    expect(parseProxyHeader(v2(0, 0x00, Buffer.alloc(0)))).toMatchObject({
      complete: true,
      client: undefined,
    });
    expect(parseProxyHeader(v2(1, 0x00, Buffer.alloc(0)))).toMatchObject({
      complete: true,
      client: undefined,
    });
  });

  it('waits for a header that is still arriving, byte by byte', () => {
    const header = v2(1, 0x11, ipv4Addresses([198, 51, 100, 9], [10, 0, 0, 5], 40000, 1389));
    for (let length = 1; length < header.length; length++)
      expect(parseProxyHeader(header.subarray(0, length))).toEqual({ complete: false });
    expect(parseProxyHeader(header)).toMatchObject({ complete: true });
  });

  it.each([
    ['another version', Buffer.concat([SIGNATURE, Buffer.from([0x11, 0x11, 0, 0])])],
    ['an unknown command', Buffer.concat([SIGNATURE, Buffer.from([0x22, 0x11, 0, 0])])],
    ['UDP', v2(1, 0x12, ipv4Addresses([1, 2, 3, 4], [5, 6, 7, 8], 1, 2))],
    ['a Unix socket', v2(1, 0x31, Buffer.alloc(216))],
    ['IPv4 addresses cut short', v2(1, 0x11, Buffer.alloc(8))],
    [
      'a header longer than dirbridge takes',
      Buffer.concat([SIGNATURE, Buffer.from([0x21, 0x11, 0xff, 0xff])]),
    ],
  ])('refuses %s', (_what, header) => {
    expect(() => parseProxyHeader(header)).toThrow(ProxyHeaderError);
  });
});

describe('any bytes', () => {
  it('are a complete header, an incomplete one or a ProxyHeaderError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, signed) => {
        const input = Buffer.concat([signed ? SIGNATURE : Buffer.from('PROXY '), Buffer.from(bytes)]);
        try {
          const result = parseProxyHeader(input);
          if (result.complete) expect(result.rest.length).toBeLessThanOrEqual(input.length);
        } catch (error) {
          expect(error).toBeInstanceOf(ProxyHeaderError);
        }
      }),
    );
  });
});
