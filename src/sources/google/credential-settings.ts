/** The google source's credential, as its settings hold it once read from the config. */
import type { ServiceAccountKey } from './service-account-key.js';

export type GoogleCredentialSettings =
  | {
      readonly kind: 'serviceAccount';
      readonly key: ServiceAccountKey;
      /** Whom the service account acts as to read the directory. */
      readonly adminEmail: string;
      /** `tokenUrl` or the key's `token_uri`. */
      readonly tokenUrl: string;
    }
  | {
      readonly kind: 'oauth';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly refreshToken: string;
      readonly tokenUrl: string;
    };
