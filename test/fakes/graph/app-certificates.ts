/**
 * Certificates for the fake's certificate credentials: a self-signed RSA certificate an app
 * registration can hold (`fake.identity.updateApp(id, { certificates: [cert] })`), and client
 * assertions signed with its key, made as Microsoft's page describes or spoiled on purpose.
 */
import { X509Certificate, constants, randomUUID, sign } from 'node:crypto';
import { generate } from 'selfsigned';
import { JWT_BEARER, thumbprint } from './client-assertion.js';

export interface AppCertificatePair {
  /** PEM certificate, to register on the app. */
  readonly cert: string;
  /** PEM private key (PKCS#8). */
  readonly key: string;
}

export async function makeAppCertificate(commonName = 'dirbridge sync'): Promise<AppCertificatePair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  return { cert: pems.cert, key: pems.private };
}

export interface AssertionOptions {
  readonly clientId: string;
  readonly audience: string;
  /** Header fields replacing or (undefined) removing the defaults. */
  readonly header?: Readonly<Record<string, unknown>>;
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Sign with this key instead (the certificate stays the one named in the header). */
  readonly signingKey?: string;
}

/** A client assertion for `pair`: RS256 (or PS256 when the header says so), `x5t#S256`, ten minutes. */
export function signAssertion(pair: AppCertificatePair, options: AssertionOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const header = defined({
    alg: 'RS256',
    typ: 'JWT',
    'x5t#S256': thumbprint(new X509Certificate(pair.cert), 'sha256'),
    ...options.header,
  });
  const claims = defined({
    aud: options.audience,
    iss: options.clientId,
    sub: options.clientId,
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + 600,
    ...options.claims,
  });
  const signed = `${encode(header)}.${encode(claims)}`;
  const key = options.signingKey ?? pair.key;
  const signature =
    header.alg === 'PS256'
      ? sign('sha256', Buffer.from(signed), {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        })
      : sign('sha256', Buffer.from(signed), key);
  return `${signed}.${signature.toString('base64url')}`;
}

/** The form fields of a client-credentials request authenticated by `assertion`. */
export function assertionForm(clientId: string, assertion: string): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    scope: 'https://graph.microsoft.com/.default',
  };
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function defined(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
