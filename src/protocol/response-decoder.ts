/**
 * LDAPMessage bytes -> ResponseMessage, the inverse of encodeResponse (tests and test tools; the
 * server never reads responses). matchedDN and diagnosticMessage are always present in the result,
 * empty strings when the server sent them empty. Malformed input throws BerError.
 */
import type { Attribute, LdapResult, Response, ResponseMessage, WireResponseType } from './messages.js';
import { BerError } from './ber-error.js';
import { BerReader, BerTag, hex } from './ber-reader.js';
import { CONTROLS_TAG, decodeControls } from './controls.js';
import { ResponseFieldTag, ResponseTag } from './response-encoder.js';

const RESPONSE_TYPES = new Map<number, WireResponseType>(
  Object.entries(ResponseTag).map(([type, tag]) => [tag, type as WireResponseType]),
);

export function decodeResponse(frame: Uint8Array): ResponseMessage {
  const outer = new BerReader(frame);
  const envelope = outer.readSequence('LDAPMessage');
  outer.expectEnd('LDAPMessage');
  const messageId = envelope.readNonNegativeInteger('messageID');
  const tag = envelope.peekTag();
  const type = tag === undefined ? undefined : RESPONSE_TYPES.get(tag);
  if (tag === undefined || type === undefined) {
    throw new BerError(
      `protocolOp: ${tag === undefined ? 'missing' : hex(tag)} is not an LDAP response`,
      envelope.offset,
    );
  }
  const response = decodeBody(type, envelope.readSequence(type, tag));
  const controls =
    envelope.peekTag() === CONTROLS_TAG
      ? decodeControls(envelope.readSequence('controls', CONTROLS_TAG))
      : [];
  return controls.length > 0 ? { messageId, response, controls } : { messageId, response };
}

function decodeBody(type: WireResponseType, reader: BerReader): Response {
  switch (type) {
    case 'searchResultEntry':
      return { type, objectName: reader.readString('objectName'), attributes: decodeAttributes(reader) };
    case 'searchResultReference':
      return { type, uris: readStrings(reader, 'reference URI') };
    case 'bindResponse': {
      const result = decodeResult(reader);
      if (reader.peekTag() !== ResponseFieldTag.serverSaslCreds) return { type, ...result };
      return {
        type,
        ...result,
        serverSaslCreds: reader.readOctetString('serverSaslCreds', ResponseFieldTag.serverSaslCreds),
      };
    }
    case 'extendedResponse':
      return decodeExtendedResponse(reader);
    case 'searchResultDone':
    case 'compareResponse':
    case 'addResponse':
    case 'delResponse':
    case 'modifyResponse':
    case 'modDNResponse':
      return { type, ...decodeResult(reader) };
  }
}

function decodeExtendedResponse(reader: BerReader): Response {
  const result = decodeResult(reader);
  const responseName =
    reader.peekTag() === ResponseFieldTag.responseName
      ? reader.readString('responseName', ResponseFieldTag.responseName)
      : undefined;
  const responseValue =
    reader.peekTag() === ResponseFieldTag.responseValue
      ? reader.readOctetString('responseValue', ResponseFieldTag.responseValue)
      : undefined;
  return {
    type: 'extendedResponse',
    ...result,
    ...(responseName === undefined ? {} : { responseName }),
    ...(responseValue === undefined ? {} : { responseValue }),
  };
}

function decodeResult(reader: BerReader): LdapResult {
  const resultCode = reader.readEnumerated('resultCode');
  const matchedDN = reader.readString('matchedDN');
  const diagnosticMessage = reader.readString('diagnosticMessage');
  if (reader.peekTag() !== ResponseFieldTag.referral) return { resultCode, matchedDN, diagnosticMessage };
  const referral = readStrings(reader.readSequence('referral', ResponseFieldTag.referral), 'referral URI');
  return { resultCode, matchedDN, diagnosticMessage, referral };
}

function decodeAttributes(reader: BerReader): Attribute[] {
  const list = reader.readSequence('attributes');
  const attributes: Attribute[] = [];
  while (list.hasMore()) {
    const attribute = list.readSequence('attribute');
    const type = attribute.readString('attribute type');
    const values = readStrings(attribute.readSequence('attribute vals', BerTag.set), 'attribute value');
    attributes.push({ type, values });
  }
  return attributes;
}

function readStrings(reader: BerReader, what: string): string[] {
  const values: string[] = [];
  while (reader.hasMore()) values.push(reader.readString(what));
  return values;
}
