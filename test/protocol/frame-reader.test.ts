import { describe, expect, it } from 'vitest';
import { FrameError, FrameReader } from '../../src/protocol/frame-reader.js';
import { fixture, fixtureNames, fromHex, toHex } from './hex-fixtures.js';

const MIB = 1024 * 1024;

function drain(reader: FrameReader): string[] {
  const frames: string[] = [];
  for (let frame = reader.next(); frame; frame = reader.next()) frames.push(toHex(frame));
  return frames;
}

function frameError(push: () => void): FrameError {
  try {
    push();
  } catch (error) {
    expect(error).toBeInstanceOf(FrameError);
    return error as FrameError;
  }
  throw new Error('expected a FrameError');
}

const captured = fixtureNames('-request').map(fixture);
const stream = Buffer.concat(captured);
const expected = captured.map(toHex);

describe('FrameReader', () => {
  it('splits a stream of captured PDUs cut at every byte boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const reader = new FrameReader(MIB);
      reader.push(stream.subarray(0, cut));
      const frames = drain(reader);
      reader.push(stream.subarray(cut));
      frames.push(...drain(reader));
      expect(frames).toEqual(expected);
      expect(reader.partialBytes).toBe(0);
    }
  });

  it('reassembles a stream delivered one byte at a time', () => {
    const reader = new FrameReader(MIB);
    const frames: string[] = [];
    for (const byte of stream) {
      reader.push(Uint8Array.of(byte));
      frames.push(...drain(reader));
    }
    expect(frames).toEqual(expected);
  });

  it('hands out two PDUs that arrive in one chunk, as views of that chunk', () => {
    const first = fixture('bind-simple-dn-request');
    const second = fixture('unbind-request');
    const chunk = Buffer.concat([first, second]);
    const reader = new FrameReader(MIB);
    reader.push(chunk);
    const a = reader.next()!;
    const b = reader.next()!;
    expect(reader.next()).toBeUndefined();
    expect([toHex(a), toHex(b)]).toEqual([toHex(first), toHex(second)]);
    expect(a.buffer).toBe(chunk.buffer);
  });

  it('keeps an incomplete frame until the rest arrives', () => {
    const frame = fixture('search-present-request');
    const reader = new FrameReader(MIB);
    reader.push(frame.subarray(0, 10));
    expect(reader.next()).toBeUndefined();
    expect(reader.partialBytes).toBe(10);
  });

  it('refuses a header claiming 100 MB on the header alone', () => {
    const reader = new FrameReader(MIB);
    const error = frameError(() => reader.push(fromHex('3084 06400000')));
    expect(error.tooLarge).toBe(true);
    expect(error.message).toMatch(/104857600 bytes exceeds maxRequestBytes \(1048576\)/);
  });

  it('refuses an oversized length as soon as its first octets prove it', () => {
    const reader = new FrameReader(MIB);
    reader.push(fromHex('3084'));
    expect(frameError(() => reader.push(fromHex('06'))).tooLarge).toBe(true);
    expect(reader.partialBytes).toBeLessThanOrEqual(6);
  });

  it('accepts content of exactly maxRequestBytes and refuses one byte more', () => {
    const max = 300;
    const exact = Buffer.concat([fromHex('3082012c'), Buffer.alloc(max)]);
    const reader = new FrameReader(max);
    reader.push(exact);
    expect(reader.next()?.length).toBe(max + 4);
    expect(frameError(() => new FrameReader(max).push(fromHex('3082012d'))).tooLarge).toBe(true);
  });

  it.each([
    ['a wrong outer tag', '0a0100', /must start with SEQUENCE tag 0x30, found 0x0a/],
    ['the indefinite length', '3080', /indefinite length form/],
    ['a length of 5 octets', '30850000000001', /length of 5 octets is too long/],
  ])('refuses %s as malformed, not too large', (_, hex, message) => {
    const error = frameError(() => new FrameReader(MIB).push(fromHex(hex)));
    expect(error.tooLarge).toBe(false);
    expect(error.message).toMatch(message);
  });

  it('checks the header of a frame that follows a complete one in the same chunk', () => {
    const reader = new FrameReader(MIB);
    expect(
      frameError(() => reader.push(Buffer.concat([fixture('unbind-request'), fromHex('31')]))).tooLarge,
    ).toBe(false);
  });

  it('stays failed after an error', () => {
    const reader = new FrameReader(MIB);
    const error = frameError(() => reader.push(fromHex('31')));
    expect(frameError(() => reader.push(fixture('unbind-request')))).toBe(error);
  });

  it('never holds more than maxRequestBytes + header for a frame in progress', () => {
    const max = 1000;
    const reader = new FrameReader(max);
    reader.push(fromHex('308203e8'));
    for (let i = 0; i < 999; i++) reader.push(Uint8Array.of(0));
    expect(reader.partialBytes).toBe(4 + 999);
    reader.push(Uint8Array.of(0));
    expect(reader.next()?.length).toBe(1004);
  });
});
