/**
 * LDAP messages as bytes, for tests that talk to the server over a raw socket: requests built with
 * dirbridge's own encoder (or by hand, where a filter is too absurd for any encoder), responses read
 * back with its decoder.
 */
import { parseFilter } from '../../../src/filter/parse.js';
import { FrameReader } from '../../../src/protocol/frame-reader.js';
import type { Control, ResponseMessage } from '../../../src/protocol/messages.js';
import { encodeRequest } from '../../../src/protocol/request-encoder.js';
import { decodeResponse } from '../../../src/protocol/response-decoder.js';
import { SUFFIX } from './dirbridge-process.js';

export const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036';

export interface SearchPduOptions {
  readonly base?: string;
  readonly sizeLimit?: number;
  readonly attributes?: readonly string[];
  readonly controls?: readonly Control[];
}

export function searchPdu(messageId: number, filter: string, options: SearchPduOptions = {}): Buffer {
  return Buffer.from(
    encodeRequest({
      messageId,
      controls: options.controls ?? [],
      request: {
        type: 'search',
        baseObject: options.base ?? SUFFIX,
        scope: 'sub',
        derefAliases: 'never',
        sizeLimit: options.sizeLimit ?? 0,
        timeLimit: 0,
        typesOnly: false,
        filter: parseFilter(filter),
        attributes: options.attributes ?? [],
      },
    }),
  );
}

export function anonymousBindPdu(messageId: number): Buffer {
  return simpleBindPdu(messageId, '', '');
}

export function simpleBindPdu(messageId: number, name: string, password: string): Buffer {
  return Buffer.from(
    encodeRequest({
      messageId,
      controls: [],
      request: {
        type: 'bind',
        version: 3,
        name,
        auth: { method: 'simple', password: new TextEncoder().encode(password) },
      },
    }),
  );
}

/**
 * A search whose filter is `depth` NOTs around `(cn=x)`, built without recursion (an encoder that
 * recursed would overflow the stack long before the server sees anything).
 */
export function deepFilterSearchPdu(messageId: number, depth: number): Buffer {
  const equality = tlv(0xa3, octets('cn'), octets('x'));
  const headers: Buffer[] = [];
  let length = equality.length;
  for (let i = 0; i < depth; i++) {
    const header = Buffer.concat([Buffer.from([0xa2]), berLength(length)]);
    headers.push(header);
    length += header.length;
  }
  const filter = Buffer.concat([...headers.reverse(), equality]);
  const search = tlv(
    0x63,
    octets(SUFFIX),
    Buffer.from([0x0a, 0x01, 0x02]), // scope: subtree
    Buffer.from([0x0a, 0x01, 0x00]), // derefAliases: never
    Buffer.from([0x02, 0x01, 0x00]), // sizeLimit
    Buffer.from([0x02, 0x01, 0x00]), // timeLimit
    Buffer.from([0x01, 0x01, 0x00]), // typesOnly
    filter,
    tlv(0x30),
  );
  return tlv(0x30, Buffer.from([0x02, 0x01, messageId]), search);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), berLength(body.length), body]);
}

function octets(text: string): Buffer {
  return tlv(0x04, Buffer.from(text, 'utf8'));
}

function berLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/**
 * The responses arriving on a socket, decoded as they come (re-decoding everything received on each
 * look would cost seconds once a large export has arrived).
 */
export class ResponseLog {
  readonly messages: ResponseMessage[] = [];
  readonly #frames = new FrameReader(2 ** 31);
  #closed = false;

  /** `earlier`: what the socket had already delivered before the log was attached. */
  constructor(socket: NodeJS.EventEmitter, earlier: Uint8Array = new Uint8Array()) {
    this.#add(earlier);
    socket.on('data', (chunk: Buffer) => this.#add(chunk));
    socket.on('close', () => (this.#closed = true));
  }

  get closed(): boolean {
    return this.#closed;
  }

  #add(bytes: Uint8Array): void {
    this.#frames.push(bytes);
    for (let frame = this.#frames.next(); frame; frame = this.#frames.next()) {
      this.messages.push(decodeResponse(frame));
    }
  }
}

/** Every complete response in `bytes`, decoded; a trailing partial message is left out. */
export function responses(bytes: Uint8Array): ResponseMessage[] {
  const frames = new FrameReader(2 ** 31);
  frames.push(bytes);
  const out: ResponseMessage[] = [];
  for (let frame = frames.next(); frame; frame = frames.next()) out.push(decodeResponse(frame));
  return out;
}

/** The result code of the searchResultDone (or other final response) for `messageId`, if it came. */
export function resultCodeOf(messages: readonly ResponseMessage[], messageId: number): number | undefined {
  const done = messages.find((m) => m.messageId === messageId && 'resultCode' in m.response);
  return done && 'resultCode' in done.response ? done.response.resultCode : undefined;
}

export interface Notice {
  readonly resultCode: number;
  readonly message: string;
}

/** The Notice of Disconnection (RFC 4511 4.4.1), if the server sent one. */
export function noticeOfDisconnection(messages: readonly ResponseMessage[]): Notice | undefined {
  for (const { messageId, response } of messages) {
    if (messageId !== 0 || response.type !== 'extendedResponse') continue;
    if (response.responseName !== NOTICE_OF_DISCONNECTION_OID) continue;
    return { resultCode: response.resultCode, message: response.diagnosticMessage ?? '' };
  }
  return undefined;
}
