/**
 * LDAPv3 messages (RFC 4511 section 4) as plain data: what the codec decodes from and encodes to BER.
 * Octet strings that carry text (DNs, attribute names and values) are decoded as UTF-8; those that may
 * carry anything (passwords, control values, extended request values, cookies) stay bytes.
 */
import type { Filter } from '../filter/ast.js';

export interface Control {
  readonly oid: string;
  readonly critical: boolean;
  readonly value?: Uint8Array;
}

export type SearchScope = 'base' | 'one' | 'sub';
export type DerefAliases = 'never' | 'searching' | 'finding' | 'always';

export interface BindRequest {
  readonly type: 'bind';
  readonly version: number;
  readonly name: string;
  /** Simple authentication: the password. SASL: the mechanism and credentials. */
  readonly auth:
    | { readonly method: 'simple'; readonly password: Uint8Array }
    | { readonly method: 'sasl'; readonly mechanism: string; readonly credentials?: Uint8Array };
}

export interface UnbindRequest {
  readonly type: 'unbind';
}

export interface SearchRequest {
  readonly type: 'search';
  readonly baseObject: string;
  readonly scope: SearchScope;
  readonly derefAliases: DerefAliases;
  readonly sizeLimit: number;
  readonly timeLimit: number;
  readonly typesOnly: boolean;
  readonly filter: Filter;
  readonly attributes: readonly string[];
}

export interface CompareRequest {
  readonly type: 'compare';
  readonly entry: string;
  readonly attribute: string;
  readonly value: string;
}

export interface AbandonRequest {
  readonly type: 'abandon';
  readonly abandonId: number;
}

export interface ExtendedRequest {
  readonly type: 'extended';
  readonly oid: string;
  readonly value?: Uint8Array;
}

/** Add, delete, modify and modifyDN: decoded only far enough to answer them. */
export interface WriteRequest {
  readonly type: 'add' | 'delete' | 'modify' | 'modifyDN';
  readonly entry: string;
}

export type Request =
  | BindRequest
  | UnbindRequest
  | SearchRequest
  | CompareRequest
  | AbandonRequest
  | ExtendedRequest
  | WriteRequest;

export interface RequestMessage<R extends Request = Request> {
  readonly messageId: number;
  readonly request: R;
  readonly controls: readonly Control[];
}

/** LDAPResult (RFC 4511 4.1.9), shared by every response that carries one. */
export interface LdapResult {
  readonly resultCode: number;
  readonly matchedDN?: string;
  readonly diagnosticMessage?: string;
  readonly referral?: readonly string[];
}

export interface Attribute {
  readonly type: string;
  readonly values: readonly string[];
}

/** Takes an entry's attributes as they are encoded, one by one, each value as UTF-8 bytes. */
export interface AttributeWriter {
  startAttribute(type: string): void;
  /** One value: `bytes` from `start` to `end` (exclusive), UTF-8. */
  value(bytes: Uint8Array, start: number, end: number): void;
  endAttribute(): void;
}

/** Attributes that write themselves into the entry being encoded (held as bytes: no strings made). */
export interface AttributeSource {
  writeTo(writer: AttributeWriter): void;
}

/** The response types with a protocolOp tag of their own (all but the entries encoded otherwise). */
export type WireResponseType = Exclude<
  Response['type'],
  'encodedSearchResultEntry' | 'writtenSearchResultEntry'
>;

export type Response =
  | ({ readonly type: 'bindResponse'; readonly serverSaslCreds?: Uint8Array } & LdapResult)
  | {
      readonly type: 'searchResultEntry';
      readonly objectName: string;
      readonly attributes: readonly Attribute[];
    }
  /**
   * A SearchResultEntry whose protocolOp (`[APPLICATION 4] { objectName, attributes }`) was encoded
   * before: the same entry sent again under the same attribute selection (encodeSearchResultEntryOp).
   */
  | { readonly type: 'encodedSearchResultEntry'; readonly protocolOp: Uint8Array }
  /** A SearchResultEntry whose attributes write themselves as they are encoded. */
  | {
      readonly type: 'writtenSearchResultEntry';
      readonly objectName: string;
      readonly attributes: AttributeSource;
    }
  | { readonly type: 'searchResultReference'; readonly uris: readonly string[] }
  | ({ readonly type: 'searchResultDone' } & LdapResult)
  | ({ readonly type: 'compareResponse' } & LdapResult)
  | ({
      readonly type: 'extendedResponse';
      readonly responseName?: string;
      readonly responseValue?: Uint8Array;
    } & LdapResult)
  | ({ readonly type: 'addResponse' | 'delResponse' | 'modifyResponse' | 'modDNResponse' } & LdapResult);

export interface ResponseMessage<R extends Response = Response> {
  readonly messageId: number;
  readonly response: R;
  readonly controls?: readonly Control[];
}
