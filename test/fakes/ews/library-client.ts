/**
 * The real ews-javascript-api pointed at the fake, the way the ews source will set it up
 * (CLOUD-APIS §3.1): an ExchangeService for Exchange2013 with an @ewsjs/xhr XhrApi that has a
 * timeout, over HTTPS trusting the test CA, with Basic, NTLM or OAuth credentials, optionally
 * impersonating a mailbox with X-AnchorMailbox set. Also a reader for the library's rejections.
 */
import { Agent } from 'node:https';
import { XhrApi } from '@ewsjs/xhr';
import {
  ConnectingIdType,
  ExchangeService,
  ExchangeVersion,
  ImpersonatedUserId,
  OAuthCredentials,
  Uri,
  WebCredentials,
} from 'ews-javascript-api';
import type { EwsFake } from './ews-fake.js';

export type Credentials =
  | { readonly kind: 'basic'; readonly user: string; readonly password: string }
  | { readonly kind: 'ntlm'; readonly user: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

export interface ClientOptions {
  readonly timeoutMs?: number;
  /** Impersonate this mailbox (ExchangeImpersonation by SMTP address) and anchor on it. */
  readonly impersonate?: string;
  /** Use the fake's plain-HTTP endpoint instead of HTTPS. */
  readonly plainHttp?: boolean;
}

export function exchangeService(
  fake: EwsFake,
  credentials: Credentials,
  options: ClientOptions = {},
): ExchangeService {
  const service = new ExchangeService(ExchangeVersion.Exchange2013);
  const url = options.plainHttp === true ? fake.httpUrl : fake.url;
  if (url === undefined) throw new Error('start the fake with plainHttp: true');
  service.Url = new Uri(url);
  const timeout = options.timeoutMs ?? 5000;
  if (credentials.kind === 'bearer') {
    service.Credentials = new OAuthCredentials(credentials.token, true);
    service.XHRApi = new XhrApi({ timeout, httpsAgent: new Agent({ ca: fake.caCertificate }) });
  } else if (credentials.kind === 'basic') {
    service.Credentials = new WebCredentials(credentials.user, credentials.password);
    service.XHRApi = new XhrApi({ timeout, httpsAgent: new Agent({ ca: fake.caCertificate }) });
  } else {
    // The library still wants Credentials set. Its NTLM provider replaces the https agent with one
    // of its own, so a CA given here is ignored (CLOUD-APIS §5): over HTTPS the test turns
    // certificate checks off for NTLM; the source will need its own agent.
    service.Credentials = new WebCredentials(credentials.user, credentials.password);
    service.XHRApi = new XhrApi({ timeout, rejectUnauthorized: false }).useNtlmAuthentication(
      credentials.user,
      credentials.password,
    );
  }
  if (options.impersonate !== undefined) {
    service.ImpersonatedUserId = new ImpersonatedUserId(ConnectingIdType.SmtpAddress, options.impersonate);
    service.HttpHeaders.Add('X-AnchorMailbox', options.impersonate);
  }
  return service;
}

/** What the tests read from a rejection: SoapFaultDetails, ServiceResponseException or XHR object. */
export interface Rejection {
  readonly message: string | undefined;
  readonly httpStatusCode: number | undefined;
  /** SoapFaultDetails.ResponseCode or ServiceResponseException.ErrorCode (a ServiceError number). */
  readonly serviceError: number | undefined;
  readonly details: ReadonlyMap<string, string>;
  readonly constructorName: string | undefined;
}

export async function rejectionOf(promise: Promise<unknown>): Promise<Rejection> {
  try {
    await promise;
  } catch (error: unknown) {
    return readRejection(error);
  }
  throw new Error('expected the call to be rejected');
}

function readRejection(error: unknown): Rejection {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  const response = record.Response as Record<string, unknown> | undefined;
  return {
    message: typeof record.message === 'string' ? record.message : undefined,
    httpStatusCode: number(record.HttpStatusCode) ?? number(record.status),
    serviceError: number(record.ResponseCode) ?? number(record.ErrorCode),
    details: detailsOf(record.ErrorDetails ?? response?.ErrorDetails),
    constructorName: (error as { constructor?: { name?: string } } | null)?.constructor?.name,
  };
}

/** The library's Dictionary<string, string> (keys and values through its `get` and `Keys`). */
function detailsOf(dictionary: unknown): ReadonlyMap<string, string> {
  const details = new Map<string, string>();
  const candidate = dictionary as { Keys?: unknown; get?: unknown } | undefined;
  if (candidate === undefined || !Array.isArray(candidate.Keys) || typeof candidate.get !== 'function')
    return details;
  const get = candidate.get as (key: string) => unknown;
  for (const key of candidate.Keys as unknown[]) {
    if (typeof key === 'string') details.set(key, String(get.call(dictionary, key)));
  }
  return details;
}
