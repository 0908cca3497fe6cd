/**
 * The EWS errors the fake answers with: response code, the text Exchange sends with it, and any
 * `MessageXml` details. Each text was checked against published Exchange material (docs, captured
 * responses in issues); the few the fake had to choose itself say so.
 */
import { escapeText } from './envelope.js';

export interface EwsError {
  readonly code: string;
  readonly message: string;
  /** Inner XML of `t:MessageXml` (elements in the types namespace, `t:` prefix), if any. */
  readonly messageXml?: string;
  /** A fault's `faultstring` when it differs from the message (schema validation adds the violation). */
  readonly faultString?: string;
}

export function isEwsError(value: unknown): value is EwsError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}

function value(name: string, content: string): string {
  return `<t:Value Name="${name}">${escapeText(content)}</t:Value>`;
}

export const ewsErrors = {
  serverBusy(backOffMilliseconds: number): EwsError {
    return {
      code: 'ErrorServerBusy',
      message: 'The server cannot service this request right now. Try again later.',
      messageXml: value('BackOffMilliseconds', String(backOffMilliseconds)),
    };
  },

  /** EWSMaxConcurrency (27 by default on Exchange 2013+ and Online), as ews-managed-api#293 shows it. */
  exceededConnectionCount(limit = 27): EwsError {
    return {
      code: 'ErrorExceededConnectionCount',
      message:
        'You have exceeded the available concurrent connections for your account. Try again once your other requests have completed.',
      messageXml:
        value('Policy', 'MaxConcurrency') +
        value('MaxConcurrencyLimit', String(limit)) +
        value(
          'ErrorMessage',
          `This operation exceeds the throttling budget for policy part 'MaxConcurrency', policy value '${limit}', Budget type: 'Ews'. Suggested backoff time 0 ms.`,
        ),
    };
  },

  impersonateUserDenied(): EwsError {
    return {
      code: 'ErrorImpersonateUserDenied',
      message: 'The account does not have permission to impersonate the requested user.',
    };
  },

  /** An app-only OAuth token without an ExchangeImpersonation header (Exchange Online). */
  impersonationHeaderRequired(): EwsError {
    return {
      code: 'ErrorInvalidExchangeImpersonationHeaderData',
      message: 'ExchangeImpersonation SOAP header must be present for this type of OAuth token.',
    };
  },

  nonExistentMailbox(): EwsError {
    return {
      code: 'ErrorNonExistentMailbox',
      message: 'The SMTP address has no mailbox associated with it.',
    };
  },

  missingEmailAddress(): EwsError {
    return {
      code: 'ErrorMissingEmailAddress',
      message:
        'When making a request as an account that does not have a mailbox, you must specify the mailbox primary SMTP address for any distinguished folder Ids.',
    };
  },

  accessDenied(): EwsError {
    return { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' };
  },

  folderNotFound(): EwsError {
    return { code: 'ErrorFolderNotFound', message: 'The specified folder could not be found in the store.' };
  },

  itemNotFound(): EwsError {
    return { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' };
  },

  invalidIdMalformed(): EwsError {
    return { code: 'ErrorInvalidIdMalformed', message: 'Id is malformed.' };
  },

  syncFolderNotFound(): EwsError {
    return { code: 'ErrorSyncFolderNotFound', message: 'The folder to be synchronized could not be found.' };
  },

  invalidSyncStateData(): EwsError {
    return {
      code: 'ErrorInvalidSyncStateData',
      message: 'Synchronization state data is corrupt or otherwise invalid.',
    };
  },

  /** Wording from a captured exchangelib error against real public folders. */
  deepTraversalOnPublicFolders(): EwsError {
    return {
      code: 'ErrorInvalidOperation',
      message: 'Deep traversal queries are not allowed on public folders.',
    };
  },

  /**
   * Microsoft documents SyncFolderItems as unsupported on public folders (2024) but publishes no
   * error for it; the code follows the deep-traversal case above, the text is the fake's own.
   */
  syncOnPublicFolder(): EwsError {
    return {
      code: 'ErrorInvalidOperation',
      message: 'SyncFolderItems is not supported on public folders.',
    };
  },

  nameResolutionMultipleResults(): EwsError {
    return { code: 'ErrorNameResolutionMultipleResults', message: 'Multiple results were found.' };
  },

  nameResolutionNoResults(): EwsError {
    return { code: 'ErrorNameResolutionNoResults', message: 'No results were found.' };
  },

  invalidRequest(): EwsError {
    return { code: 'ErrorInvalidRequest', message: 'The request is invalid.' };
  },

  /** As the schema validator words it: the fault string carries the violation, the message does not. */
  schemaValidation(violation: string): EwsError {
    return {
      code: 'ErrorSchemaValidation',
      message: 'The request failed schema validation.',
      faultString: `The request failed schema validation: ${violation}`,
      messageXml: `<t:LineNumber>1</t:LineNumber><t:LinePosition>1</t:LinePosition><t:Violation>${escapeText(violation)}</t:Violation>`,
    };
  },

  internalServerError(): EwsError {
    return {
      code: 'ErrorInternalServerError',
      message: 'An internal server error occurred. The operation failed.',
    };
  },

  invalidOperation(message: string): EwsError {
    return { code: 'ErrorInvalidOperation', message };
  },
} as const;
