/**
 * Whether a POST comes from the status page itself, not from a form on another site that a browser
 * holding the token (Basic credentials it remembers) would submit for it. Browsers say where a
 * request comes from in `Sec-Fetch-Site` and, for every POST, in `Origin`; either naming another
 * site (or `Origin: null`, an opaque one) refuses it. A request with neither is no browser's, and
 * carries no remembered credentials.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Why the request is refused, or undefined when it may go on. */
export function crossSiteReason(headers: IncomingHttpHeaders): string | undefined {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin')
    return `a form from another site (Sec-Fetch-Site: ${site}) is refused`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  const host = headers.host;
  // https: the page seen through a proxy that terminates TLS in front of the listener.
  if (host === undefined || (origin !== `http://${host}` && origin !== `https://${host}`))
    return 'a form from another origin is refused';
  return undefined;
}
