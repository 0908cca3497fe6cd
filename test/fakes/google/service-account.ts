/**
 * A service account of the fake project: an RSA key pair made with node:crypto and the JSON key
 * file Google would let an admin download. A source is configured with `key`; the fake keeps the
 * public half to check assertions.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** The fields of a downloaded service-account key file (`type: "service_account"`). */
export interface ServiceAccountKey {
  readonly type: 'service_account';
  readonly project_id: string;
  readonly private_key_id: string;
  readonly private_key: string;
  readonly client_email: string;
  readonly client_id: string;
  readonly auth_uri: string;
  readonly token_uri: string;
  readonly auth_provider_x509_cert_url: string;
  readonly client_x509_cert_url: string;
  readonly universe_domain: string;
}

export interface ServiceAccount {
  readonly key: ServiceAccountKey;
  readonly publicKey: KeyObject;
}

export interface ServiceAccountOptions {
  readonly name: string;
  readonly projectId: string;
  /** Where this fake answers token requests: the key file's `token_uri` points there. */
  readonly tokenUri: string;
  /** Numeric OAuth client id, the one an admin enters for domain-wide delegation. */
  readonly clientId: string;
}

export function createServiceAccount(options: ServiceAccountOptions): ServiceAccount {
  // 2048 bits is what Google issues; generation takes tens of milliseconds, once per account.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const email = `${options.name}@${options.projectId}.iam.gserviceaccount.com`;
  const key: ServiceAccountKey = {
    type: 'service_account',
    project_id: options.projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    client_id: options.clientId,
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: options.tokenUri,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
    universe_domain: 'googleapis.com',
  };
  return { key, publicKey };
}
