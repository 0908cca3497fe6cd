/**
 * The People API's error answers, in the AIP-193 JSON shape Google's front end sends:
 * `{ error: { code, message, status, details? } }`. Wording that was checked against captured
 * real responses is marked "(seen)"; the rest is the closest honest guess and says so, because a
 * source must branch on `status` and ErrorInfo `reason`, never on the text.
 */
import { jsonResponse, type FakeResponse } from './http-exchange.js';

export const PEOPLE_SERVICE = 'people.googleapis.com';

export interface ErrorDetail {
  readonly '@type': string;
  readonly [key: string]: unknown;
}

export function errorInfo(
  reason: string,
  domain: string,
  metadata?: Readonly<Record<string, string>>,
): ErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain,
    ...(metadata === undefined ? {} : { metadata }),
  };
}

export function apiError(
  code: number,
  status: string,
  message: string,
  details: readonly ErrorDetail[] = [],
  headers: Readonly<Record<string, string>> = {},
): FakeResponse {
  const error = { code, message, status, ...(details.length > 0 ? { details } : {}) };
  return jsonResponse(code, { error }, headers);
}

/** `personFields mask is required. …` (seen) and `readMask is required. …` (seen, 2020). */
export function maskRequired(param: 'personFields' | 'readMask'): FakeResponse {
  const noun = param === 'personFields' ? 'personFields mask' : 'readMask';
  return apiError(
    400,
    'INVALID_ARGUMENT',
    `${noun} is required. Please specify one or more valid paths. ` +
      'Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.',
  );
}

/** `Invalid personFields mask path: "x". …` (seen); the readMask form is extrapolated. */
export function invalidMaskPath(param: 'personFields' | 'readMask', path: string): FakeResponse {
  return apiError(
    400,
    'INVALID_ARGUMENT',
    `Invalid ${param} mask path: "${path}". ` +
      'Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.',
  );
}

/**
 * ESF's wording when a query value cannot be bound to the request message (seen for other
 * Google APIs), with the BadRequest detail it carries.
 */
export function invalidValue(field: string, type: string, value: string): FakeResponse {
  const description = `Invalid value at '${field}' (${type}), "${value}"`;
  return apiError(400, 'INVALID_ARGUMENT', description, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description }] },
  ]);
}

/** ESF's wording for a query parameter the method does not have (seen for other Google APIs). */
export function unknownParameter(name: string): FakeResponse {
  return apiError(
    400,
    'INVALID_ARGUMENT',
    `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. ` +
      `Field '${name}' could not be found in request message.`,
  );
}

/** Google's generic text for a bad argument; used where the precise wording is unknown. */
export function invalidArgument(): FakeResponse {
  return apiError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
}

/** (seen) 400 FAILED_PRECONDITION with ErrorInfo EXPIRED_SYNC_TOKEN. */
export function expiredSyncToken(): FakeResponse {
  return apiError(
    400,
    'FAILED_PRECONDITION',
    'Sync token is expired. Clear local cache and retry call without the sync token.',
    [errorInfo('EXPIRED_SYNC_TOKEN', PEOPLE_SERVICE)],
  );
}

/** (seen) what the directory methods answer for anyone who is not a Workspace user. */
export function notDomainUser(): FakeResponse {
  return apiError(400, 'FAILED_PRECONDITION', 'Must be a G Suite domain user.');
}

const DEVCONSOLE = 'See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const BEARER_REALM = 'Bearer realm="https://accounts.google.com/"';

/** (seen) no Authorization header at all. */
export function credentialsMissing(method: string): FakeResponse {
  return apiError(
    401,
    'UNAUTHENTICATED',
    'Request is missing required authentication credential. Expected OAuth 2 access token, ' +
      `login cookie or other valid authentication credential. ${DEVCONSOLE}`,
    [errorInfo('CREDENTIALS_MISSING', 'googleapis.com', { service: PEOPLE_SERVICE, method })],
    { 'www-authenticate': BEARER_REALM },
  );
}

/**
 * (seen) an expired token carries ErrorInfo ACCESS_TOKEN_EXPIRED; for a revoked or unknown token
 * the same message is sent without a detail (the reason Google gives there was not found).
 */
export function invalidCredentials(method: string, expired: boolean): FakeResponse {
  const details = expired
    ? [errorInfo('ACCESS_TOKEN_EXPIRED', 'googleapis.com', { service: PEOPLE_SERVICE, method })]
    : [];
  return apiError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie ' +
      `or other valid authentication credential. ${DEVCONSOLE}`,
    details,
    { 'www-authenticate': `${BEARER_REALM}, error="invalid_token"` },
  );
}

/** (seen) 403 with ErrorInfo ACCESS_TOKEN_SCOPE_INSUFFICIENT and the scopes that would do. */
export function scopeInsufficient(method: string, acceptedScopes: readonly string[]): FakeResponse {
  return apiError(
    403,
    'PERMISSION_DENIED',
    'Request had insufficient authentication scopes.',
    [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'googleapis.com', { service: PEOPLE_SERVICE, method })],
    {
      'www-authenticate': `${BEARER_REALM}, error="insufficient_scope", scope="${acceptedScopes.join(' ')}"`,
    },
  );
}

/** (seen, People API) the API switched off in the caller's Cloud project. */
export function serviceDisabled(projectNumber: string): FakeResponse {
  const url = `https://console.developers.google.com/apis/api/${PEOPLE_SERVICE}/overview?project=${projectNumber}`;
  return apiError(
    403,
    'PERMISSION_DENIED',
    `People API has not been used in project ${projectNumber} before or it is disabled. ` +
      `Enable it by visiting ${url} then retry. If you enabled this API recently, wait a few ` +
      'minutes for the action to propagate to our systems and retry.',
    [
      errorInfo('SERVICE_DISABLED', 'googleapis.com', {
        consumer: `projects/${projectNumber}`,
        service: PEOPLE_SERVICE,
        serviceTitle: 'People API',
        activationUrl: url,
      }),
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [{ description: 'Google developers console API activation', url }],
      },
    ],
  );
}

/** CLOUD-APIS.md §2.4: a per-user read quota, ErrorInfo RATE_LIMIT_EXCEEDED, no Retry-After. */
export function quotaExceeded(projectNumber: string): FakeResponse {
  return apiError(
    429,
    'RESOURCE_EXHAUSTED',
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' " +
      `of service '${PEOPLE_SERVICE}' for consumer 'project_number:${projectNumber}'.`,
    [
      errorInfo('RATE_LIMIT_EXCEEDED', 'googleapis.com', {
        quota_metric: `${PEOPLE_SERVICE}/read_requests`,
        quota_limit: 'ReadRequestsPerMinutePerUser',
        service: PEOPLE_SERVICE,
        consumer: `projects/${projectNumber}`,
      }),
    ],
  );
}

/** Google's standard texts for the two server faults a client should retry. */
export function serverFault(status: 500 | 503): FakeResponse {
  return status === 500
    ? apiError(500, 'INTERNAL', 'Internal error encountered.')
    : apiError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
}

/** An unknown URL on a Google API host answers an HTML 404 page, not JSON. */
export function notFoundPage(path: string): FakeResponse {
  return {
    status: 404,
    headers: { 'content-type': 'text/html; charset=UTF-8' },
    body: `<!DOCTYPE html><title>Error 404 (Not Found)!!1</title><p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL <code>${path}</code> was not found on this server.  <ins>That’s all we know.</ins>`,
  };
}
