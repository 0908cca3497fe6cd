import { describe, expect, it } from 'vitest';
import { BerError } from '../../src/protocol/ber-error.js';
import { BerReader } from '../../src/protocol/ber-reader.js';
import { BerWriter } from '../../src/protocol/ber-writer.js';
import { CONTROLS_TAG, decodeControls, writeControls } from '../../src/protocol/controls.js';
import type { Control } from '../../src/protocol/messages.js';
import {
  PAGED_RESULTS_OID,
  decodePagedResultsValue,
  encodePagedResultsValue,
} from '../../src/protocol/paged-results-control.js';
import { ProtocolError } from '../../src/protocol/protocol-error.js';
import { decodeRequest } from '../../src/protocol/request-decoder.js';
import { fixture, fromHex, toHex } from './hex-fixtures.js';

const LIMITS = { maxFilterDepth: 64, maxFilterNodes: 2048 };

function roundTrip(controls: Control[]): Control[] {
  const writer = new BerWriter();
  writeControls(writer, controls);
  const bytes = writer.toBytes();
  if (controls.length === 0) {
    expect(bytes.length).toBe(0);
    return [];
  }
  return decodeControls(new BerReader(bytes).readSequence('controls', CONTROLS_TAG));
}

describe('controls', () => {
  it('keeps unknown controls with their criticality and raw value', () => {
    const { controls } = decodeRequest(fixture('search-unknown-control-request'), LIMITS);
    expect(controls).toEqual([{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: Uint8Array.of(0, 1, 2) }]);
  });

  it('round-trips several controls, with and without values and criticality', () => {
    const controls: Control[] = [
      {
        oid: PAGED_RESULTS_OID,
        critical: true,
        value: encodePagedResultsValue({ size: 10, cookie: new Uint8Array() }),
      },
      { oid: '2.16.840.1.113730.3.4.2', critical: false },
      { oid: '1.2.3.4', critical: true },
      { oid: '1.2.3.5', critical: false, value: new Uint8Array() },
    ];
    expect(roundTrip(controls)).toEqual(controls);
    expect(roundTrip([])).toEqual([]);
  });

  it('reads an explicit criticality FALSE', () => {
    const reader = new BerReader(fromHex('3008 0403312e32 010100'));
    expect(decodeControls(reader)).toEqual([{ oid: '1.2', critical: false }]);
  });

  it('answers a malformed control with protocolError for that message', () => {
    // unbind (messageID 5) with a control whose criticality has 2 octets
    let caught: unknown;
    try {
      decodeRequest(fromHex('3010 020105 4200 a009 3007 040131 01020000'), LIMITS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect(caught).toMatchObject({ messageId: 5, operation: 'unbind' });
  });
});

describe('paged results control value (RFC 2696)', () => {
  it.each([
    [{ size: 0, cookie: new Uint8Array() }, '30050201000400'],
    [{ size: 50, cookie: new Uint8Array() }, '30050201320400'],
    [{ size: 1000, cookie: Uint8Array.of(1, 2, 3) }, '3009020203e80403010203'],
  ])('encodes %o as %s and back', (value, hex) => {
    expect(toHex(encodePagedResultsValue(value))).toBe(hex);
    expect(decodePagedResultsValue(fromHex(hex))).toEqual(value);
  });

  it.each([
    ['a negative size', '30050201ff0400'],
    ['a missing cookie', '3003020101'],
    ['trailing bytes', '3005020101040000'],
    ['no SEQUENCE', '0400'],
  ])('rejects %s with BerError', (_, hex) => {
    expect(() => decodePagedResultsValue(fromHex(hex))).toThrow(BerError);
  });
});
