/**
 * StartTLS (RFC 4511 4.14, RFC 4513 3.1): whether a request may start TLS now, and what it is
 * answered. The session performs the upgrade itself, because it owns the socket and must stop
 * reading the moment the request is seen, so that nothing sent after it is read in clear.
 */
import type { ExtendedRequest, Request, Response } from '../protocol/messages.js';
import { ResultCode } from '../protocol/result-codes.js';
import type { ProxiedClient } from '../protocol/proxy-header.js';
import type { ServerTls } from '../protocol/tls-context.js';
import { START_TLS_OID } from './supported.js';

/** How a connection is protected: LDAPS from its first byte, or plain with StartTLS when `tls` is set. */
export interface SessionTransport {
  readonly secure: boolean;
  /** The server's TLS settings; undefined when no `tls` is configured (StartTLS is then unknown). */
  readonly tls: ServerTls | undefined;
  /** The client a balancer's PROXY header named; absent, the socket's peer is the client. */
  readonly client?: ProxiedClient;
  /** Index of the listener (`listen[]`) the connection arrived on. */
  readonly listener?: number;
}

export const PLAIN_TRANSPORT: SessionTransport = { secure: false, tls: undefined };

/** What the session knows when a StartTLS request arrives. */
export interface StartTlsState {
  readonly offered: boolean;
  readonly secure: boolean;
  /** Operations still running on the connection. */
  readonly outstanding: number;
  /** Whether bytes of further requests followed the StartTLS request before it was answered. */
  readonly pipelined: boolean;
}

export type StartTlsResponse = Extract<Response, { readonly type: 'extendedResponse' }>;

export interface StartTlsRefusal {
  readonly response: StartTlsResponse;
  /** The connection must close: what follows the request on the wire cannot be trusted. */
  readonly close: boolean;
}

export function isStartTls(request: Request): request is ExtendedRequest {
  return request.type === 'extended' && request.oid === START_TLS_OID;
}

/** Why StartTLS cannot go ahead now, or undefined when it can. */
export function startTlsRefusal(state: StartTlsState): StartTlsRefusal | undefined {
  // RFC 4513 3.1.1: the client must send nothing after StartTLS until it has the response. Bytes
  // that did come are either a broken client or someone injecting requests in clear (the STARTTLS
  // injection attack on SMTP): none of them may be answered, so the connection closes.
  if (state.pipelined) {
    return refuse(ResultCode.operationsError, 'requests followed StartTLS before its response', true);
  }
  // RFC 4511 4.12: a server answers an extended operation it does not implement with protocolError.
  // Without `tls` StartTLS is just that: the root DSE does not list it. `unavailable` (52), which
  // 4.14.2 suggests for a TLS subsystem "not presently available", would tell the client to try
  // again later, but no later attempt can succeed until an administrator configures a certificate.
  if (!state.offered) {
    return {
      response: {
        type: 'extendedResponse',
        resultCode: ResultCode.protocolError,
        matchedDN: '',
        diagnosticMessage: 'StartTLS is not offered: this server has no tls configured',
      },
      close: false,
    };
  }
  // RFC 4513 3.1.1 sequencing rules; RFC 4511 4.14.1 makes their violations operationsError.
  if (state.secure) return refuse(ResultCode.operationsError, 'TLS is already active on this connection');
  if (state.outstanding > 0) {
    return refuse(
      ResultCode.operationsError,
      `StartTLS while ${state.outstanding} operation${state.outstanding === 1 ? ' is' : 's are'} outstanding`,
    );
  }
  return undefined;
}

/** The StartTLS response: responseName set as RFC 4511 4.14.2 allows, no responseValue. */
export function startTlsResponse(resultCode: number, diagnosticMessage = ''): StartTlsResponse {
  return {
    type: 'extendedResponse',
    resultCode,
    matchedDN: '',
    diagnosticMessage,
    responseName: START_TLS_OID,
  };
}

function refuse(resultCode: number, diagnosticMessage: string, close = false): StartTlsRefusal {
  return { response: startTlsResponse(resultCode, diagnosticMessage), close };
}
