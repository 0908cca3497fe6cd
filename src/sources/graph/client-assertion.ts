/**
 * Certificate credentials for the token request: a JWT signed with the app certificate's private key
 * (RS256), sent as `client_assertion` instead of a client secret, as Microsoft's "certificate
 * credentials" page describes. The header names the certificate by `x5t#S256` (the base64url
 * SHA-256 thumbprint of its DER encoding); the claims are `aud` = the token endpoint, `iss` = `sub` =
 * the client id, a fresh `jti`, and `nbf`/`iat`/`exp` (ten minutes). A new one is signed for every
 * token request.
 */
import { X509Certificate, createHash, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const LIFETIME_SECONDS = 600;

/** The certificate and its private key, read and checked once. */
export interface AppCertificate {
  /** `x5t#S256` of the certificate. */
  readonly thumbprint: string;
  readonly key: KeyObject;
}

/** Parses the PEM texts; throws an Error whose message says which one is wrong and why. */
export function readAppCertificate(certPem: string, keyPem: string): AppCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    throw new Error(`cert is not a PEM certificate (${messageOf(error)})`, { cause: error });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new Error(`key is not an unencrypted PEM private key (${messageOf(error)})`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new Error('key must be an RSA key (Entra ID takes RS256 assertions)');
  if (!certificate.checkPrivateKey(key)) throw new Error('key is not the private key of cert');
  return { thumbprint: createHash('sha256').update(certificate.raw).digest('base64url'), key };
}

/** A fresh client assertion for one token request to `tokenUrl`. */
export function signClientAssertion(
  certificate: AppCertificate,
  clientId: string,
  tokenUrl: string,
  now: number = Date.now(),
): string {
  const issued = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', 'x5t#S256': certificate.thumbprint };
  const claims = {
    aud: tokenUrl,
    iss: clientId,
    sub: clientId,
    jti: randomUUID(),
    nbf: issued,
    iat: issued,
    exp: issued + LIFETIME_SECONDS,
  };
  const signed = `${part(header)}.${part(claims)}`;
  return `${signed}.${sign('sha256', Buffer.from(signed), certificate.key).toString('base64url')}`;
}

function part(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
