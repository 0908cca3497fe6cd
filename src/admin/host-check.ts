/**
 * Which names the admin listener answers to when it has no token (DNS rebinding). A web page on
 * `evil.example` can make its own name resolve to 127.0.0.1 and then read the listener, or send its
 * test bind, as a page of its own origin: the browser sees nothing cross-site, and the only trace
 * is the Host header, which names the attacker's domain. An IP address or `localhost` cannot be
 * rebound that way, so those are always answered; a name must be listed in `admin.hosts`. With a
 * token this check is not needed: a rebound page has no credentials to send.
 */
import { isIP } from 'node:net';

/** The host part of a Host header, lower case, without port, brackets or a trailing dot. */
export function hostName(header: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(header);
  if (bracketed) return bracketed[1]!.toLowerCase();
  const colon = header.lastIndexOf(':');
  const name = colon === -1 || header.indexOf(':') !== colon ? header : header.slice(0, colon);
  return name.toLowerCase().replace(/\.$/, '');
}

/** Answers whether the listener serves a request with this Host header. */
export class HostCheck {
  readonly #names: ReadonlySet<string>;

  /** `names`: the DNS names of `admin.hosts`. */
  constructor(names: readonly string[]) {
    this.#names = new Set(names.map(hostName));
  }

  /** Why a request naming `header` is refused, or undefined when it may go on. */
  refusal(header: string | undefined): string | undefined {
    // HTTP/1.0 tools send no Host; every browser does.
    if (header === undefined) return undefined;
    const name = hostName(header);
    if (isIP(name) !== 0 || name === 'localhost' || this.#names.has(name)) return undefined;
    return `the admin listener answers requests for this host only when admin.hosts names it (or with admin.token)`;
  }
}
