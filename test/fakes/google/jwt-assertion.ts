/**
 * Reading a JWT-bearer assertion (RFC 7523) the way Google's token endpoint checks one: split,
 * decode, RS256 signature against the service account's public key, then the lifetime rules.
 */
import { verify, type KeyObject } from 'node:crypto';

export interface AssertionHeader {
  readonly alg?: unknown;
  readonly kid?: unknown;
}

export interface AssertionClaims {
  readonly iss?: unknown;
  readonly sub?: unknown;
  readonly aud?: unknown;
  readonly scope?: unknown;
  readonly iat?: unknown;
  readonly exp?: unknown;
}

export interface DecodedAssertion {
  readonly header: AssertionHeader;
  readonly claims: AssertionClaims;
  readonly signingInput: string;
  readonly signature: Buffer;
}

function decodeJsonPart(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The three parts, or undefined when it is not a compact JWS with JSON header and claims. */
export function decodeAssertion(assertion: string): DecodedAssertion | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  try {
    const header = decodeJsonPart(headerPart);
    const claims = decodeJsonPart(claimsPart);
    if (!isObject(header) || !isObject(claims)) return undefined;
    return {
      header,
      claims,
      signingInput: `${headerPart}.${claimsPart}`,
      signature: Buffer.from(signaturePart, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

export function signatureVerifies(decoded: DecodedAssertion, publicKey: KeyObject): boolean {
  if (decoded.header.alg !== 'RS256') return false;
  return verify('RSA-SHA256', Buffer.from(decoded.signingInput), publicKey, decoded.signature);
}

/**
 * Google's rule: `iat` and `exp` present, `exp` after `iat` and at most an hour later (the
 * documentation allows 65 minutes), not yet expired, and `iat` not in the future beyond a small
 * clock skew.
 */
export function lifetimeAcceptable(claims: AssertionClaims, nowSeconds: number): boolean {
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return false;
  const allowedSkew = 300;
  return exp > iat && exp - iat <= 65 * 60 && exp > nowSeconds && iat <= nowSeconds + allowedSkew;
}
