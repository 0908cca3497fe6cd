/**
 * RequestMessage -> LDAPMessage bytes, the inverse of decodeRequest (tests and test tools).
 * Write requests carry only their DN, so add and modify go out with an empty attribute or change
 * list and modifyDN with an empty newrdn and deleteoldrdn FALSE: enough to be decoded again, not to
 * reproduce the original bytes.
 */
import type { BindRequest, Request, RequestMessage, SearchRequest } from './messages.js';
import { BerWriter } from './ber-writer.js';
import { writeControls } from './controls.js';
import { writeFilter } from './filter-encoder.js';
import { BindTag, DEREF_ALIASES, ExtendedRequestTag, RequestTag, SCOPES } from './request-decoder.js';

export function encodeRequest(message: RequestMessage): Uint8Array {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInteger(message.messageId);
  writeRequest(writer, message.request);
  writeControls(writer, message.controls);
  writer.endSequence();
  return writer.toBytes();
}

function writeRequest(writer: BerWriter, request: Request): void {
  const tag = RequestTag[request.type];
  switch (request.type) {
    case 'bind':
      writeBind(writer, request);
      return;
    case 'unbind':
      writer.writeNull(tag);
      return;
    case 'search':
      writeSearch(writer, request);
      return;
    case 'compare':
      writer.startSequence(tag);
      writer.writeString(request.entry);
      writer.startSequence();
      writer.writeString(request.attribute);
      writer.writeString(request.value);
      writer.endSequence();
      writer.endSequence();
      return;
    case 'abandon':
      writer.writeInteger(request.abandonId, tag);
      return;
    case 'extended':
      writer.startSequence(tag);
      writer.writeString(request.oid, ExtendedRequestTag.name);
      if (request.value !== undefined) writer.writeOctetString(request.value, ExtendedRequestTag.value);
      writer.endSequence();
      return;
    case 'delete':
      writer.writeString(request.entry, tag);
      return;
    case 'add':
    case 'modify':
      writer.startSequence(tag);
      writer.writeString(request.entry);
      writer.startSequence();
      writer.endSequence();
      writer.endSequence();
      return;
    case 'modifyDN':
      writer.startSequence(tag);
      writer.writeString(request.entry);
      writer.writeString('');
      writer.writeBoolean(false);
      writer.endSequence();
      return;
  }
}

function writeBind(writer: BerWriter, request: BindRequest): void {
  writer.startSequence(RequestTag.bind);
  writer.writeInteger(request.version);
  writer.writeString(request.name);
  if (request.auth.method === 'simple') {
    writer.writeOctetString(request.auth.password, BindTag.simple);
  } else {
    writer.startSequence(BindTag.sasl);
    writer.writeString(request.auth.mechanism);
    if (request.auth.credentials !== undefined) writer.writeOctetString(request.auth.credentials);
    writer.endSequence();
  }
  writer.endSequence();
}

function writeSearch(writer: BerWriter, request: SearchRequest): void {
  writer.startSequence(RequestTag.search);
  writer.writeString(request.baseObject);
  writer.writeEnumerated(SCOPES.indexOf(request.scope));
  writer.writeEnumerated(DEREF_ALIASES.indexOf(request.derefAliases));
  writer.writeInteger(request.sizeLimit);
  writer.writeInteger(request.timeLimit);
  writer.writeBoolean(request.typesOnly);
  writeFilter(writer, request.filter);
  writer.startSequence();
  for (const attribute of request.attributes) writer.writeString(attribute);
  writer.endSequence();
  writer.endSequence();
}
