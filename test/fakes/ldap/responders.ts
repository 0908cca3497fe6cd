/**
 * Scripts for the fake LDAP server (fake-ldap-server.ts), for the common cases: a server that only
 * checks passwords, and a small directory. Tests with anything stranger to say write their own.
 */
import type { Attribute, RequestMessage } from '../../../src/protocol/messages.js';
import { PAGED_RESULTS_OID, encodePagedResultsValue } from '../../../src/protocol/paged-results-control.js';
import { START_TLS_OID, type Answer, type Reply, type Responder } from './fake-ldap-server.js';

const SUCCESS = 0;
const INVALID_CREDENTIALS = 49;

/** Binds with `password` succeed and others are refused (49, with `diagnostic`); StartTLS is honoured; nothing else is answered. */
export function bindAnswers(password: string, diagnostic = ''): Responder {
  return ({ request }) => {
    if (request.type === 'extended' && request.oid === START_TLS_OID) return 'startTls';
    if (request.type !== 'bind') return undefined;
    return {
      type: 'bindResponse',
      resultCode: passwordOf(request) === password ? SUCCESS : INVALID_CREDENTIALS,
      diagnosticMessage: passwordOf(request) === password ? '' : diagnostic,
    };
  };
}

export interface FakeEntry {
  readonly dn: string;
  readonly attributes: readonly Attribute[];
}

export interface DirectoryScript {
  /** DN -> password of the accounts that may bind; absent, every bind succeeds; `{}`, none does. */
  readonly accounts?: Readonly<Record<string, string>>;
  /** The diagnostic message of a refused bind (a backend's own words). */
  readonly bindDiagnostic?: string;
  /** What every search finds, whatever its base and filter: the code under test does the filtering. */
  readonly entries?: readonly FakeEntry[];
}

/**
 * A directory of a few entries: binds checked against `accounts`; every search answered with the
 * entries and success, in one page (the paged results control says it was the last one when the
 * search asked for pages); StartTLS honoured; an unbind ends the connection.
 */
export function directoryAnswers(script: DirectoryScript = {}): Responder {
  return (message) => {
    const { request } = message;
    switch (request.type) {
      case 'bind': {
        const ok = script.accounts === undefined || script.accounts[request.name] === passwordOf(request);
        return {
          type: 'bindResponse',
          resultCode: ok ? SUCCESS : INVALID_CREDENTIALS,
          diagnosticMessage: ok ? '' : (script.bindDiagnostic ?? ''),
        };
      }
      case 'search':
        return searchAnswer(message, script.entries ?? []);
      case 'extended':
        return request.oid === START_TLS_OID ? 'startTls' : undefined;
      case 'unbind':
        return 'close';
      default:
        return undefined;
    }
  };
}

function searchAnswer(message: RequestMessage, entries: readonly FakeEntry[]): Reply {
  const paged = message.controls.some((control) => control.oid === PAGED_RESULTS_OID);
  const lastPage = encodePagedResultsValue({ size: 0, cookie: new Uint8Array() });
  const done: Answer = {
    response: { type: 'searchResultDone', resultCode: SUCCESS, matchedDN: '', diagnosticMessage: '' },
    controls: paged ? [{ oid: PAGED_RESULTS_OID, critical: false, value: lastPage }] : [],
  };
  return [
    ...entries.map((entry): Answer => ({
      response: { type: 'searchResultEntry', objectName: entry.dn, attributes: entry.attributes },
    })),
    done,
  ];
}

/** A simple bind's password as text ('' for SASL). */
function passwordOf(request: Extract<RequestMessage['request'], { type: 'bind' }>): string {
  return request.auth.method === 'simple' ? Buffer.from(request.auth.password).toString('utf8') : '';
}
