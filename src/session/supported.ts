/** The controls, extended operations and features this server implements (listed in the root DSE). */
import { PAGED_RESULTS_OID } from '../protocol/paged-results-control.js';

export const WHO_AM_I_OID = '1.3.6.1.4.1.4203.1.11.3';
/** StartTLS (RFC 4511 4.14): offered only when `tls` is configured. */
export const START_TLS_OID = '1.3.6.1.4.1.1466.20037';
/** ManageDsaIT (RFC 3296): accepted and ignored, since the directory holds no referral objects. */
export const MANAGE_DSA_IT_OID = '2.16.840.1.113730.3.4.2';

export const SUPPORTED_CONTROLS = [PAGED_RESULTS_OID, MANAGE_DSA_IT_OID] as const;
export const SUPPORTED_EXTENSIONS = [WHO_AM_I_OID] as const;
export const SUPPORTED_FEATURES = [
  '1.3.6.1.4.1.4203.1.5.1', // all operational attributes: "+" (RFC 3673)
  '1.3.6.1.4.1.4203.1.5.3', // absolute true and false filters (RFC 4526)
] as const;

/** The extended operations the root DSE lists: StartTLS only where a certificate is configured. */
export function supportedExtensions(tlsConfigured: boolean): readonly string[] {
  return tlsConfigured ? [...SUPPORTED_EXTENSIONS, START_TLS_OID] : SUPPORTED_EXTENSIONS;
}
