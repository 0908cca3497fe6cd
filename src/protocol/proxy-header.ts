/**
 * The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) a TCP balancer sends
 * before the client's first byte, naming the client it relays. Read from the first chunks of a
 * connection: `parseProxyHeader` says whether the header is complete, what it names, and what
 * follows it (the client's own bytes: an LDAP request, or a TLS ClientHello on an LDAPS port).
 *
 * Everything is checked and bounded: a version 1 line is at most 107 bytes, a version 2 header at
 * most MAX_V2_BYTES; anything else is a ProxyHeaderError, and the connection is closed.
 */
import { isIP } from 'node:net';

/** The client the balancer relays: the source address and port of the connection it accepted. */
export interface ProxiedClient {
  readonly address: string;
  readonly port: number;
}

export type ProxyHeaderResult =
  | { readonly complete: false }
  | {
      readonly complete: true;
      /** Undefined for the balancer's own connections (v2 LOCAL, v1 UNKNOWN): its health checks. */
      readonly client: ProxiedClient | undefined;
      /** The bytes after the header: the client's, to be read as if they had come first. */
      readonly rest: Buffer;
    };

export class ProxyHeaderError extends Error {
  override readonly name = 'ProxyHeaderError';
}

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V1_MAX_BYTES = 107;
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED_BYTES = 16;
/** Addresses (36 bytes for IPv6) and the TLVs a balancer adds (ALPN, SNI, a unique id): ample. */
const MAX_V2_BYTES = V2_FIXED_BYTES + 1024;

/** Reads the header from the bytes received so far (all of them, from the connection's start). */
export function parseProxyHeader(received: Buffer): ProxyHeaderResult {
  if (startsWithPart(received, V2_SIGNATURE)) return parseV2(received);
  if (startsWithPart(received, V1_PREFIX)) return parseV1(received);
  throw new ProxyHeaderError('the connection did not start with a PROXY protocol header');
}

/** Whether `received` and `prefix` agree as far as both go (a prefix still arriving counts). */
function startsWithPart(received: Buffer, prefix: Buffer): boolean {
  const length = Math.min(received.length, prefix.length);
  return received.subarray(0, length).equals(prefix.subarray(0, length));
}

function parseV1(received: Buffer): ProxyHeaderResult {
  const end = received.indexOf('\r\n', 0, 'latin1');
  if (end < 0) {
    if (received.length >= V1_MAX_BYTES) throw new ProxyHeaderError('PROXY v1 line longer than 107 bytes');
    return { complete: false };
  }
  if (end + 2 > V1_MAX_BYTES) throw new ProxyHeaderError('PROXY v1 line longer than 107 bytes');
  const rest = received.subarray(end + 2);
  const fields = received.subarray(V1_PREFIX.length, end).toString('latin1').split(' ');
  if (fields[0] === 'UNKNOWN') return { complete: true, client: undefined, rest };
  if (fields.length !== 5) throw new ProxyHeaderError('PROXY v1 line without its five fields');
  const [family, source, , sourcePort] = fields as [string, string, string, string, string];
  const version = family === 'TCP4' ? 4 : family === 'TCP6' ? 6 : 0;
  if (version === 0) throw new ProxyHeaderError('PROXY v1 family is neither TCP4, TCP6 nor UNKNOWN');
  if (isIP(source) !== version) throw new ProxyHeaderError(`PROXY v1 source is not an IPv${version} address`);
  return { complete: true, client: { address: source, port: portOf(sourcePort) }, rest };
}

function portOf(text: string): number {
  // proxy-protocol.txt: decimal, no leading zero, 0 to 65535.
  if (!/^(?:0|[1-9]\d{0,4})$/.test(text) || Number(text) > 65535)
    throw new ProxyHeaderError('PROXY v1 port is not a number from 0 to 65535');
  return Number(text);
}

function parseV2(received: Buffer): ProxyHeaderResult {
  if (received.length < V2_FIXED_BYTES) return { complete: false };
  const versionAndCommand = received[12]!;
  if (versionAndCommand >> 4 !== 2) throw new ProxyHeaderError('PROXY v2 header of another version');
  const command = versionAndCommand & 0x0f;
  if (command > 1) throw new ProxyHeaderError('PROXY v2 command is neither LOCAL nor PROXY');
  const length = received.readUInt16BE(14);
  if (V2_FIXED_BYTES + length > MAX_V2_BYTES)
    throw new ProxyHeaderError(`PROXY v2 header of ${length} bytes is longer than dirbridge takes`);
  if (received.length < V2_FIXED_BYTES + length) return { complete: false };
  const rest = received.subarray(V2_FIXED_BYTES + length);
  // LOCAL: the balancer's own connection (a health check); the addresses, if any, mean nothing.
  if (command === 0) return { complete: true, client: undefined, rest };
  const body = received.subarray(V2_FIXED_BYTES, V2_FIXED_BYTES + length);
  return { complete: true, client: v2Client(received[13]!, body), rest };
}

/** The source address of a PROXY command, by its family and transport byte. */
function v2Client(familyAndTransport: number, body: Buffer): ProxiedClient | undefined {
  switch (familyAndTransport) {
    case 0x00: // UNSPEC: the balancer could not tell; treat as its own.
      return undefined;
    case 0x11: // TCP over IPv4: source, destination, source port, destination port.
      if (body.length < 12) throw new ProxyHeaderError('PROXY v2 IPv4 addresses cut short');
      return { address: [...body.subarray(0, 4)].join('.'), port: body.readUInt16BE(8) };
    case 0x21: // TCP over IPv6.
      if (body.length < 36) throw new ProxyHeaderError('PROXY v2 IPv6 addresses cut short');
      return { address: ipv6(body.subarray(0, 16)), port: body.readUInt16BE(32) };
    default:
      throw new ProxyHeaderError('PROXY v2 header for a transport other than TCP over IPv4 or IPv6');
  }
}

/** Sixteen bytes as an IPv6 address (uncompressed groups: the address list compares by value). */
function ipv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let offset = 0; offset < 16; offset += 2) groups.push(bytes.readUInt16BE(offset).toString(16));
  return groups.join(':');
}
