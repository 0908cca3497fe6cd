/**
 * LDAPMessage bytes (one frame from FrameReader) -> RequestMessage.
 *
 * Errors, and what the server does with them:
 * - ProtocolError with `messageId` set: the envelope was readable but the operation (or its controls)
 *   is malformed: answer that operation with protocolError (2).
 * - ProtocolError with `messageId` undefined: the envelope is unreadable, the protocolOp is not a
 *   request LDAP defines, or the messageID is 0: send a Notice of Disconnection and close.
 * - FilterLimitError (always with `messageId`): answer that search with adminLimitExceeded (11).
 * Nothing else is thrown for any input.
 */
import type {
  BindRequest,
  CompareRequest,
  Control,
  DerefAliases,
  ExtendedRequest,
  Request,
  RequestMessage,
  SearchRequest,
  SearchScope,
} from './messages.js';
import { BerError } from './ber-error.js';
import { BerReader, BerTag, hex } from './ber-reader.js';
import { CONTROLS_TAG, decodeControls } from './controls.js';
import { decodeFilter, FilterLimitError, type FilterLimits } from './filter-decoder.js';
import { ProtocolError } from './protocol-error.js';

/** [APPLICATION n] tags of the request protocolOps (RFC 4511 section 4.2 onwards). */
export const RequestTag = {
  bind: 0x60,
  unbind: 0x42,
  search: 0x63,
  modify: 0x66,
  add: 0x68,
  delete: 0x4a,
  modifyDN: 0x6c,
  compare: 0x6e,
  abandon: 0x50,
  extended: 0x77,
} as const satisfies Record<Request['type'], number>;

/** Context tags inside requests. */
export const BindTag = { simple: 0x80, sasl: 0xa3 } as const;
export const ExtendedRequestTag = { name: 0x80, value: 0x81 } as const;

export const SCOPES: readonly SearchScope[] = ['base', 'one', 'sub'];
export const DEREF_ALIASES: readonly DerefAliases[] = ['never', 'searching', 'finding', 'always'];

export type RequestLimits = FilterLimits;

/**
 * RFC 4511 4.1.1.1: messageID 0 is reserved for the server's unsolicited notifications, and a client
 * must not send it. Such a request has no answer that cannot be misread: one under messageID 0 is by
 * definition an unsolicited notification, and one under any other ID answers a request the client
 * never sent. A client that breaks the envelope's first rule cannot be trusted to keep its IDs apart
 * afterwards either, so it gets what any unreadable envelope gets: a Notice of Disconnection with
 * protocolError, and the connection is closed. This holds for every operation, unbind and abandon too.
 */
const RESERVED_MESSAGE_ID =
  'messageID 0 is reserved for unsolicited notifications and cannot carry a request (RFC 4511 4.1.1.1)';

const OPERATIONS = new Map<number, Request['type']>(
  Object.entries(RequestTag).map(([type, tag]) => [tag, type as Request['type']]),
);

export function decodeRequest(frame: Uint8Array, limits: RequestLimits): RequestMessage {
  const { envelope, messageId, operation } = readEnvelope(frame);
  try {
    const request = decodeOperation(envelope, operation, limits);
    const controls = readControls(envelope);
    return { messageId, request, controls };
  } catch (error) {
    if (error instanceof FilterLimitError) throw error.withMessageId(messageId);
    if (error instanceof BerError) {
      throw new ProtocolError(`malformed ${operation} request: ${error.message}`, {
        messageId,
        operation,
        cause: error,
      });
    }
    throw error;
  }
}

interface Envelope {
  /** Positioned at the protocolOp. */
  readonly envelope: BerReader;
  readonly messageId: number;
  readonly operation: Request['type'];
}

/** The parts of the message without which no answer can be addressed. */
function readEnvelope(frame: Uint8Array): Envelope {
  try {
    const outer = new BerReader(frame);
    const envelope = outer.readSequence('LDAPMessage');
    outer.expectEnd('LDAPMessage');
    const messageId = envelope.readNonNegativeInteger('messageID');
    if (messageId === 0) throw new ProtocolError(RESERVED_MESSAGE_ID);
    const tag = envelope.peekTag();
    if (tag === undefined) throw new BerError('protocolOp: missing', envelope.offset);
    const operation = OPERATIONS.get(tag);
    if (operation === undefined)
      throw new BerError(`protocolOp: ${hex(tag)} is not an LDAP request`, envelope.offset);
    return { envelope, messageId, operation };
  } catch (error) {
    if (error instanceof BerError)
      throw new ProtocolError(`unreadable LDAPMessage: ${error.message}`, { cause: error });
    throw error;
  }
}

function decodeOperation(envelope: BerReader, operation: Request['type'], limits: RequestLimits): Request {
  const tag = RequestTag[operation];
  switch (operation) {
    case 'bind':
      return decodeBind(envelope.readSequence('bindRequest', tag));
    case 'unbind':
      envelope.readNull('unbindRequest', tag);
      return { type: 'unbind' };
    case 'search':
      return decodeSearch(envelope.readSequence('searchRequest', tag), limits);
    case 'compare':
      return decodeCompare(envelope.readSequence('compareRequest', tag));
    case 'abandon':
      // [APPLICATION 16] MessageID: primitive, the content octets are the INTEGER's.
      return { type: 'abandon', abandonId: envelope.readNonNegativeInteger('abandonRequest', tag) };
    case 'extended':
      return decodeExtended(envelope.readSequence('extendedRequest', tag));
    case 'delete':
      // [APPLICATION 10] LDAPDN: primitive, the content octets are the DN.
      return { type: 'delete', entry: envelope.readString('delRequest', tag) };
    case 'add':
    case 'modify':
    case 'modifyDN':
      // Only the entry DN: dirbridge is read-only and answers every write with a refusal.
      return {
        type: operation,
        entry: envelope.readSequence(`${operation} request`, tag).readString('entry'),
      };
  }
}

function readControls(envelope: BerReader): Control[] {
  // Anything after controls, or a trailing element other than controls, is ignored (RFC 4511 section 4).
  if (envelope.peekTag() !== CONTROLS_TAG) return [];
  return decodeControls(envelope.readSequence('controls', CONTROLS_TAG));
}

function decodeBind(reader: BerReader): BindRequest {
  const at = reader.offset;
  const version = reader.readInteger('bind version');
  if (version < 1 || version > 127) throw new BerError(`bind version ${version} outside 1..127`, at);
  // Kept as written: a DN, user@domain, DOMAIN\user or a plain name are all for the server to judge.
  const name = reader.readString('bind name');
  const tag = reader.peekTag();
  if (tag === BindTag.simple) {
    return {
      type: 'bind',
      version,
      name,
      auth: { method: 'simple', password: reader.readOctetString('simple', tag) },
    };
  }
  if (tag === BindTag.sasl) {
    const sasl = reader.readSequence('sasl', tag);
    const mechanism = sasl.readString('sasl mechanism');
    const credentials =
      sasl.peekTag() === BerTag.octetString ? sasl.readOctetString('sasl credentials') : undefined;
    const auth = credentials === undefined ? { mechanism } : { mechanism, credentials };
    return { type: 'bind', version, name, auth: { method: 'sasl', ...auth } };
  }
  throw new BerError(
    `bind authentication: unsupported choice ${tag === undefined ? 'missing' : hex(tag)}`,
    reader.offset,
  );
}

function decodeSearch(reader: BerReader, limits: FilterLimits): SearchRequest {
  const baseObject = reader.readString('search baseObject');
  const scope = readChoice(reader, 'search scope', SCOPES);
  const derefAliases = readChoice(reader, 'search derefAliases', DEREF_ALIASES);
  const sizeLimit = reader.readNonNegativeInteger('search sizeLimit');
  const timeLimit = reader.readNonNegativeInteger('search timeLimit');
  const typesOnly = reader.readBoolean('search typesOnly');
  const filter = decodeFilter(reader, limits);
  const list = reader.readSequence('search attributes');
  const attributes: string[] = [];
  while (list.hasMore()) attributes.push(list.readString('search attribute'));
  return {
    type: 'search',
    baseObject,
    scope,
    derefAliases,
    sizeLimit,
    timeLimit,
    typesOnly,
    filter,
    attributes,
  };
}

function readChoice<T>(reader: BerReader, what: string, values: readonly T[]): T {
  const at = reader.offset;
  const index = reader.readEnumerated(what);
  const value = values[index];
  if (value === undefined) throw new BerError(`${what}: ${index} is not one of 0..${values.length - 1}`, at);
  return value;
}

function decodeCompare(reader: BerReader): CompareRequest {
  const entry = reader.readString('compare entry');
  const ava = reader.readSequence('compare ava');
  const attribute = ava.readString('compare attributeDesc');
  const value = ava.readString('compare assertionValue');
  return { type: 'compare', entry, attribute, value };
}

function decodeExtended(reader: BerReader): ExtendedRequest {
  const oid = reader.readString('extended requestName', ExtendedRequestTag.name);
  if (reader.peekTag() !== ExtendedRequestTag.value) return { type: 'extended', oid };
  return {
    type: 'extended',
    oid,
    value: reader.readOctetString('extended requestValue', ExtendedRequestTag.value),
  };
}
