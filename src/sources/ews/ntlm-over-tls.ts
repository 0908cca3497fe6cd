/**
 * NTLM for @ewsjs/xhr that trusts the configured CA. The library's own NtlmProvider builds a fresh
 * https agent for the handshake that keeps only `rejectUnauthorized`, so a CA given to XhrApi is
 * dropped and an internal CA's certificate fails (CLOUD-APIS §5). This one does the same
 * handshake (a GET with the type 1 message, the server's 401 challenge, then the request itself
 * with the type 3 message on the same socket) through an agent that holds the CA. A handshake that
 * gets no answer rejects with a timeout, where the library's read `undefined.headers`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import ntlm from '@ewsjs/ntlm-client';
import type { NtlmProvider } from '@ewsjs/xhr';

/** What XhrApi asks of an auth provider (its IProvider, which @ewsjs/xhr does not export). */
type AuthProvider = Pick<NtlmProvider, 'preCall' | 'providerName' | 'client'>;
type RequestOptions = Parameters<NtlmProvider['preCall']>[0];
type Prepared = Awaited<ReturnType<NtlmProvider['preCall']>>;

const WORKSTATION = '.';

export class NtlmOverTls implements AuthProvider {
  readonly providerName = 'ntlm';
  /** None of its own: XhrApi then sends with its usual client. */
  readonly client = null as unknown as AuthProvider['client'];
  readonly #user: string;
  readonly #domain: string;

  constructor(
    account: string,
    private readonly password: string,
    /** PEM of the CAs to trust (the system's and the configured one); undefined: Node's default. */
    private readonly ca: readonly string[] | undefined,
  ) {
    // `DOMAIN\user` as the library reads it; `user@domain` goes as the user name with no domain.
    const slash = account.indexOf('\\');
    this.#user = slash > 0 ? account.slice(slash + 1) : account;
    this.#domain = slash > 0 ? account.slice(0, slash).toUpperCase() : '';
  }

  async preCall(options: RequestOptions): Promise<Prepared> {
    const url = new URL(String(options.url));
    // One socket for both requests: NTLM authenticates the connection, not the request.
    const agent =
      url.protocol === 'https:'
        ? new HttpsAgent({
            keepAlive: true,
            maxSockets: 1,
            rejectUnauthorized: options.rejectUnauthorized !== false,
            ...(this.ca === undefined ? {} : { ca: [...this.ca] }),
          })
        : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    // The library adds a Basic Authorization of its own (it wants Credentials set): never sent here.
    const headers = Object.fromEntries(
      Object.entries((options.headers ?? {}) as Record<string, string>).filter(
        ([name]) => !/^(authorization|connection)$/i.test(name),
      ),
    );
    const offered = await challenge(
      url,
      agent,
      {
        ...headers,
        Connection: 'keep-alive',
        Authorization: ntlm.createType1Message(WORKSTATION, this.#domain),
      },
      options.timeout ?? 0,
    );
    const challenged = offered.challenges.find((value) => /^NTLM\s+\S/i.test(value));
    if (challenged === undefined)
      throw new Error(
        `the server answered the NTLM handshake with HTTP ${offered.status} and no NTLM challenge: it does not offer NTLM (try auth: basic or bearer)`,
      );
    const type3 = ntlm.createType3Message(
      ntlm.decodeType2Message(challenged),
      this.#user,
      this.password,
      WORKSTATION,
      this.#domain,
    );
    return {
      ...options,
      ...(agent instanceof HttpsAgent ? { httpsAgent: agent } : { httpAgent: agent }),
      headers: { ...headers, Connection: 'Close', Authorization: type3 },
    };
  }
}

/** The handshake's GET: its status and the WWW-Authenticate challenges, the body read and dropped. */
function challenge(
  url: URL,
  agent: HttpAgent,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; challenges: string[] }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'GET', agent, headers }, (response: IncomingMessage) => {
      response.resume();
      response.once('end', () => {
        // IIS sends one WWW-Authenticate header per scheme it offers.
        const challenges = response.headersDistinct['www-authenticate'] ?? [];
        resolve({ status: response.statusCode ?? 0, challenges });
      });
      response.once('error', reject);
    });
    if (timeoutMs > 0)
      request.setTimeout(timeoutMs, () =>
        request.destroy(
          Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: 'ECONNABORTED' }),
        ),
      );
    request.once('error', reject);
    request.end();
  });
}
