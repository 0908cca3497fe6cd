/**
 * Posting raw SOAP to the fake over HTTPS with fetch (undici, trusting the test CA): for replaying
 * captured requests and for looking at answers the library cannot (a 500 it would choke on).
 */
import { Agent, fetch } from 'undici';
import type { EwsFake } from './ews-fake.js';

export interface RawAnswer {
  readonly status: number;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawOptions {
  readonly authorization?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

const agents = new WeakMap<EwsFake, Agent>();

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export async function postSoap(fake: EwsFake, body: string, options: RawOptions = {}): Promise<RawAnswer> {
  const response = await fetch(fake.url, {
    method: options.method ?? 'POST',
    body: options.method === 'GET' ? undefined : body,
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      accept: 'text/xml',
      ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
      ...options.headers,
    },
    dispatcher: agentFor(fake),
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
  };
}

/** The undici agent trusting the fake's CA; close it with the fake. */
export function agentFor(fake: EwsFake): Agent {
  let agent = agents.get(fake);
  if (agent === undefined) {
    agent = new Agent({ connect: { ca: fake.caCertificate } });
    agents.set(fake, agent);
  }
  return agent;
}

export async function closeAgent(fake: EwsFake): Promise<void> {
  await agents.get(fake)?.close();
  agents.delete(fake);
}

/** A SOAP envelope as ews-javascript-api writes it, around `body` (and extra header elements). */
export function envelope(body: string, header = ''): string {
  return (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
    ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">' +
    `<soap:Header><t:RequestServerVersion Version="Exchange2013"></t:RequestServerVersion>${header}</soap:Header>` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}
