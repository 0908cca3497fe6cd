/** A failed directory operation, with the LDAP result it maps to (named, so directory/ needs no wire codes). */
export type DirectoryErrorCode =
  | 'noSuchObject'
  | 'invalidDNSyntax'
  | 'busy'
  | 'unavailable'
  | 'insufficientAccessRights'
  | 'unwillingToPerform'
  | 'adminLimitExceeded'
  | 'operationsError';

export class DirectoryError extends Error {
  override name = 'DirectoryError';
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    readonly matchedDN?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
