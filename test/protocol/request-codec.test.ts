import { describe, expect, it } from 'vitest';
import type { Filter } from '../../src/filter/ast.js';
import type { Control, Request, RequestMessage } from '../../src/protocol/messages.js';
import { PAGED_RESULTS_OID, decodePagedResultsValue } from '../../src/protocol/paged-results-control.js';
import { decodeRequest } from '../../src/protocol/request-decoder.js';
import { encodeRequest } from '../../src/protocol/request-encoder.js';
import { bytes, fixture, fixtureNames, toHex } from './hex-fixtures.js';

const LIMITS = { maxFilterDepth: 64, maxFilterNodes: 2048 };
const SUFFIX = 'dc=example,dc=test';
const ALICE = 'uid=alice,ou=people,dc=example,dc=test';
const BOB = 'uid=bob,ou=people,dc=example,dc=test';

/** The search ldapsearch sends by default: subtree, never deref, no limits, all attributes. */
function search(filter: Filter, overrides: Partial<Extract<Request, { type: 'search' }>> = {}): Request {
  return {
    type: 'search',
    baseObject: SUFFIX,
    scope: 'sub',
    derefAliases: 'never',
    sizeLimit: 0,
    timeLimit: 0,
    typesOnly: false,
    filter,
    attributes: [],
    ...overrides,
  };
}

const PERSON: Filter = { type: 'equality', attribute: 'objectClass', value: 'person' };

function message(messageId: number, request: Request, controls: Control[] = []): RequestMessage {
  return { messageId, request, controls };
}

function simpleBind(name: string, password: string, version = 3): Request {
  return { type: 'bind', version, name, auth: { method: 'simple', password: bytes(password) } };
}

/** Every captured request and what it must decode to. */
const EXPECTED: Record<string, RequestMessage> = {
  'bind-anonymous-request': message(1, simpleBind('', '')),
  'bind-simple-dn-request': message(1, simpleBind(ALICE, 'pw-alice')),
  'bind-domain-user-request': message(1, simpleBind('EXAMPLE\\alice', 'pw')),
  'bind-upn-request': message(1, simpleBind('alice@example.test', 'pw')),
  'bind-v2-request': message(1, simpleBind(ALICE, 'pw', 2)),
  'bind-sasl-plain-request': message(1, {
    type: 'bind',
    version: 3,
    name: '',
    auth: { method: 'sasl', mechanism: 'PLAIN', credentials: bytes('\0alice\0pw') },
  }),
  'unbind-request': message(3, { type: 'unbind' }),
  'abandon-request': message(3, { type: 'abandon', abandonId: 2 }),
  'whoami-request': message(2, { type: 'extended', oid: '1.3.6.1.4.1.4203.1.11.3' }),
  'password-modify-request': message(2, {
    type: 'extended',
    oid: '1.3.6.1.4.1.4203.1.11.1',
    // PasswdModifyRequestValue: SEQUENCE { newPasswd [2] "new-secret" }
    value: Uint8Array.of(0x30, 0x0c, 0x82, 0x0a, ...bytes('new-secret')),
  }),
  'compare-request': message(2, { type: 'compare', entry: ALICE, attribute: 'sn', value: 'Müller' }),
  'add-request': message(2, { type: 'add', entry: 'uid=dave,ou=people,dc=example,dc=test' }),
  'delete-request': message(2, { type: 'delete', entry: BOB }),
  'modify-request': message(2, { type: 'modify', entry: ALICE }),
  'modify-dn-request': message(2, { type: 'modifyDN', entry: BOB }),
  'search-present-request': message(2, search({ type: 'present', attribute: 'objectclass' })),
  'search-attributes-request': message(
    2,
    search(
      { type: 'equality', attribute: 'uid', value: 'alice' },
      {
        baseObject: 'ou=people,dc=example,dc=test',
        scope: 'one',
        derefAliases: 'always',
        attributes: ['cn', 'mail', 'telephoneNumber'],
      },
    ),
  ),
  'search-base-scope-request': message(
    2,
    search(
      { type: 'present', attribute: 'objectClass' },
      { baseObject: '', scope: 'base', attributes: ['+'] },
    ),
  ),
  'search-paged-request': message(2, search(PERSON), [
    { oid: PAGED_RESULTS_OID, critical: false, value: Uint8Array.of(0x30, 0x05, 0x02, 0x01, 50, 0x04, 0x00) },
  ]),
  'search-paged-critical-request': message(2, search(PERSON), [
    { oid: PAGED_RESULTS_OID, critical: true, value: Uint8Array.of(0x30, 0x05, 0x02, 0x01, 10, 0x04, 0x00) },
  ]),
  'search-unknown-control-request': message(2, search({ type: 'equality', attribute: 'cn', value: 'x' }), [
    { oid: '1.3.6.1.4.1.99999.1', critical: true, value: Uint8Array.of(0, 1, 2) },
  ]),
  'search-size-limit-request': message(2, search(PERSON, { sizeLimit: 5 })),
  'search-time-limit-request': message(2, search(PERSON, { timeLimit: 3 })),
  'search-types-only-request': message(2, search(PERSON, { typesOnly: true })),
  'filter-or-substrings-request': message(
    2,
    search({
      type: 'or',
      filters: [
        { type: 'substrings', attribute: 'cn', any: ['abc'] },
        { type: 'substrings', attribute: 'sn', any: ['abc'] },
      ],
    }),
  ),
  'filter-and-request': message(
    2,
    search({
      type: 'and',
      filters: [
        { type: 'equality', attribute: 'objectCategory', value: 'person' },
        { type: 'equality', attribute: 'objectClass', value: 'user' },
      ],
    }),
  ),
  'filter-initial-substring-request': message(
    2,
    search({ type: 'substrings', attribute: 'telephoneNumber', initial: '+49 30 1234', any: [] }),
  ),
  'filter-final-substring-request': message(
    2,
    search({ type: 'substrings', attribute: 'mail', any: [], final: '@example.test' }),
  ),
  'filter-approx-request': message(2, search({ type: 'approx', attribute: 'cn', value: 'mull' })),
  'filter-greater-or-equal-request': message(
    2,
    search({ type: 'greaterOrEqual', attribute: 'cn', value: 'm' }),
  ),
  'filter-less-or-equal-request': message(2, search({ type: 'lessOrEqual', attribute: 'cn', value: 'm' })),
  'filter-not-request': message(
    2,
    search({ type: 'not', filter: { type: 'equality', attribute: 'cn', value: 'x' } }),
  ),
  'filter-extensible-attribute-rule-request': message(
    2,
    search({
      type: 'extensible',
      matchingRule: 'caseExactMatch',
      attribute: 'cn',
      value: 'x',
      dnAttributes: false,
    }),
  ),
  'filter-extensible-dn-rule-request': message(
    2,
    search({ type: 'extensible', matchingRule: '2.5.13.5', value: 'y', dnAttributes: true }),
  ),
  'filter-extensible-bitwise-request': message(
    2,
    search({
      type: 'extensible',
      matchingRule: '1.2.840.113556.1.4.803',
      attribute: 'userAccountControl',
      value: '2',
      dnAttributes: false,
    }),
  ),
  'filter-escapes-utf8-request': message(
    2,
    search({
      type: 'and',
      filters: [
        { type: 'equality', attribute: 'cn', value: '*()\\\0' },
        { type: 'equality', attribute: 'sn', value: 'Müller' },
      ],
    }),
  ),
};

/** Write requests keep only their DN, so re-encoding cannot reproduce the client's bytes. */
const DN_ONLY = new Set(['add-request', 'modify-request', 'modify-dn-request']);

describe('requests captured from the OpenLDAP tools', () => {
  it('has an expectation for every captured request', () => {
    expect(fixtureNames('-request').sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const frame = fixture(name);

    it('decodes to the expected message', () => {
      expect(decodeRequest(frame, LIMITS)).toEqual(expected);
    });

    it('survives encode then decode', () => {
      expect(decodeRequest(encodeRequest(expected), LIMITS)).toEqual(expected);
    });
  });

  it.each(Object.entries(EXPECTED).filter(([name]) => !DN_ONLY.has(name)))(
    're-encodes %s to the captured bytes',
    (name, expected) => {
      expect(toHex(encodeRequest(expected))).toBe(toHex(fixture(name)));
    },
  );

  it('reads the paged results size from the captured control', () => {
    const { controls } = decodeRequest(fixture('search-paged-request'), LIMITS);
    expect(decodePagedResultsValue(controls[0]!.value!)).toEqual({ size: 50, cookie: new Uint8Array() });
  });
});

describe('request encoding details', () => {
  it('encodes a SASL bind without credentials', () => {
    const sasl = message(4, {
      type: 'bind',
      version: 3,
      name: '',
      auth: { method: 'sasl', mechanism: 'EXTERNAL' },
    });
    expect(toHex(encodeRequest(sasl))).toBe('301602010460110201030400a30a040845585445524e414c');
    expect(decodeRequest(encodeRequest(sasl), LIMITS)).toEqual(sasl);
  });

  it('encodes abandon as a primitive INTEGER, as ldapsearch does', () => {
    expect(toHex(encodeRequest(message(3, { type: 'abandon', abandonId: 2 })))).toBe('3006020103500102');
    expect(toHex(encodeRequest(message(9, { type: 'abandon', abandonId: 300 })))).toBe('30070201095002012c');
  });

  it('reads large message ids and abandon ids up to 2^31-1', () => {
    const max = message(0x7fffffff, { type: 'abandon', abandonId: 0x7fffffff });
    expect(toHex(encodeRequest(max))).toBe('300c02047fffffff50047fffffff');
    expect(decodeRequest(encodeRequest(max), LIMITS)).toEqual(max);
  });
});
