import { describe, expect, it } from 'vitest';
import type { ResponseMessage } from '../../src/protocol/messages.js';
import {
  NOTICE_OF_DISCONNECTION_OID,
  noticeOfDisconnection,
} from '../../src/protocol/notice-of-disconnection.js';
import {
  PAGED_RESULTS_OID,
  decodePagedResultsValue,
  encodePagedResultsValue,
} from '../../src/protocol/paged-results-control.js';
import { decodeResponse } from '../../src/protocol/response-decoder.js';
import { BerWriter } from '../../src/protocol/ber-writer.js';
import {
  encodeResponse,
  encodeSearchResultEntryOp,
  writeResponseMessage,
} from '../../src/protocol/response-encoder.js';
import { ResultCode } from '../../src/protocol/result-codes.js';
import { bytes, fixture, fixtureNames, fromHex, toHex } from './hex-fixtures.js';

const ALICE = 'uid=alice,ou=people,dc=example,dc=test';
const REFERRAL = 'ldap://ldap.other.test/ou=elsewhere,dc=example,dc=test';
const EMPTY = { matchedDN: '', diagnosticMessage: '' };

/** Hex written with spaces between octets, for readable expectations. */
function spaced(hex: string): string {
  return toHex(fromHex(hex));
}

function pagedControl(size: number, cookie: Uint8Array) {
  return [{ oid: PAGED_RESULTS_OID, critical: false, value: encodePagedResultsValue({ size, cookie }) }];
}

/** Every response captured from slapd and the object that must encode to exactly its bytes. */
const EXPECTED: Record<string, ResponseMessage> = {
  'bind-success-response': { messageId: 1, response: { type: 'bindResponse', resultCode: 0, ...EMPTY } },
  'bind-invalid-credentials-response': {
    messageId: 1,
    response: { type: 'bindResponse', resultCode: ResultCode.invalidCredentials, ...EMPTY },
  },
  'whoami-response': {
    messageId: 2,
    response: { type: 'extendedResponse', resultCode: 0, ...EMPTY, responseValue: bytes(`dn:${ALICE}`) },
  },
  'search-entry-response': {
    messageId: 2,
    response: {
      type: 'searchResultEntry',
      objectName: ALICE,
      attributes: [
        { type: 'cn', values: ['Alice Müller', 'Alice Mueller'] },
        { type: 'sn', values: ['Müller'] },
        { type: 'mail', values: ['alice@example.test'] },
        { type: 'telephoneNumber', values: ['+49 30 1234567-10', '+49 30 1234567-11'] },
      ],
    },
  },
  'search-entry-types-only-response': {
    messageId: 2,
    response: {
      type: 'searchResultEntry',
      objectName: ALICE,
      attributes: [
        { type: 'cn', values: [] },
        { type: 'telephoneNumber', values: [] },
      ],
    },
  },
  'search-reference-response': {
    messageId: 2,
    response: { type: 'searchResultReference', uris: [`${REFERRAL}??sub`] },
  },
  'search-done-response': { messageId: 2, response: { type: 'searchResultDone', resultCode: 0, ...EMPTY } },
  'search-done-size-limit-response': {
    messageId: 2,
    response: { type: 'searchResultDone', resultCode: ResultCode.sizeLimitExceeded, ...EMPTY },
  },
  'search-done-no-such-object-response': {
    messageId: 2,
    response: {
      type: 'searchResultDone',
      resultCode: ResultCode.noSuchObject,
      matchedDN: 'ou=people,dc=example,dc=test',
      diagnosticMessage: '',
    },
  },
  'search-done-referral-response': {
    messageId: 2,
    response: {
      type: 'searchResultDone',
      resultCode: 10,
      matchedDN: 'ou=elsewhere,dc=example,dc=test',
      diagnosticMessage: '',
      referral: [`${REFERRAL}??base`],
    },
  },
  'search-done-paged-response': {
    messageId: 2,
    response: { type: 'searchResultDone', resultCode: 0, ...EMPTY },
    // slapd's mdb cookie: the ID of the last entry sent, 8 bytes.
    controls: pagedControl(0, fromHex('0400000000000000')),
  },
  'search-done-paged-last-response': {
    messageId: 3,
    response: { type: 'searchResultDone', resultCode: 0, ...EMPTY },
    controls: pagedControl(0, new Uint8Array()),
  },
  'compare-true-response': {
    messageId: 2,
    response: { type: 'compareResponse', resultCode: ResultCode.compareTrue, ...EMPTY },
  },
  'compare-false-response': {
    messageId: 2,
    response: { type: 'compareResponse', resultCode: ResultCode.compareFalse, ...EMPTY },
  },
  'delete-refused-response': {
    messageId: 2,
    response: {
      type: 'delResponse',
      resultCode: ResultCode.strongerAuthRequired,
      matchedDN: '',
      diagnosticMessage: 'modifications require authentication',
    },
  },
};

describe('responses captured from slapd', () => {
  it('has an expectation for every captured response', () => {
    expect(fixtureNames('-response').sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const frame = fixture(name);

    it("encodes to slapd's bytes", () => {
      expect(toHex(encodeResponse(expected))).toBe(toHex(frame));
    });

    it('decodes back to the object', () => {
      expect(decodeResponse(frame)).toEqual(expected);
    });
  });

  it('reads the paged results cookie slapd sent', () => {
    const { controls } = decodeResponse(fixture('search-done-paged-response'));
    const value = decodePagedResultsValue(controls![0]!.value!);
    expect(value.size).toBe(0);
    expect(toHex(value.cookie)).toBe('0400000000000000');
  });
});

describe('response encoding details', () => {
  it('writes absent matchedDN and diagnosticMessage as empty strings', () => {
    const bare: ResponseMessage = { messageId: 1, response: { type: 'bindResponse', resultCode: 0 } };
    expect(toHex(encodeResponse(bare))).toBe(toHex(fixture('bind-success-response')));
  });

  it('encodes serverSaslCreds, responseName and every result-only response', () => {
    const messages: ResponseMessage[] = [
      {
        messageId: 5,
        response: { type: 'bindResponse', resultCode: 14, ...EMPTY, serverSaslCreds: bytes('c') },
      },
      {
        messageId: 6,
        response: {
          type: 'extendedResponse',
          resultCode: 0,
          ...EMPTY,
          responseName: '1.2.3',
          responseValue: bytes('v'),
        },
      },
      { messageId: 7, response: { type: 'addResponse', resultCode: 53, ...EMPTY } },
      { messageId: 8, response: { type: 'modifyResponse', resultCode: 53, ...EMPTY } },
      { messageId: 9, response: { type: 'modDNResponse', resultCode: 53, ...EMPTY } },
      { messageId: 10, response: { type: 'delResponse', resultCode: 53, ...EMPTY } },
    ];
    for (const message of messages) expect(decodeResponse(encodeResponse(message))).toEqual(message);
    expect(toHex(encodeResponse(messages[0]!))).toBe(
      spaced('30 0f 02 01 05 61 0a 0a 01 0e 04 00 04 00 87 01 63'),
    );
    expect(toHex(encodeResponse(messages[2]!))).toBe(spaced('30 0c 02 01 07 69 07 0a 01 35 04 00 04 00'));
  });

  it('encodes entries whose lengths need long-form octets at every level', () => {
    const values = Array.from({ length: 300 }, (_, i) => `+49 30 ${String(i).padStart(7, '0')}`);
    const big: ResponseMessage = {
      messageId: 70000,
      response: {
        type: 'searchResultEntry',
        objectName: `cn=${'x'.repeat(200)},dc=example,dc=test`,
        attributes: [
          { type: 'telephoneNumber', values },
          { type: 'description', values: ['y'.repeat(70000)] },
        ],
      },
    };
    const encoded = encodeResponse(big);
    expect(encoded[1]).toBe(0x83);
    expect(decodeResponse(encoded)).toEqual(big);
  });

  it('sends an entry encoded before as the same bytes as the entry, under any message id and controls', () => {
    const entry = {
      type: 'searchResultEntry',
      objectName: ALICE,
      attributes: [
        { type: 'cn', values: ['Alice Müller'] },
        { type: 'description', values: ['z'.repeat(300)] },
      ],
    } as const;
    const protocolOp = encodeSearchResultEntryOp(entry.objectName, entry.attributes);
    for (const messageId of [1, 127, 128, 70000]) {
      const controls = messageId === 128 ? pagedControl(0, new Uint8Array([1, 2])) : undefined;
      const plain = encodeResponse({ messageId, response: entry, ...(controls ? { controls } : {}) });
      const kept = encodeResponse({
        messageId,
        response: { type: 'encodedSearchResultEntry', protocolOp },
        ...(controls ? { controls } : {}),
      });
      expect(toHex(kept), String(messageId)).toBe(toHex(plain));
    }
  });
});

const DONE = {
  type: 'searchResultDone',
  resultCode: ResultCode.success,
  matchedDN: '',
  diagnosticMessage: '',
} as const;

describe('entries kept encoded', () => {
  it('lay out the same bytes as the entry encoded anew, for every width of message id and length', () => {
    for (const description of ['', 'z'.repeat(100), 'z'.repeat(300), 'z'.repeat(70_000)]) {
      const entry = {
        type: 'searchResultEntry',
        objectName: ALICE,
        attributes: [{ type: 'description', values: description === '' ? [] : [description] }],
      } as const;
      const protocolOp = encodeSearchResultEntryOp(entry.objectName, entry.attributes);
      for (const messageId of [0, 1, 127, 128, 255, 32767, 32768, 8388607, 8388608, 2147483647]) {
        const plain = encodeResponse({ messageId, response: entry });
        const kept = encodeResponse({
          messageId,
          response: { type: 'encodedSearchResultEntry', protocolOp },
        });
        expect(toHex(kept), `${messageId}, ${description.length}`).toBe(toHex(plain));
      }
    }
  });

  it('written into a writer after another message (a batch) are the same bytes as the entry', () => {
    for (const description of ['', 'z'.repeat(100), 'z'.repeat(300), 'z'.repeat(70_000)]) {
      const entry = {
        type: 'searchResultEntry',
        objectName: ALICE,
        attributes: [{ type: 'description', values: description === '' ? [] : [description] }],
      } as const;
      const protocolOp = encodeSearchResultEntryOp(entry.objectName, entry.attributes);
      for (const messageId of [0, 127, 128, 32768, 2147483647]) {
        const done = { messageId, response: DONE } as const;
        const plain = new BerWriter(16);
        writeResponseMessage(plain, done);
        writeResponseMessage(plain, { messageId, response: entry });
        const kept = new BerWriter(16);
        writeResponseMessage(kept, done);
        writeResponseMessage(kept, { messageId, response: { type: 'encodedSearchResultEntry', protocolOp } });
        expect(toHex(kept.toBytes()), `${messageId}, ${description.length}`).toBe(toHex(plain.toBytes()));
      }
    }
  });

  it('refuse a message id out of range as any response does', () => {
    const protocolOp = encodeSearchResultEntryOp(ALICE, []);
    for (const messageId of [2147483648, 1.5])
      expect(() =>
        encodeResponse({ messageId, response: { type: 'encodedSearchResultEntry', protocolOp } }),
      ).toThrow();
  });
});

describe('notice of disconnection', () => {
  it('is an unsolicited extendedResponse with messageID 0 and the RFC 4511 OID', () => {
    const notice = noticeOfDisconnection(ResultCode.protocolError, 'bad');
    const oid = toHex(bytes(NOTICE_OF_DISCONNECTION_OID));
    expect(toHex(notice)).toBe(spaced(`30 27 02 01 00 78 22 0a 01 02 04 00 04 03 62 61 64 8a 16 ${oid}`));
    expect(decodeResponse(notice)).toEqual({
      messageId: 0,
      response: {
        type: 'extendedResponse',
        resultCode: ResultCode.protocolError,
        matchedDN: '',
        diagnosticMessage: 'bad',
        responseName: NOTICE_OF_DISCONNECTION_OID,
      },
    });
  });
});
