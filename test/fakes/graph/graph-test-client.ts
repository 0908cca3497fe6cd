/**
 * What the fake's tests talk to it with, set up as CLOUD-APIS.md §1.1 shows a `graph` source will:
 * the real @microsoft/microsoft-graph-client with the fake as `baseUrl`, its host in `customHosts`
 * (or no token is sent), and an undici Agent trusting the test CA in `fetchOptions`; plain `fetch`
 * with the same Agent for the token endpoint. It is undici's own `fetch` (the implementation Node
 * bundles), because the global fetch's types expect the bundled copy's Dispatcher class.
 */
import { Client, type FetchOptions, type Options } from '@microsoft/microsoft-graph-client';
import { Agent, fetch, type Response } from 'undici';
import type { FakeGraph } from './fake-graph.js';
import { SYNC_APP, type AppRegistration } from './identity.js';

export interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Response['headers'];
}

export function trustingAgent(fake: FakeGraph): Agent {
  return new Agent({ connect: { ca: fake.caCert } });
}

/** POSTs a form to the token endpoint, as a source does with fetch. */
export async function requestToken(
  fake: FakeGraph,
  agent: Agent,
  form: Readonly<Record<string, string>>,
  options: {
    readonly tenant?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly query?: string;
  } = {},
): Promise<TokenAnswer> {
  const response = await fetch(`${fake.tokenUrl(options.tenant)}${options.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(form).toString(),
    dispatcher: agent,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** A client-credentials token for an app (the sync app by default). */
export async function appToken(
  fake: FakeGraph,
  agent: Agent,
  app: AppRegistration = SYNC_APP,
): Promise<string> {
  const answer = await requestToken(fake, agent, {
    grant_type: 'client_credentials',
    client_id: app.clientId,
    client_secret: app.clientSecret ?? '',
    scope: 'https://graph.microsoft.com/.default',
  });
  if (answer.status !== 200) throw new Error(`No token: ${JSON.stringify(answer.body)}`);
  return answer.body.access_token as string;
}

/** A GET with plain fetch, trusting the test CA. */
export async function getJson(
  agent: Agent,
  url: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ status: number; body: unknown; headers: Response['headers'] }> {
  const response = await fetch(url, { headers, dispatcher: agent });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    headers: response.headers,
  };
}

/** The Graph client pointed at the fake; `token` is asked on every request (as the client does). */
export function graphClient(
  fake: FakeGraph,
  agent: Agent,
  token: () => string | Promise<string>,
  options: Partial<Options> = {},
): Client {
  return Client.init({
    baseUrl: `${fake.url}/`,
    customHosts: new Set(['127.0.0.1']),
    // The client copies fetchOptions into every global fetch() it makes. The global fetch is typed
    // against Node's bundled undici; the npm undici 6 Agent works with it (CLOUD-APIS.md §1.1).
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    fetchOptions: { dispatcher: agent } satisfies FetchOptions,
    authProvider: (done) => {
      Promise.resolve()
        .then(token)
        .then(
          (value) => done(null, value),
          (error: unknown) => done(error, null),
        );
    },
    ...options,
  });
}
