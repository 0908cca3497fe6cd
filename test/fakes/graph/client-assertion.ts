/**
 * Certificate credentials: a confidential client proves itself with `client_assertion_type =
 * urn:ietf:params:oauth:client-assertion-type:jwt-bearer` and `client_assertion = <JWT>` instead of a
 * secret, as Microsoft's "certificate credentials" page describes. The JWT's header names the
 * certificate by `x5t#S256` (base64url SHA-256 thumbprint of the DER certificate) or the older `x5t`
 * (SHA-1), `alg` RS256 or PS256, `typ` JWT; its claims: `aud` the token endpoint, `iss` = `sub` = the
 * client id, a `jti`, `exp` (and optional `nbf`, `iat`). The signature is checked against the
 * certificate registered on the app. Refusals: AADSTS700027 (key not found, or the signature does not
 * verify), AADSTS700024 (outside its time range), AADSTS700023 (audience), AADSTS50027 (malformed).
 */
import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import * as aadsts from './aadsts-errors.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Entra ID allows a few minutes of clock skew. */
const SKEW_SECONDS = 300;

/** An assertion accepted, or the refusal Entra ID answers. */
export type AssertionVerdict =
  { readonly ok: true } | { readonly ok: false; readonly failure: aadsts.AadstsError };

export interface AssertionCheck {
  readonly assertion: string;
  readonly clientId: string;
  /** PEM certificates registered on the app. */
  readonly certificates: readonly string[];
  /** Audiences accepted: the token endpoint as addressed (by tenant id or domain). */
  readonly audiences: readonly string[];
  readonly now?: Date;
}

export function checkAssertion(check: AssertionCheck): AssertionVerdict {
  const refuse = (failure: aadsts.AadstsError): AssertionVerdict => ({ ok: false, failure });
  const parts = check.assertion.split('.');
  if (parts.length !== 3) return refuse(aadsts.assertionMalformed('It has no three dot-separated parts.'));
  const header = decodePart(parts[0]!);
  const claims = decodePart(parts[1]!);
  if (header === undefined || claims === undefined)
    return refuse(aadsts.assertionMalformed('Its header or claims are not base64url JSON.'));
  const alg = header.alg;
  if (alg !== 'RS256' && alg !== 'PS256')
    return refuse(aadsts.assertionMalformed(`The algorithm '${String(alg)}' is not supported.`));
  const s256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const s1 = typeof header.x5t === 'string' ? header.x5t : undefined;
  if (s256 === undefined && s1 === undefined)
    return refuse(aadsts.assertionMalformed("The header names no certificate ('x5t#S256' or 'x5t')."));
  const used = Buffer.from(s256 ?? s1!, 'base64url')
    .toString('hex')
    .toUpperCase();
  const certificate = check.certificates
    .map((pem) => new X509Certificate(pem))
    .find((candidate) =>
      s256 !== undefined ? thumbprint(candidate, 'sha256') === s256 : thumbprint(candidate, 'sha1') === s1,
    );
  if (certificate === undefined) return refuse(aadsts.assertionKeyNotFound(check.clientId, used));
  const signed = Buffer.from(`${parts[0]!}.${parts[1]!}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  const key = certificate.publicKey;
  const valid =
    alg === 'RS256'
      ? verify('sha256', signed, key, signature)
      : verify(
          'sha256',
          signed,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
          signature,
        );
  if (!valid)
    return refuse(
      aadsts.assertionSignatureWrong(used, entraDate(certificate.validFrom), entraDate(certificate.validTo)),
    );
  if (claims.iss !== check.clientId || claims.sub !== check.clientId)
    return refuse(aadsts.assertionMalformed("Its 'iss' and 'sub' must both be the client id."));
  if (typeof claims.jti !== 'string' || claims.jti === '')
    return refuse(aadsts.assertionMalformed("It has no 'jti'."));
  if (typeof claims.exp !== 'number') return refuse(aadsts.assertionMalformed("It has no 'exp'."));
  const now = check.now ?? new Date();
  const seconds = now.getTime() / 1000;
  const notBefore = typeof claims.nbf === 'number' ? claims.nbf : 0;
  if (claims.exp + SKEW_SECONDS < seconds || notBefore - SKEW_SECONDS > seconds)
    return refuse(aadsts.assertionOutOfTime(now, new Date(notBefore * 1000), new Date(claims.exp * 1000)));
  if (typeof claims.aud !== 'string' || !check.audiences.includes(claims.aud))
    return refuse(aadsts.assertionAudienceWrong());
  return { ok: true };
}

/** Base64url of the certificate's DER digest: `x5t` (sha1) or `x5t#S256` (sha256). */
export function thumbprint(certificate: X509Certificate, hash: 'sha1' | 'sha256'): string {
  return createHash(hash).update(certificate.raw).digest('base64url');
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `08/18/2024 19:33:23`, as Entra ID quotes a key's validity. */
function entraDate(text: string): string {
  const date = new Date(text);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}
