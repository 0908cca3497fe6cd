/**
 * How the source gets its tokens, chosen once from the config (service-account-credential.ts or
 * refresh-token-credential.ts): the rest of the source asks for a client "as this user, with these
 * scopes" and never branches on which one it holds.
 */
import type { OAuth2Client, TokenRefused } from './token-request.js';

export interface GoogleCredential {
  /**
   * An auth client reading as `user` (a user of `userContacts`, for their own contacts) or, when
   * undefined, as the directory's reader.
   */
  client(user: string | undefined, scope: string): OAuth2Client;
  /** One token request, for `check`: resolves with who reads, or throws TokenRefused. */
  verify(user: string | undefined, scope: string): Promise<string>;
  /** The token endpoint's refusal as one sentence naming what to fix. */
  refusal(error: TokenRefused, scope: string, user: string | undefined): string;
  /** What to do when Google says a token lacks `scope`. */
  scopeMissing(scope: string): string;
  /** Who the credential is, for a sentence ("the service account a@p.iam…", "the OAuth client 12…"). */
  readonly account: string;
}
