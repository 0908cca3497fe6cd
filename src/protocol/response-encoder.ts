/**
 * ResponseMessage -> LDAPMessage bytes. On the hot path (one call per search result entry): each
 * message is written straight into one Buffer by BerWriter, no intermediate arrays.
 */
import type {
  Attribute,
  AttributeSource,
  AttributeWriter,
  LdapResult,
  Response,
  ResponseMessage,
  WireResponseType,
} from './messages.js';
import { BerTag } from './ber-reader.js';
import { BerWriter, integerOctets, lengthOctets, writeLengthAt } from './ber-writer.js';
import { writeControls } from './controls.js';

/** [APPLICATION n] tags of the response protocolOps. */
export const ResponseTag = {
  bindResponse: 0x61,
  searchResultEntry: 0x64,
  searchResultDone: 0x65,
  modifyResponse: 0x67,
  addResponse: 0x69,
  delResponse: 0x6b,
  modDNResponse: 0x6d,
  compareResponse: 0x6f,
  searchResultReference: 0x73,
  extendedResponse: 0x78,
} as const satisfies Record<WireResponseType, number>;

/** Context tags inside responses. */
export const ResponseFieldTag = {
  referral: 0xa3,
  serverSaslCreds: 0x87,
  responseName: 0x8a,
  responseValue: 0x8b,
} as const;

/** First buffer size: most entries a PBX asks for fit, so the buffer rarely grows. */
const INITIAL_SIZE = 512;

export function encodeResponse(message: ResponseMessage): Uint8Array {
  const { response } = message;
  if (
    response.type === 'encodedSearchResultEntry' &&
    message.controls === undefined &&
    isMessageId(message.messageId)
  )
    return encodeKeptEntryMessage(message.messageId, response.protocolOp);
  const writer = new BerWriter(INITIAL_SIZE);
  writeResponseMessage(writer, message);
  return writer.toBytes();
}

/** Appends one LDAPMessage to `writer`: lets a caller batch several responses into one buffer. */
export function writeResponseMessage(writer: BerWriter, message: ResponseMessage): void {
  const { response } = message;
  if (
    response.type === 'encodedSearchResultEntry' &&
    message.controls === undefined &&
    isMessageId(message.messageId)
  ) {
    writeKeptEntryMessage(writer, message.messageId, response.protocolOp);
    return;
  }
  writer.startSequence();
  writer.writeInteger(message.messageId);
  if (response.type === 'encodedSearchResultEntry') writer.writeRaw(response.protocolOp);
  else if (response.type === 'writtenSearchResultEntry')
    writeWrittenEntry(writer, response.objectName, response.attributes);
  else writeResponse(writer, response);
  writeControls(writer, message.controls);
  writer.endSequence();
}

/**
 * An entry kept encoded (encodeSearchResultEntryOp) under a message id: the sizes are known, so the
 * message is laid out in one buffer of its size, the kept bytes copied once (a BerWriter would copy
 * them in, then move them up when the envelope's length takes more than one octet). Most of a phone
 * search's answer is such messages.
 */
function encodeKeptEntryMessage(messageId: number, protocolOp: Uint8Array): Uint8Array {
  const idOctets = integerOctets(messageId);
  const content = 2 + idOctets + protocolOp.length;
  const header = 1 + lengthOctets(content);
  const bytes = Buffer.allocUnsafe(header + content);
  bytes[0] = BerTag.sequence;
  writeLengthAt(bytes, 1, content);
  bytes[header] = BerTag.integer;
  bytes[header + 1] = idOctets;
  bytes.writeIntBE(messageId, header + 2, idOctets);
  bytes.set(protocolOp, header + 2 + idOctets);
  return bytes;
}

/**
 * encodeKeptEntryMessage into a batch's writer: with the sizes known the envelope's length is written
 * first, so the kept bytes are copied once and not moved up when it turns out longer than one octet
 * (a phone's 50-entry answer moved each of its entries once more).
 */
function writeKeptEntryMessage(writer: BerWriter, messageId: number, protocolOp: Uint8Array): void {
  writer.writeSequenceHeader(2 + integerOctets(messageId) + protocolOp.length);
  writer.writeInteger(messageId);
  writer.writeRaw(protocolOp);
}

/** A MessageID (RFC 4511 4.1.1: 0 .. maxInt); anything else goes the checked way, which refuses it. */
function isMessageId(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0x7fffffff;
}

/**
 * The protocolOp of a SearchResultEntry on its own, without message id or controls: what a cache of
 * encoded entries keeps, to be sent as an `encodedSearchResultEntry` under any message id.
 */
export function encodeSearchResultEntryOp(
  objectName: string,
  attributes: readonly Attribute[] | AttributeSource,
): Uint8Array {
  const writer = new BerWriter(INITIAL_SIZE);
  if ('writeTo' in attributes) writeWrittenEntry(writer, objectName, attributes);
  else writeResponse(writer, { type: 'searchResultEntry', objectName, attributes });
  return writer.toBytes();
}

/** A SearchResultEntry protocolOp whose attributes write themselves into `writer`. */
function writeWrittenEntry(writer: BerWriter, objectName: string, attributes: AttributeSource): void {
  writer.startSequence(ResponseTag.searchResultEntry);
  writer.writeString(objectName);
  writer.startSequence();
  const attributeWriter = PARTIAL_ATTRIBUTE_WRITER;
  attributeWriter.writer = writer;
  try {
    attributes.writeTo(attributeWriter);
  } finally {
    attributeWriter.writer = undefined;
  }
  writer.endSequence();
  writer.endSequence();
}

/**
 * PartialAttribute after PartialAttribute (RFC 4511 4.1.7), each value copied in as it is given.
 * One for the process, pointed at the writer of the entry being encoded (encoding is synchronous):
 * an export encodes a hundred thousand entries.
 */
class PartialAttributeWriter implements AttributeWriter {
  writer: BerWriter | undefined;

  startAttribute(type: string): void {
    const writer = this.writer!;
    writer.startSequence();
    writer.writeString(type);
    writer.startSequence(BerTag.set);
  }

  value(bytes: Uint8Array, start: number, end: number): void {
    this.writer!.writeOctetStringRange(bytes, start, end);
  }

  endAttribute(): void {
    const writer = this.writer!;
    writer.endSequence();
    writer.endSequence();
  }
}

const PARTIAL_ATTRIBUTE_WRITER = new PartialAttributeWriter();

function writeResponse(
  writer: BerWriter,
  response: Exclude<Response, { readonly type: 'encodedSearchResultEntry' | 'writtenSearchResultEntry' }>,
): void {
  writer.startSequence(ResponseTag[response.type]);
  switch (response.type) {
    case 'searchResultEntry':
      writer.writeString(response.objectName);
      writeAttributes(writer, response.attributes);
      break;
    case 'searchResultReference':
      for (const uri of response.uris) writer.writeString(uri);
      break;
    case 'bindResponse':
      writeResult(writer, response);
      if (response.serverSaslCreds !== undefined) {
        writer.writeOctetString(response.serverSaslCreds, ResponseFieldTag.serverSaslCreds);
      }
      break;
    case 'extendedResponse':
      writeResult(writer, response);
      if (response.responseName !== undefined)
        writer.writeString(response.responseName, ResponseFieldTag.responseName);
      if (response.responseValue !== undefined) {
        writer.writeOctetString(response.responseValue, ResponseFieldTag.responseValue);
      }
      break;
    case 'searchResultDone':
    case 'compareResponse':
    case 'addResponse':
    case 'delResponse':
    case 'modifyResponse':
    case 'modDNResponse':
      writeResult(writer, response);
      break;
  }
  writer.endSequence();
}

function writeAttributes(writer: BerWriter, attributes: readonly Attribute[]): void {
  writer.startSequence();
  for (const attribute of attributes) {
    writer.startSequence();
    writer.writeString(attribute.type);
    writer.startSequence(BerTag.set);
    for (const value of attribute.values) writer.writeString(value);
    writer.endSequence();
    writer.endSequence();
  }
  writer.endSequence();
}

/** The LDAPResult fields; matchedDN and diagnosticMessage are required on the wire, empty if absent. */
function writeResult(writer: BerWriter, result: LdapResult): void {
  writer.writeEnumerated(result.resultCode);
  writer.writeString(result.matchedDN ?? '');
  writer.writeString(result.diagnosticMessage ?? '');
  if (result.referral !== undefined && result.referral.length > 0) {
    writer.startSequence(ResponseFieldTag.referral);
    for (const uri of result.referral) writer.writeString(uri);
    writer.endSequence();
  }
}
