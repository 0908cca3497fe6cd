/**
 * Entra ID's token-endpoint errors: the OAuth error name, the HTTP status, and the body Entra ID
 * sends (`error`, `error_description` = "AADSTSnnnn: text" + Trace ID / Correlation ID / Timestamp
 * lines joined by CRLF, `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`, and
 * `suberror` where Entra ID adds one). The texts are the runtime messages seen in answers quoted in
 * issue threads and the reference-error-codes page.
 */
import { randomUUID } from 'node:crypto';
import { LOGIN_JSON, jsonReply, type HttpReply } from './http-reply.js';

export interface AadstsError {
  readonly status: number;
  readonly error: string;
  readonly code: number;
  readonly message: string;
  readonly suberror?: string;
}

/** `2016-01-09 02:02:12Z`, Entra ID's timestamp format. */
function timestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** The reply; the correlation id echoes the caller's `client-request-id` when it sent one. */
export function aadstsReply(failure: AadstsError, correlationId: string = randomUUID()): HttpReply {
  const now = new Date();
  const traceId = randomUUID();
  const description = [
    `AADSTS${failure.code}: ${failure.message}`,
    `Trace ID: ${traceId}`,
    `Correlation ID: ${correlationId}`,
    `Timestamp: ${timestamp(now)}`,
  ].join('\r\n');
  const body = {
    error: failure.error,
    error_description: description,
    error_codes: [failure.code],
    timestamp: timestamp(now),
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
    ...(failure.suberror === undefined ? {} : { suberror: failure.suberror }),
  };
  return jsonReply(
    failure.status,
    body,
    { 'cache-control': 'no-store, no-cache', 'x-ms-request-id': traceId },
    LOGIN_JSON,
  );
}

const GRAPH = '00000003-0000-0000-c000-000000000000';

// ---- Requests Entra ID cannot read ----

export function missingParameter(name: string): AadstsError {
  return {
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  };
}

export function tenantNotFound(tenant: string): AadstsError {
  return {
    status: 400,
    error: 'invalid_request',
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  };
}

export function unsupportedGrantType(grantType: string): AadstsError {
  return {
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: `The app requested an unsupported grant type '${grantType}'.`,
  };
}

// ---- The client (the app registration) ----

export function appNotFound(clientId: string, tenantName: string): AadstsError {
  return {
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  };
}

export function secretMissing(): AadstsError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  };
}

export function secretWrong(clientId: string): AadstsError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  };
}

export function publicClientWithSecret(): AadstsError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 700025,
    message: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
  };
}

export function scopeNotDefault(scope: string): AadstsError {
  return {
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  };
}

export function resourceNotFound(resource: string, tenantName: string): AadstsError {
  return {
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  };
}

export function consentRequired(clientId: string, appName: string): AadstsError {
  return {
    status: 400,
    error: 'invalid_grant',
    code: 65001,
    suberror: 'consent_required',
    message: `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
  };
}

// ---- The user (ROPC) ----

export function userNotFound(tenantId: string): AadstsError {
  return {
    status: 400,
    error: 'invalid_grant',
    code: 50034,
    message: `The user account {EUII Hidden} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`,
  };
}

export function invalidCredentials(): AadstsError {
  return {
    status: 400,
    error: 'invalid_grant',
    code: 50126,
    message: 'Error validating credentials due to invalid username or password.',
  };
}

export function accountLocked(): AadstsError {
  return {
    status: 400,
    error: 'invalid_grant',
    code: 50053,
    message:
      "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.",
  };
}

export function accountDisabled(): AadstsError {
  return { status: 400, error: 'invalid_grant', code: 50057, message: 'The user account is disabled.' };
}

export function passwordExpired(): AadstsError {
  return { status: 400, error: 'invalid_grant', code: 50055, message: 'The password is expired.' };
}

export function mfaRequired(): AadstsError {
  return {
    status: 400,
    error: 'invalid_grant',
    code: 50076,
    suberror: 'basic_action',
    message: `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${GRAPH}'.`,
  };
}

export function mfaRegistrationRequired(): AadstsError {
  return {
    status: 400,
    error: 'invalid_grant',
    code: 50079,
    suberror: 'basic_action',
    message: `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '${GRAPH}'.`,
  };
}

export function blockedByConditionalAccess(): AadstsError {
  return {
    status: 400,
    error: 'invalid_grant',
    code: 53003,
    suberror: 'message_only',
    message:
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  };
}

// ---- Certificate credentials (client_assertion) ----

const CERTIFICATE_DOCS =
  'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .';

function keysHint(clientId: string): string {
  return `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.`;
}

/** No certificate with the assertion's thumbprint is registered on the app. */
export function assertionKeyNotFound(clientId: string, thumbprint: string): AadstsError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', ${keysHint(clientId)}]`,
  };
}

/** The registered certificate does not verify the signature. */
export function assertionSignatureWrong(thumbprint: string, start: string, end: string): AadstsError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${thumbprint}', Found key 'Start=${start}, End=${end}']`,
  };
}

/** `exp` is past (or `nbf` ahead): Entra ID's sentence quotes the times, with seven fraction digits. */
export function assertionOutOfTime(now: Date, notBefore: Date, expiry: Date): AadstsError {
  const at = (date: Date): string =>
    `${date.toISOString().slice(0, 19)}.${String(date.getUTCMilliseconds()).padStart(3, '0')}0000Z`;
  return {
    status: 401,
    error: 'invalid_client',
    code: 700024,
    message: `Client assertion is not within its valid time range. Current time: ${at(now)}, assertion valid from ${at(notBefore)}, expiry time of assertion ${at(expiry)}. ${CERTIFICATE_DOCS}`,
  };
}

export function assertionAudienceWrong(): AadstsError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 700023,
    message: `Client assertion audience claim does not match Realm issuer. ${CERTIFICATE_DOCS}`,
  };
}

/** The assertion is not a JWT the endpoint can read, or its header or claims are not as documented. */
export function assertionMalformed(detail: string): AadstsError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 50027,
    message: `JWT token is invalid or malformed. ${detail}`,
  };
}

/**
 * Both a client secret and a client assertion. Entra ID refuses the request; the exact code is not in
 * its reference, so the fake answers with the generic invalid-credentials one.
 */
export function twoClientCredentials(): AadstsError {
  return {
    status: 401,
    error: 'invalid_client',
    code: 70002,
    message:
      "Error validating credentials. Only one of 'client_assertion' and 'client_secret' may be presented.",
  };
}
