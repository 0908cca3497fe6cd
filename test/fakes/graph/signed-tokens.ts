/**
 * Opaque state tokens ($skiptoken, $deltatoken): a JSON payload, base64url-encoded and sealed with
 * an HMAC under a key made per fake, so a garbage or foreign token is told apart from a real one
 * (Graph's tokens are opaque too; a client must never build or edit one). Base64url keeps them free
 * of `&`, `=` and `+`, which the Graph client would otherwise mangle: it copies query values raw.
 */
import { createHmac, randomBytes } from 'node:crypto';

export class TokenSealer {
  readonly #key = randomBytes(32);

  seal(kind: string, payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(kind, body)}`;
  }

  /** The payload, or undefined when the token was not sealed here for this kind. */
  open(kind: string, token: string): unknown {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    if (token.slice(dot + 1) !== this.#mac(kind, body)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  #mac(kind: string, body: string): string {
    return createHmac('sha256', this.#key).update(`${kind}:${body}`).digest('base64url').slice(0, 22);
  }
}
