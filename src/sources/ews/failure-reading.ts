/**
 * What a rejection of ews-javascript-api says, read the same way whatever its shape: a
 * SoapFaultDetails (an HTTP error or a SOAP fault: `HttpStatusCode`, `ResponseCode`,
 * `ErrorDetails`), a ServiceResponseException (an error inside a 200: `ErrorCode`,
 * `Response.ErrorDetails`), or anything else thrown.
 */
import { ServiceError } from 'ews-javascript-api';
import type { EwsFailure } from './ews-failure.js';

export function readFailure(error: unknown): EwsFailure {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const number = typeof record.ResponseCode === 'number' ? record.ResponseCode : record.ErrorCode;
  const code = typeof number === 'number' ? ServiceError[number] : undefined;
  const httpStatus = typeof record.HttpStatusCode === 'number' ? record.HttpStatusCode : undefined;
  const message =
    typeof record.message === 'string'
      ? record.message
      : error instanceof Error
        ? error.message
        : String(error);
  const response = record.Response as Record<string, unknown> | undefined;
  const backOff = detail(record.ErrorDetails ?? response?.ErrorDetails, 'BackOffMilliseconds');
  const backOffMs = backOff === undefined ? undefined : Number(backOff);
  return {
    ...(code === undefined || code === 'NoError' ? {} : { code }),
    ...(httpStatus === undefined ? {} : { httpStatus }),
    message,
    ...(backOffMs === undefined || !Number.isFinite(backOffMs) ? {} : { backOffMs }),
  };
}

/** A value of the library's Dictionary<string, string> (`get` throws for a missing key). */
function detail(dictionary: unknown, key: string): string | undefined {
  const candidate = dictionary as { containsKey?: unknown; get?: unknown } | undefined;
  if (typeof candidate?.containsKey !== 'function' || typeof candidate.get !== 'function') return undefined;
  const containsKey = candidate.containsKey as (key: string) => boolean;
  const get = candidate.get as (key: string) => unknown;
  if (!containsKey.call(dictionary, key)) return undefined;
  const value = get.call(dictionary, key);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
