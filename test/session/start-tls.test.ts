/** When StartTLS may go ahead, and what each refusal answers (RFC 4511 4.14, RFC 4513 3.1.1). */
import { describe, expect, it } from 'vitest';
import type { ExtendedRequest } from '../../src/protocol/messages.js';
import { ResultCode } from '../../src/protocol/result-codes.js';
import {
  isStartTls,
  startTlsRefusal,
  startTlsResponse,
  type StartTlsState,
} from '../../src/session/start-tls.js';
import { START_TLS_OID, WHO_AM_I_OID, supportedExtensions } from '../../src/session/supported.js';

const READY: StartTlsState = { offered: true, secure: false, outstanding: 0, pipelined: false };

describe('startTlsRefusal', () => {
  it('lets a plain, quiet connection with tls configured go ahead', () => {
    expect(startTlsRefusal(READY)).toBeUndefined();
  });

  it('answers protocolError (2), as for any unknown extended operation, when no tls is configured', () => {
    const refusal = startTlsRefusal({ ...READY, offered: false });
    expect(refusal?.response).toMatchObject({ resultCode: ResultCode.protocolError });
    expect(refusal?.response.diagnosticMessage).toMatch(/no tls configured/);
    expect(refusal?.close).toBe(false);
  });

  it('answers operationsError (1) when TLS is already active', () => {
    const refusal = startTlsRefusal({ ...READY, secure: true });
    expect(refusal?.response).toMatchObject({
      resultCode: ResultCode.operationsError,
      responseName: START_TLS_OID,
    });
    expect(refusal?.close).toBe(false);
  });

  it('answers operationsError (1) while other operations are outstanding', () => {
    const refusal = startTlsRefusal({ ...READY, outstanding: 2 });
    expect(refusal?.response).toMatchObject({
      resultCode: ResultCode.operationsError,
      diagnosticMessage: 'StartTLS while 2 operations are outstanding',
    });
    expect(refusal?.close).toBe(false);
  });

  it('closes the connection when requests followed StartTLS, whatever else holds', () => {
    for (const state of [READY, { ...READY, offered: false }, { ...READY, secure: true }]) {
      const refusal = startTlsRefusal({ ...state, pipelined: true });
      expect(refusal).toMatchObject({ response: { resultCode: ResultCode.operationsError }, close: true });
    }
  });
});

describe('StartTLS request and response', () => {
  it('recognises the StartTLS request by its OID', () => {
    const request = (oid: string): ExtendedRequest => ({ type: 'extended', oid });
    expect(isStartTls(request(START_TLS_OID))).toBe(true);
    expect(isStartTls(request(WHO_AM_I_OID))).toBe(false);
    expect(isStartTls({ type: 'unbind' })).toBe(false);
  });

  it('names the operation in its response and carries no value', () => {
    expect(startTlsResponse(ResultCode.success)).toEqual({
      type: 'extendedResponse',
      resultCode: 0,
      matchedDN: '',
      diagnosticMessage: '',
      responseName: START_TLS_OID,
    });
  });

  it('is listed in the root DSE only when tls is configured', () => {
    expect(supportedExtensions(true)).toContain(START_TLS_OID);
    expect(supportedExtensions(false)).not.toContain(START_TLS_OID);
    expect(supportedExtensions(false)).toContain(WHO_AM_I_OID);
  });
});
