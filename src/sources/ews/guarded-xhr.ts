/**
 * The XHR layer under ews-javascript-api, wrapped so every failure rejects, and says what happened.
 *
 * The library parses the body of any HTTP 500 as a SOAP fault inside its own rejection handler: a
 * text or empty body throws there, the call never settles and the TypeError escapes as an
 * unhandled rejection that ends the process; an HTML error page rejects with a bare object
 * (CLOUD-APIS §3.5, §5). Here a 500 whose body is not SOAP becomes a SOAP fault
 * (ErrorInternalServerError) whose message quotes what the server sent, so the library rejects
 * normally. A request that got no HTTP answer (timeout, refused connection, an untrusted
 * certificate) rejects with a sentence naming the cause. The timeout itself is @ewsjs/xhr's
 * (`new XhrApi({ timeout })`): the library ignores `ExchangeService.Timeout`.
 */
import type { XhrApi } from '@ewsjs/xhr';
import type { IXHRApi, IXHROptions, IXHRProgress } from 'ews-javascript-api';
import { xmlText } from './xml-text.js';

type XhrAnswer = ReturnType<IXHRApi['xhr']>;

/** Node's codes for a certificate it does not trust. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

export class GuardedXhr implements IXHRApi {
  constructor(
    private readonly inner: XhrApi,
    private readonly timeoutMs: number,
    /** The OAuth token to send now, when it is renewed in a file (bearer-token-file.ts). */
    private readonly bearer?: () => string,
  ) {}

  get apiName(): string {
    return this.inner.apiName;
  }

  async xhr(options: IXHROptions, progress?: (data: IXHRProgress) => void): XhrAnswer {
    try {
      const sent = this.bearer === undefined ? options : withBearer(options, this.bearer());
      return await this.inner.xhr(sent, progress);
    } catch (failure: unknown) {
      throw this.#explained(failure);
    }
  }

  /** Streaming notifications are not used by this source: passed through unguarded. */
  xhrStream(options: IXHROptions, progress: (data: IXHRProgress) => void): XhrAnswer {
    return this.inner.xhrStream(options, progress);
  }

  disconnect(): void {
    this.inner.disconnect();
  }

  #explained(failure: unknown): unknown {
    const answer = (typeof failure === 'object' && failure !== null ? failure : {}) as Record<
      string,
      unknown
    >;
    if (typeof answer.status === 'number' && answer.status > 0) {
      const body = typeof answer.responseText === 'string' ? answer.responseText : '';
      if (answer.status !== 500 || isSoap(body)) return failure;
      const header = answer.getResponseHeader as ((name: string) => string | null) | undefined;
      const type = header?.call(answer, 'content-type') ?? '';
      return { ...answer, responseText: soapFault(`HTTP 500 from EWS with ${describeBody(body, type)}`) };
    }
    // No HTTP answer: the library reads `message` (and HttpStatusCode from `status`) of what it gets.
    return {
      status: 0,
      message: transportSentence(answer, this.timeoutMs),
      headers: {},
      responseText: '',
      getResponseHeader: () => null,
      getAllResponseHeaders: () => '',
    };
  }
}

function isSoap(body: string): boolean {
  return /<([A-Za-z0-9_-]+:)?Envelope[\s>]/.test(body.slice(0, 2000));
}

/** What came instead of a SOAP fault, quoted briefly: an HTML page by its title. */
function describeBody(body: string, contentType: string): string {
  const text = body.trim();
  if (text === '') return 'an empty body';
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  if (title !== undefined && title !== '') return `an HTML page "${title}"`;
  const kind = contentType.split(';')[0]?.trim() || 'an unknown type';
  const quoted = text.replace(/\s+/g, ' ').slice(0, 200);
  return `a ${kind} body instead of a SOAP fault: ${quoted}`;
}

function transportSentence(error: Record<string, unknown>, timeoutMs: number): string {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : 'the request failed without an answer';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /^timeout of \d+ms exceeded$/.test(message))
    return `EWS did not answer within ${timeoutMs / 1000} s (timeout)`;
  if ((code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) || /certificate/i.test(message))
    return `the Exchange server's TLS certificate is not trusted (${message}): give the CA that issued it in tls.ca`;
  if (code === 'ECONNREFUSED') return `nothing accepts connections at the EWS address (${message})`;
  if (code === 'ENOTFOUND') return `the EWS host name does not resolve (${message})`;
  return message;
}

/** A SOAP fault the library reads as SoapFaultDetails (ErrorInternalServerError) with `message`. */
function soapFault(message: string): string {
  const text = xmlText(message);
  return (
    '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>' +
    '<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorInternalServerError</faultcode>' +
    `<faultstring xml:lang="en-US">${text}</faultstring><detail>` +
    `<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorInternalServerError</e:ResponseCode>` +
    `<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${text}</e:Message>` +
    '</detail></s:Fault></s:Body></s:Envelope>'
  );
}

/** The request with `token` in place of the one the library wrote when the service was set up. */
function withBearer(options: IXHROptions, token: string): IXHROptions {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((options.headers ?? {}) as Record<string, unknown>)) {
    if (name.toLowerCase() !== 'authorization') headers[name] = value;
  }
  headers.Authorization = `Bearer ${token}`;
  return { ...options, headers };
}
