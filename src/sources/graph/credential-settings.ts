/**
 * How the graph source's app proves itself: `clientSecret`, or `certificate: { cert, key }` whose
 * private key signs a client assertion for each token request. The schema lets exactly one of them
 * through; this reads them. `cert` is a PEM file (relative to the config file, like `tls.ca`); `key`
 * is a PEM file path too, or the PEM text itself when it comes from a secret (`file:` or
 * `${env:NAME}`): a value starting with `-----BEGIN` is taken as the key.
 */
import { readFileSync } from 'node:fs';
import type { ClientCredential } from './app-tokens.js';
import { readAppCertificate } from './client-assertion.js';

export interface CredentialConfig {
  readonly clientSecret?: string;
  readonly certificate?: { readonly cert: string; readonly key: string };
}

const PEM = /^\s*-----BEGIN /;

export function readCredential(
  config: CredentialConfig,
  fail: (message: string, cause?: unknown) => never,
): ClientCredential {
  const { clientSecret, certificate } = config;
  if ((clientSecret === undefined) === (certificate === undefined))
    return fail(
      clientSecret === undefined
        ? 'set clientSecret or certificate: the app needs one of them to get a token'
        : 'set clientSecret or certificate, not both',
    );
  if (clientSecret !== undefined) return { clientSecret };
  const { cert, key } = certificate!;
  const certPem = readPem('certificate.cert', cert, fail);
  const keyPem = PEM.test(key) ? key : readPem('certificate.key', key, fail);
  try {
    return { certificate: readAppCertificate(certPem, keyPem) };
  } catch (error) {
    return fail(`certificate: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function readPem(setting: string, file: string, fail: (message: string, cause?: unknown) => never): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return fail(
      `${setting}: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}
