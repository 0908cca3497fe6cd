import { describe, expect, it } from 'vitest';
import { BerError } from '../../src/protocol/ber-error.js';
import { FilterLimitError } from '../../src/protocol/filter-decoder.js';
import { FrameError, FrameReader } from '../../src/protocol/frame-reader.js';
import type { RequestMessage, ResponseMessage } from '../../src/protocol/messages.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { decodeRequest } from '../../src/protocol/request-decoder.js';
import { encodeRequest } from '../../src/protocol/request-encoder.js';
import { decodeResponse } from '../../src/protocol/response-decoder.js';
import { encodeResponse } from '../../src/protocol/response-encoder.js';
import { fixture, fixtureNames, fromHex } from './hex-fixtures.js';

const LIMITS = { maxFilterDepth: 16, maxFilterNodes: 64 };

type Outcome = RequestMessage | ProtocolError | FilterLimitError;

/** decodeRequest's result or its error; any other exception fails the test. */
function attempt(frame: Uint8Array): Outcome {
  try {
    return decodeRequest(frame, LIMITS);
  } catch (error) {
    if (error instanceof ProtocolError || error instanceof FilterLimitError) return error;
    throw error;
  }
}

function protocolError(frame: Uint8Array): ProtocolError {
  const outcome = attempt(frame);
  expect(outcome).toBeInstanceOf(ProtocolError);
  return outcome as ProtocolError;
}

const requests = fixtureNames('-request').map(fixture);
const responses = fixtureNames('-response').map(fixture);

describe('frames the server must disconnect on (ProtocolError without messageId)', () => {
  it.each([
    ['the length 84 ffffffff', '3084ffffffff 020101 4200', /length 4294967295 exceeds/],
    ['the indefinite length', '3080 020101 4200 0000', /indefinite length/],
    ['a length of 5 octets', '30850000000005 020101 4200', /length of 5 octets/],
    ['a wrong outer tag', '3105 020101 4200', /expected tag 0x30, found 0x31/],
    ['a messageID of 6 bytes', '300a 0206000000000001 4200', /INTEGER of 6 octets exceeds 32 bits/],
    ['a negative messageID', '3005 0201ff 4200', /messageID: -1 is negative/],
    ['a messageID that is not an INTEGER', '3005 0401ff 4200', /messageID: expected tag 0x02/],
    ['a response tag as protocolOp', '3005 020101 6100', /0x61 is not an LDAP request/],
    ['an intermediateResponse tag', '3005 020101 7900', /0x79 is not an LDAP request/],
    ['a multi-octet tag as protocolOp', '3005 020101 5f00', /0x5f is not an LDAP request/],
    ['no protocolOp at all', '3003 020101', /protocolOp: missing/],
    ['trailing bytes after the LDAPMessage', '3005 020101 4200 00', /1 unexpected trailing bytes/],
    ['an empty frame', '', /LDAPMessage: missing/],
  ])('%s', (_, hex, message) => {
    const error = protocolError(fromHex(hex));
    expect(error.messageId).toBeUndefined();
    expect(error.operation).toBeUndefined();
    expect(error.message).toMatch(message);
    expect(error.cause).toBeInstanceOf(BerError);
  });

  it('refuses messageID 0, which RFC 4511 reserves for unsolicited notifications, on every operation', () => {
    for (const frame of requests) {
      const error = protocolError(encodeRequest({ ...decodeRequest(frame, LIMITS), messageId: 0 }));
      expect(error.messageId).toBeUndefined();
      expect(error.operation).toBeUndefined();
      expect(error.message).toMatch(/messageID 0 is reserved for unsolicited notifications/);
    }
  });

  it('treats every truncation of every captured request as unreadable', () => {
    for (const frame of requests) {
      for (let length = 0; length < frame.length; length++) {
        expect(protocolError(frame.subarray(0, length)).messageId).toBeUndefined();
      }
    }
  });
});

describe('operations the server must answer with protocolError (ProtocolError with messageId)', () => {
  /** A search for (cn=*) with the given scope, deref and sizeLimit octets. */
  const searchWith = (scope: string, deref: string, size: string, filter = '8702636e') =>
    `0400 0a01${scope} 0a01${deref} 0201${size} 020100 010100 ${filter} 3000`;
  const wrap = (messageId: number, tag: string, body: string) => {
    const content = fromHex(body);
    return fromHex(
      `30${(5 + content.length).toString(16).padStart(2, '0')} 0201${messageId.toString(16).padStart(2, '0')} ${tag}${content.length.toString(16).padStart(2, '0')} ${body}`,
    );
  };

  it.each([
    [
      'a search whose filter tag is unknown',
      wrap(2, '63', searchWith('02', '00', '00', 'aa00')),
      'search',
      /unknown filter tag 0xaa/,
    ],
    [
      'a search with scope 3',
      wrap(2, '63', searchWith('03', '00', '00')),
      'search',
      /scope: 3 is not one of 0..2/,
    ],
    [
      'a search with derefAliases 4',
      wrap(2, '63', searchWith('02', '04', '00')),
      'search',
      /derefAliases: 4/,
    ],
    [
      'a search with a negative sizeLimit',
      wrap(2, '63', searchWith('02', '00', 'ff')),
      'search',
      /sizeLimit: -1/,
    ],
    [
      'a search without attributes',
      wrap(2, '63', '0400 0a0102 0a0100 020100 020100 010100 8702636e'),
      'search',
      /attributes: missing/,
    ],
    ['a bind with version 0', wrap(1, '60', '020100 0400 8000'), 'bind', /version 0 outside 1..127/],
    ['a bind with version 128', wrap(1, '60', '02020080 0400 8000'), 'bind', /version 128 outside 1..127/],
    [
      'a bind with a Kerberos v4 choice',
      wrap(1, '60', '020103 0400 8100'),
      'bind',
      /unsupported choice 0x81/,
    ],
    ['a bind without authentication', wrap(1, '60', '020103 0400'), 'bind', /unsupported choice missing/],
    ['a SASL bind without mechanism', wrap(1, '60', '020103 0400 a300'), 'bind', /sasl mechanism: missing/],
    ['an unbind with content', wrap(3, '42', '00'), 'unbind', /NULL must be empty/],
    ['an abandon of 5 octets', wrap(3, '50', '0000000001'), 'abandon', /INTEGER of 5 octets/],
    ['an empty abandon', wrap(3, '50', ''), 'abandon', /no content octets/],
    ['a negative abandon', wrap(3, '50', 'ff'), 'abandon', /-1 is negative/],
    [
      'an extended request without name',
      wrap(4, '77', '8101ff'),
      'extended',
      /requestName: expected tag 0x80/,
    ],
    ['a compare without assertion', wrap(4, '6e', '0400'), 'compare', /compare ava: missing/],
    ['a modify without DN', wrap(4, '66', ''), 'modify', /entry: missing/],
    ['an operation longer than its envelope', fromHex('3005 020101 6310'), 'search', /length 16 exceeds/],
  ])('%s', (_, frame, operation, message) => {
    const error = protocolError(frame);
    expect(error.messageId).toBeDefined();
    expect(error.operation).toBe(operation);
    expect(error.message).toMatch(message);
  });

  it('keeps messageIds up to 2^31-1 on the error', () => {
    expect(protocolError(fromHex('3009 02047fffffff 42 0100')).messageId).toBe(0x7fffffff);
  });
});

/** mulberry32: a tiny seeded PRNG, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(frame: Uint8Array, next: () => number): Uint8Array {
  const int = (max: number) => Math.floor(next() * max);
  let bytes = Array.from(frame);
  const rounds = 1 + int(4);
  for (let i = 0; i < rounds; i++) {
    const at = int(bytes.length + 1);
    switch (int(6)) {
      case 0:
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = int(256);
        break;
      case 1:
        bytes.splice(at, 0, int(256));
        break;
      case 2:
        bytes.splice(at, 1 + int(3));
        break;
      case 3:
        bytes = bytes.slice(0, at);
        break;
      case 4:
        // Interesting octets: lengths and tags at the edges.
        if (bytes.length > 0)
          bytes[Math.min(at, bytes.length - 1)] = [0x00, 0x7f, 0x80, 0x81, 0x84, 0xff][int(6)]!;
        break;
      default:
        bytes.splice(at, 0, ...bytes.slice(int(bytes.length), int(bytes.length) + 8));
    }
  }
  return Uint8Array.from(bytes);
}

/** Re-frames mutated content under a correct outer header, so decoding goes past the envelope. */
function reframe(frame: Uint8Array): Uint8Array {
  const headerLength = frame[1]! < 0x80 ? 2 : 2 + (frame[1]! & 0x7f);
  const content = frame.subarray(Math.min(headerLength, frame.length));
  const length = content.length;
  const header =
    length < 0x80
      ? [0x30, length]
      : length < 0x100
        ? [0x30, 0x81, length]
        : [0x30, 0x82, length >> 8, length & 0xff];
  return Uint8Array.from([...header, ...content]);
}

describe('seeded fuzzing', () => {
  it('decodes random and mutated requests to a message or one of our errors, never anything else', () => {
    const next = random(0x1dab);
    const tally = { decoded: 0, answer: 0, disconnect: 0, limit: 0 };
    for (let i = 0; i < 6000; i++) {
      let frame: Uint8Array;
      if (i % 3 === 0) {
        frame = Uint8Array.from({ length: Math.floor(next() * 80) }, () => Math.floor(next() * 256));
        if (next() < 0.5 && frame.length > 2) frame = reframe(Uint8Array.of(0x30, 0, ...frame));
      } else {
        frame = mutate(requests[Math.floor(next() * requests.length)]!, next);
        if (next() < 0.7 && frame.length > 2) frame = reframe(frame);
      }
      const outcome = attempt(frame);
      if (outcome instanceof FilterLimitError) {
        tally.limit++;
        expect(outcome.messageId).toBeDefined();
      } else if (outcome instanceof ProtocolError) {
        if (outcome.messageId === undefined) tally.disconnect++;
        else tally.answer++;
      } else {
        tally.decoded++;
        // Whatever decodes must encode and decode to the same message again.
        expect(decodeRequest(encodeRequest(outcome), LIMITS)).toEqual(outcome);
      }
    }
    expect(tally.decoded).toBeGreaterThan(100);
    expect(tally.answer).toBeGreaterThan(100);
    expect(tally.disconnect).toBeGreaterThan(100);
  });

  it('decodes mutated responses to a message or a BerError', () => {
    const next = random(0x5eed);
    let decoded = 0;
    for (let i = 0; i < 3000; i++) {
      let frame = mutate(responses[Math.floor(next() * responses.length)]!, next);
      if (next() < 0.7 && frame.length > 2) frame = reframe(frame);
      let message: ResponseMessage;
      try {
        message = decodeResponse(frame);
      } catch (error) {
        expect(error).toBeInstanceOf(BerError);
        continue;
      }
      decoded++;
      expect(decodeResponse(encodeResponse(message))).toEqual(message);
    }
    expect(decoded).toBeGreaterThan(100);
  });

  it('frames random streams into frames or a FrameError', () => {
    const next = random(0xf4a3);
    for (let i = 0; i < 1000; i++) {
      const reader = new FrameReader(256);
      const pieces = [
        ...requests.slice(0, 3),
        Uint8Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)),
      ];
      const stream = Buffer.concat(pieces.map((piece) => (next() < 0.3 ? mutate(piece, next) : piece)));
      try {
        for (let at = 0; at < stream.length;) {
          const size = 1 + Math.floor(next() * 50);
          reader.push(stream.subarray(at, at + size));
          at += size;
          for (let frame = reader.next(); frame; frame = reader.next()) {
            expect(frame[0]).toBe(0x30);
            attempt(frame);
          }
        }
      } catch (error) {
        expect(error).toBeInstanceOf(FrameError);
      }
    }
  });
});
