/**
 * The token endpoint's error answers: `{ error, error_description }` (RFC 6749 §5.2), with the
 * descriptions Google sends. Those from Google's "JWT error codes" table or captured responses are
 * marked (seen); the others are marked as guesses.
 */
import { jsonResponse, type FakeResponse } from './http-exchange.js';

export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';

function oauthError(status: number, error: string, description: string): FakeResponse {
  return jsonResponse(status, { error, error_description: description });
}

/** (seen) a revoked or expired refresh token. */
export const refreshTokenRevoked = (): FakeResponse =>
  oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');

/** A refresh token Google never issued (seen among the token errors GAM handles). */
export const refreshTokenUnknown = (): FakeResponse => oauthError(400, 'invalid_grant', 'Bad Request');

/** (seen, Google's wording for an unknown client id) with RFC 6749's 401 for client failures. */
export const clientNotFound = (): FakeResponse =>
  oauthError(401, 'invalid_client', 'The OAuth client was not found.');

/** Guess: a known client id with the wrong secret. */
export const clientSecretWrong = (): FakeResponse => oauthError(401, 'invalid_client', 'Unauthorized');

export const unsupportedGrantType = (grantType: string): FakeResponse =>
  oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);

/** (seen) signature does not verify with the service account's key, or the JWT is malformed. */
export const invalidJwtSignature = (): FakeResponse =>
  oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');

/** (seen) `iss` names no service account (deleted, or a key of another project). */
export const accountNotFound = (): FakeResponse =>
  oauthError(400, 'invalid_grant', 'Invalid grant: account not found');

/** (seen, 2016 with the old URL) `aud` is not the token endpoint. */
export const failedAudienceCheck = (): FakeResponse =>
  oauthError(
    400,
    'invalid_grant',
    `Invalid JWT: Failed audience check. The right audience is ${GOOGLE_TOKEN_AUDIENCE}`,
  );

/** (seen) `iat`/`exp` missing, in the future, expired or more than an hour apart. */
export const notShortLived = (): FakeResponse =>
  oauthError(
    400,
    'invalid_grant',
    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your 'iat' and 'exp' values and use a clock with skew to account for clock differences between systems.",
  );

/** (seen) no scope asked for. */
export const invalidScope = (): FakeResponse =>
  oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');

/** (seen) `sub` is not a user of the domain. */
export const invalidSubject = (): FakeResponse =>
  oauthError(400, 'invalid_grant', 'Invalid email or User ID');

/** (seen, CLOUD-APIS.md §2.1) no domain-wide delegation for any of the scopes asked for. */
export const delegationNotGranted = (): FakeResponse =>
  oauthError(
    401,
    'unauthorized_client',
    'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
  );

/**
 * Delegation covers some of the scopes but not all: `access_denied` "Requested client not
 * authorized." (seen); the HTTP status 400 is a guess.
 */
export const delegationPartial = (): FakeResponse =>
  oauthError(400, 'access_denied', 'Requested client not authorized.');
