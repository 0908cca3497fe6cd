/**
 * The app's access tokens (OAuth client credentials, CLOUD-APIS.md §1.4): asked of Entra ID's token
 * endpoint with the client secret or a client assertion signed with the app's certificate (a fresh one
 * per request, client-assertion.ts), cached, and renewed five minutes before they expire (half-way for
 * a token that lives shorter), one request at a time however many callers wait. A refusal becomes a
 * GraphTokenError with one plain sentence naming the setting to fix (aadsts-reason.ts).
 */
import { fetch, type Dispatcher } from 'undici';
import { SourceError } from '../source.js';
import { jsonObject, networkReason } from './http-answer.js';
import { readRefusal, refusalSentence, type TokenRefusal } from './aadsts-reason.js';
import { JWT_BEARER_ASSERTION, signClientAssertion, type AppCertificate } from './client-assertion.js';

/** How long before it expires a token is renewed. */
const RENEW_BEFORE_MS = 5 * 60_000;

export interface AppTokenSettings {
  readonly source: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly credential: ClientCredential;
  readonly scope: string;
  readonly timeoutMs: number;
}

/** How the app proves itself: `clientSecret` or `certificate` (exactly one is configured). */
export type ClientCredential = { readonly clientSecret: string } | { readonly certificate: AppCertificate };

/** The form fields that authenticate the client, for a request to `tokenUrl`. */
export function credentialFields(
  credential: ClientCredential,
  clientId: string,
  tokenUrl: string,
): Record<string, string> {
  if ('clientSecret' in credential) return { client_secret: credential.clientSecret };
  return {
    client_assertion_type: JWT_BEARER_ASSERTION,
    client_assertion: signClientAssertion(credential.certificate, clientId, tokenUrl),
  };
}

/** Entra ID refused the token: the message is the sentence for `check` and the log. */
export class GraphTokenError extends SourceError {
  constructor(
    source: string,
    readonly refusal: TokenRefusal,
  ) {
    super(source, refusalSentence(refusal));
  }
}

export class AppTokens {
  #current: { readonly token: string; readonly renewAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(
    private readonly settings: AppTokenSettings,
    private readonly dispatcher: Dispatcher,
  ) {}

  /** A token valid for a while yet. */
  token(): Promise<string> {
    const current = this.#current;
    if (current && Date.now() < current.renewAt) return Promise.resolve(current.token);
    this.#pending ??= this.#request().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Forgets the cached token (Graph answered 401 to it): the next call asks for a new one. */
  invalidate(): void {
    this.#current = undefined;
  }

  async #request(): Promise<string> {
    const { source, tokenUrl, clientId, credential, scope, timeoutMs } = this.settings;
    const asked = Date.now();
    let response;
    try {
      response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          ...credentialFields(credential, clientId, tokenUrl),
          scope,
        }).toString(),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SourceError(source, `cannot reach ${new URL(tokenUrl).origin}: ${networkReason(error)}`, {
        cause: error,
      });
    }
    const body = jsonObject(await response.text());
    if (!response.ok) throw new GraphTokenError(source, readRefusal(response.status, body));
    const token = typeof body?.access_token === 'string' ? body.access_token : undefined;
    const lifetime = Number(body?.expires_in);
    if (token === undefined || !Number.isFinite(lifetime))
      throw new SourceError(source, `${new URL(tokenUrl).origin} answered the token request without a token`);
    const lifetimeMs = lifetime * 1000;
    const renewIn = lifetimeMs > 2 * RENEW_BEFORE_MS ? lifetimeMs - RENEW_BEFORE_MS : lifetimeMs / 2;
    this.#current = { token, renewAt: asked + renewIn };
    return token;
  }
}
