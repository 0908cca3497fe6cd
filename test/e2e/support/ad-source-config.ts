/** An `ad` source over the run's Samba DC, searching as the low-privilege service account over LDAPS. */
import type { SambaAdInfo } from '../../../scripts/test-backends/samba-ad.js';
import { registerTestSecret } from './test-secrets.js';

export function adSourceConfig(
  ad: SambaAdInfo,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: 'ad',
    type: 'ad',
    urls: [ad.url],
    tls: { ca: ad.caFile },
    bind: {
      name: ad.serviceAccount.userPrincipalName,
      password: registerTestSecret(ad.serviceAccount.password),
    },
    base: ad.baseDn,
    ...overrides,
  };
}
