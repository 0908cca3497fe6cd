/**
 * NTLM messages (MS-NLMP 2.2.1): recognising a NEGOTIATE (type 1), building a CHALLENGE (type 2) as
 * IIS sends it, and reading an AUTHENTICATE (type 3). The challenge sets NTLM2 session security
 * ("NTLM2 key"), which makes @ewsjs/ntlm-client answer with an NTLMv2 response.
 */
const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

const FLAGS = {
  unicode: 0x00000001,
  requestTarget: 0x00000004,
  ntlm: 0x00000200,
  alwaysSign: 0x00008000,
  targetTypeDomain: 0x00010000,
  extendedSessionSecurity: 0x00080000,
  targetInfo: 0x00800000,
  key128: 0x20000000,
  key56: 0x80000000,
} as const;

export const CHALLENGE_FLAGS =
  (FLAGS.unicode |
    FLAGS.requestTarget |
    FLAGS.ntlm |
    FLAGS.alwaysSign |
    FLAGS.targetTypeDomain |
    FLAGS.extendedSessionSecurity |
    FLAGS.targetInfo |
    FLAGS.key128 |
    FLAGS.key56) >>>
  0;

export interface ChallengeTarget {
  /** NetBIOS domain, e.g. CONTOSO. */
  readonly domain: string;
  /** NetBIOS server name, e.g. EXCH01. */
  readonly server: string;
  readonly dnsDomain: string;
  readonly dnsServer: string;
}

export interface AuthenticateMessage {
  readonly domain: string;
  readonly user: string;
  readonly workstation: string;
  readonly ntResponse: Buffer;
}

export function messageType(message: Buffer): number | undefined {
  if (message.length < 12 || !message.subarray(0, 8).equals(SIGNATURE)) return undefined;
  return message.readUInt32LE(8);
}

export function challengeMessage(serverChallenge: Buffer, target: ChallengeTarget): Buffer {
  const targetName = Buffer.from(target.domain, 'utf16le');
  const targetInfo = Buffer.concat([
    avPair(2, target.domain),
    avPair(1, target.server),
    avPair(4, target.dnsDomain),
    avPair(3, target.dnsServer),
    Buffer.alloc(4), // MsvAvEOL
  ]);
  const header = Buffer.alloc(48);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(2, 8);
  writeSecurityBuffer(header, 12, targetName.length, 48);
  header.writeUInt32LE(CHALLENGE_FLAGS, 20);
  serverChallenge.copy(header, 24);
  writeSecurityBuffer(header, 40, targetInfo.length, 48 + targetName.length);
  return Buffer.concat([header, targetName, targetInfo]);
}

/** The AUTHENTICATE message's fields, or undefined when it is not a well-formed type 3. */
export function readAuthenticate(message: Buffer): AuthenticateMessage | undefined {
  if (messageType(message) !== 3 || message.length < 52) return undefined;
  const unicode = message.length >= 64 ? (message.readUInt32LE(60) & FLAGS.unicode) !== 0 : true;
  const field = (offset: number): Buffer | undefined => {
    const length = message.readUInt16LE(offset);
    const start = message.readUInt32LE(offset + 4);
    return start + length <= message.length ? message.subarray(start, start + length) : undefined;
  };
  const text = (offset: number): string | undefined =>
    field(offset)?.toString(unicode ? 'utf16le' : 'latin1');
  const ntResponse = field(20);
  const domain = text(28);
  const user = text(36);
  const workstation = text(44);
  if (ntResponse === undefined || domain === undefined || user === undefined || workstation === undefined) {
    return undefined;
  }
  return { domain, user, workstation, ntResponse };
}

function avPair(id: number, value: string): Buffer {
  const content = Buffer.from(value, 'utf16le');
  const header = Buffer.alloc(4);
  header.writeUInt16LE(id, 0);
  header.writeUInt16LE(content.length, 2);
  return Buffer.concat([header, content]);
}

function writeSecurityBuffer(buffer: Buffer, offset: number, length: number, dataOffset: number): void {
  buffer.writeUInt16LE(length, offset);
  buffer.writeUInt16LE(length, offset + 2);
  buffer.writeUInt32LE(dataOffset, offset + 4);
}
