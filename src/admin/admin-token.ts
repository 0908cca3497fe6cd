/**
 * The admin listener's token (`admin.token`): asked of every path but `/healthz`, as a bearer token
 * (Prometheus, probes) or as the password of HTTP Basic (a browser cannot send a bearer header; the
 * user name is ignored). Compared as digests in constant time, so neither the comparison's time nor
 * the token's length leaks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export class AdminToken {
  readonly #digest: Buffer | undefined;

  /** No token: everyone is let in. */
  constructor(token: string | undefined) {
    this.#digest = token === undefined ? undefined : digest(token);
  }

  /** Whether an `Authorization` header carries the token. */
  allows(authorization: string | undefined): boolean {
    if (this.#digest === undefined) return true;
    const offered = offeredToken(authorization ?? '');
    return offered !== undefined && timingSafeEqual(digest(offered), this.#digest);
  }
}

function offeredToken(authorization: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!basic) return undefined;
  const credentials = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon < 0 ? undefined : credentials.slice(colon + 1);
}

/** Equal-length digests, so the comparison's time says nothing about the token's length either. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
