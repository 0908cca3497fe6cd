/**
 * /EWS/Exchange.asmx: one HTTP request in, one answer out (or none, when a hang was injected).
 * In order: authenticate (NTLM's negotiate GET gets its challenge here), read the SOAP envelope and
 * its operation, serve an injected fault if one is due, settle whose mailbox the request works in
 * (ExchangeImpersonation), then run the operation.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, type Authenticator } from './auth/authenticate.js';
import { actingAs } from './auth/impersonation.js';
import { messageType } from './auth/ntlm-messages.js';
import type { FaultInjector } from './faults/fault-injector.js';
import { faultAnswer, type HttpAnswer } from './faults/fault-responses.js';
import { findFolder } from './operations/find-folder.js';
import { findItem } from './operations/find-item.js';
import { getFolder } from './operations/get-folder.js';
import { getItem } from './operations/get-item.js';
import type { OperationHandler, ServerLimits } from './operations/operation-context.js';
import { resolveNames } from './operations/resolve-names.js';
import { syncFolderItems } from './operations/sync-folder-items.js';
import type { RequestLog, RequestLogEntry } from './request-log.js';
import type { ServerVersion } from './soap/envelope.js';
import { ewsErrors, isEwsError } from './soap/ews-errors.js';
import { soapFault } from './soap/fault.js';
import { parseSoapRequest } from './soap/soap-request.js';
import type { Gal } from './store/gal.js';
import type { MailboxStore } from './store/mailbox-store.js';
import type { SyncStates } from './sync/sync-states.js';

export const EWS_PATH = '/EWS/Exchange.asmx';

const OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  GetFolder: getFolder,
  FindFolder: findFolder,
  FindItem: findItem,
  GetItem: getItem,
  SyncFolderItems: syncFolderItems,
  ResolveNames: resolveNames,
};

const XML = 'text/xml; charset=utf-8';

export interface EndpointParts {
  readonly auth: Authenticator;
  readonly store: MailboxStore;
  readonly gal: Gal;
  readonly syncStates: SyncStates;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  readonly limits: ServerLimits;
  readonly serverVersion: ServerVersion;
}

export class EwsEndpoint {
  constructor(private readonly parts: EndpointParts) {}

  async handle(request: IncomingMessage, response: ServerResponse, body: string): Promise<void> {
    const entry = this.parts.log.record({
      method: request.method ?? '',
      path: request.url ?? '',
      headers: flatHeaders(request),
      body,
      authScheme: 'none',
      principal: undefined,
      operation: undefined,
      impersonated: undefined,
      anchorMailbox: headerValue(request, 'x-anchormailbox'),
      status: undefined,
    });
    if ((request.url ?? '').split('?')[0]!.toLowerCase() !== EWS_PATH.toLowerCase()) {
      return send(response, entry, { status: 404, contentType: 'text/html', body: '' });
    }
    if (isNtlmNegotiate(request) && this.parts.faults.takeForHandshake() !== undefined) return; // hangs
    const auth = authenticate(this.parts.auth, headerValue(request, 'authorization'), request.socket);
    entry.authScheme = auth.scheme;
    if (auth.kind === 'unauthorized')
      return send(response, entry, { status: 401, contentType: undefined, body: '' }, auth.headers);
    entry.principal = auth.principal.name;
    if (request.method !== 'POST')
      return send(response, entry, { status: 200, contentType: 'text/html', body: '' });
    const soap = parseSoapRequest(body);
    if (soap === undefined) return send(response, entry, faultOf(ewsErrors.invalidRequest()));
    entry.operation = soap.operation;
    const fault = this.parts.faults.takeForRequest(soap.operation);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'delay') await sleep(fault.milliseconds);
    const injected =
      fault === undefined ? undefined : faultAnswer(fault, soap.operation, this.parts.serverVersion);
    if (injected !== undefined) return send(response, entry, injected);
    const acting = actingAs(
      auth.principal,
      soap.impersonation,
      this.parts.auth.accounts,
      (smtp) => this.parts.store.mailbox(smtp) !== undefined,
    );
    if (isEwsError(acting)) return send(response, entry, faultOf(acting));
    entry.impersonated = acting.impersonated;
    const handler = OPERATIONS[soap.operation];
    if (handler === undefined) {
      return send(
        response,
        entry,
        faultOf(ewsErrors.invalidOperation(`The EWS fake does not implement ${soap.operation}.`)),
      );
    }
    const result = handler({ ...this.parts, principal: auth.principal, acting }, soap.body);
    send(response, entry, { status: result.status, contentType: XML, body: result.body });
  }
}

function faultOf(error: Parameters<typeof soapFault>[0]): HttpAnswer {
  return { status: 500, contentType: XML, body: soapFault(error) };
}

function send(
  response: ServerResponse,
  entry: RequestLogEntry,
  answer: HttpAnswer,
  extraHeaders: Record<string, string | string[]> = {},
): void {
  entry.status = answer.status;
  const body = Buffer.from(answer.body, 'utf8');
  response.statusCode = answer.status;
  response.setHeader('server', 'Microsoft-IIS/10.0');
  response.setHeader('request-id', randomUUID());
  response.setHeader('x-feserver', 'EXCH01');
  if (answer.contentType !== undefined) response.setHeader('content-type', answer.contentType);
  for (const [name, value] of Object.entries(extraHeaders)) response.setHeader(name, value);
  response.setHeader('content-length', body.length);
  response.end(body);
}

function isNtlmNegotiate(request: IncomingMessage): boolean {
  const [scheme = '', token = ''] = (headerValue(request, 'authorization') ?? '').split(/\s+/, 2);
  return /^(ntlm|negotiate)$/i.test(scheme) && messageType(Buffer.from(token, 'base64')) === 1;
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(request.headers)) headers[name] = headerValue(request, name) ?? '';
  return headers;
}
