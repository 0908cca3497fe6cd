/** The credential the settings name, built once: the rest of the source never asks which it is. */
import type { GoogleCredential } from './google-credential.js';
import type { GoogleSourceSettings } from './google-settings.js';
import { RefreshTokenCredential } from './refresh-token-credential.js';
import { ServiceAccountCredential } from './service-account-credential.js';

export function credentialOf(settings: GoogleSourceSettings): GoogleCredential {
  const { credential, timeoutMs } = settings;
  return credential.kind === 'serviceAccount'
    ? new ServiceAccountCredential({ ...credential, timeoutMs })
    : new RefreshTokenCredential({ ...credential, timeoutMs });
}
