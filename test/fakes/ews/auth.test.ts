/**
 * Authentication and impersonation through the real library: Basic (UTF-8, DOMAIN\user and UPN),
 * NTLMv2 over HTTP and HTTPS (the challenge bound to its connection), bearer tokens (delegated and
 * app-only, refused ones with x-ms-diagnostics), ExchangeImpersonation allowed and denied,
 * X-AnchorMailbox recorded, and delegate access through a Mailbox in the folder id.
 */
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import {
  Folder,
  FolderId,
  Mailbox,
  ServiceError,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EwsFake } from './ews-fake.js';
import { exchangeService, rejectionOf, type Credentials } from './library-client.js';
import { closeAgent, envelope, postSoap } from './raw-soap.js';
import { CONTOSO } from './seed/contoso-accounts.js';
import { seedContoso } from './seed/contoso-seed.js';
import { UNPARSABLE_TOKEN, WRONG_AUDIENCE } from './auth/bearer.js';

/** The NTLM client @ewsjs/xhr itself uses (resolved through it, not a dependency of ours). */
interface NtlmClient {
  createType1Message(workstation: string, domain: string): string;
  decodeType2Message(header: string): { version: number };
  createType3Message(
    type2: unknown,
    user: string,
    password: string,
    workstation: string,
    domain: string,
  ): string;
}
const ntlmClient = createRequire(createRequire(import.meta.url).resolve('@ewsjs/xhr'))(
  '@ewsjs/ntlm-client',
) as NtlmClient;

let fake: EwsFake;

beforeAll(async () => {
  fake = await EwsFake.start({ plainHttp: true });
  seedContoso(fake);
});

afterAll(async () => {
  await closeAgent(fake);
  await fake.close();
});

const { alice, joerg, service: svc, helpdesk, tokens } = CONTOSO;

function contactsName(service: ExchangeService): Promise<string> {
  return Folder.Bind(service, WellKnownFolderName.Contacts).then((folder) => folder.DisplayName);
}

function connect(
  credentials: Credentials,
  options: Parameters<typeof exchangeService>[2] = {},
): ExchangeService {
  return exchangeService(fake, credentials, options);
}

describe('Basic', () => {
  it('signs in as DOMAIN\\user and as UPN, with a UTF-8 password', async () => {
    expect(await contactsName(connect({ kind: 'basic', user: alice.signIn, password: alice.password }))).toBe(
      'Contacts',
    );
    expect(await contactsName(connect({ kind: 'basic', user: alice.upn, password: alice.password }))).toBe(
      'Contacts',
    );
    expect(await contactsName(connect({ kind: 'basic', user: joerg.signIn, password: joerg.password }))).toBe(
      'Kontakte',
    );
    expect(fake.log.operations().at(-1)?.principal).toBe('CONTOSO\\joerg');
  });

  it('answers a wrong password with 401 and an empty body, offering every scheme', async () => {
    const refused = await rejectionOf(
      contactsName(connect({ kind: 'basic', user: alice.signIn, password: 'wrong' })),
    );
    expect(refused.httpStatusCode).toBe(401);
    const answer = await postSoap(fake, envelope('<m:GetFolder/>'), {
      authorization: 'Basic YWxpY2U6d3Jvbmc=',
    });
    expect([answer.status, answer.body]).toEqual([401, '']);
    expect(answer.headers['www-authenticate']).toContain('NTLM');
    expect(answer.headers['www-authenticate']).toContain('Basic realm="127.0.0.1"');
  });
});

describe('NTLM', () => {
  it('completes the handshake over plain HTTP: GET with the negotiate, POST with the NTLMv2 response', async () => {
    fake.log.clear();
    const service = connect(
      { kind: 'ntlm', user: alice.signIn, password: alice.password },
      { plainHttp: true },
    );
    expect(await contactsName(service)).toBe('Contacts');
    expect(fake.log.all().map((entry) => [entry.method, entry.status, entry.authScheme])).toEqual([
      ['GET', 401, 'ntlm'],
      ['POST', 200, 'ntlm'],
    ]);
    expect(fake.log.all()[1]?.principal).toBe('CONTOSO\\alice');
  });

  it('completes it over HTTPS, with a non-ASCII password too', async () => {
    expect(await contactsName(connect({ kind: 'ntlm', user: joerg.signIn, password: joerg.password }))).toBe(
      'Kontakte',
    );
  });

  it('answers a wrong password with 401', async () => {
    const service = connect({ kind: 'ntlm', user: alice.signIn, password: 'wrong' }, { plainHttp: true });
    const refused = await rejectionOf(contactsName(service));
    expect(refused.httpStatusCode).toBe(401);
    expect(fake.log.all().at(-1)?.body).toContain('m:GetFolder');
  });

  it('sends a challenge with the NTLM2-key flag, valid only on the connection it was issued on', async () => {
    const sameSocket = new Agent({ keepAlive: true, maxSockets: 1 });
    const challenge = await rawHttp(sameSocket, 'GET', ntlmClient.createType1Message('.', 'CONTOSO'));
    const type2 = ntlmClient.decodeType2Message(challenge.headers['www-authenticate'] ?? '');
    expect([challenge.status, type2.version]).toEqual([401, 2]);
    const type3 = ntlmClient.createType3Message(type2, 'alice', alice.password, '.', 'CONTOSO');
    const elsewhere = await rawHttp(new Agent({ keepAlive: false }), 'POST', type3);
    expect(elsewhere.status).toBe(401);
    const again = await rawHttp(sameSocket, 'GET', ntlmClient.createType1Message('.', 'CONTOSO'));
    const type3Again = ntlmClient.createType3Message(
      ntlmClient.decodeType2Message(again.headers['www-authenticate'] ?? ''),
      'alice',
      alice.password,
      '.',
      'CONTOSO',
    );
    expect((await rawHttp(sameSocket, 'POST', type3Again)).status).toBe(200);
    sameSocket.destroy();
  });
});

describe('Bearer', () => {
  it('accepts a delegated token (JWT-shaped) and acts as its user', async () => {
    expect(await contactsName(connect({ kind: 'bearer', token: tokens.aliceDelegated }))).toBe('Contacts');
    expect(fake.log.operations().at(-1)?.authScheme).toBe('bearer');
  });

  it('refuses unknown, foreign-audience and revoked tokens with 401 and x-ms-diagnostics', async () => {
    const unknown = await rejectionOf(contactsName(connect({ kind: 'bearer', token: 'not-a-token' })));
    expect(unknown.httpStatusCode).toBe(401);
    const foreign = await postSoap(fake, envelope('<m:GetFolder/>'), {
      authorization: `Bearer ${tokens.graphAudience}`,
    });
    expect([foreign.status, foreign.body, foreign.headers['x-ms-diagnostics']]).toEqual([
      401,
      '',
      WRONG_AUDIENCE,
    ]);
    expect(foreign.headers['www-authenticate']).toContain('error="invalid_token"');
    const revoked = 'token-about-to-be-revoked';
    fake.tokens.add(revoked, { upn: alice.upn });
    expect(await contactsName(connect({ kind: 'bearer', token: revoked }))).toBe('Contacts');
    fake.tokens.revoke(revoked, UNPARSABLE_TOKEN);
    expect(
      (await rejectionOf(contactsName(connect({ kind: 'bearer', token: revoked })))).httpStatusCode,
    ).toBe(401);
  });

  it('requires ExchangeImpersonation for an app-only token', async () => {
    const refused = await rejectionOf(
      contactsName(connect({ kind: 'bearer', token: tokens.appWithImpersonation })),
    );
    expect([refused.httpStatusCode, refused.serviceError]).toEqual([
      500,
      ServiceError.ErrorInvalidExchangeImpersonationHeaderData,
    ]);
    expect(refused.message).toBe(
      'ExchangeImpersonation SOAP header must be present for this type of OAuth token.',
    );
  });
});

describe('ExchangeImpersonation', () => {
  it('lets an app with full_access_as_app work in any mailbox, recording the anchor', async () => {
    const service = connect(
      { kind: 'bearer', token: tokens.appWithImpersonation },
      { impersonate: joerg.smtp },
    );
    expect(await contactsName(service)).toBe('Kontakte');
    const entry = fake.log.operations('GetFolder').at(-1)!;
    expect([entry.impersonated, entry.anchorMailbox, entry.principal]).toEqual([
      joerg.smtp,
      joerg.smtp,
      'dirbridge',
    ]);
    expect(entry.body).toContain(
      `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${joerg.smtp}</t:SmtpAddress>`,
    );
  });

  it('lets a service account holding ApplicationImpersonation work in a user mailbox', async () => {
    const service = connect(
      { kind: 'basic', user: svc.signIn, password: svc.password },
      { impersonate: alice.smtp },
    );
    expect(await contactsName(service)).toBe('Contacts');
  });

  it('denies it to accounts and apps without the role', async () => {
    for (const credentials of [
      { kind: 'basic', user: alice.signIn, password: alice.password },
      { kind: 'bearer', token: tokens.appWithoutImpersonation },
    ] as const) {
      const refused = await rejectionOf(contactsName(connect(credentials, { impersonate: joerg.smtp })));
      expect([refused.httpStatusCode, refused.serviceError]).toEqual([
        500,
        ServiceError.ErrorImpersonateUserDenied,
      ]);
      expect(refused.message).toBe('The account does not have permission to impersonate the requested user.');
    }
  });

  it('reports an address without a mailbox', async () => {
    const service = connect(
      { kind: 'basic', user: svc.signIn, password: svc.password },
      { impersonate: 'nobody@contoso.com' },
    );
    const refused = await rejectionOf(contactsName(service));
    expect(refused.serviceError).toBe(ServiceError.ErrorNonExistentMailbox);
  });

  it('tells a mailbox-less account to name a mailbox for distinguished folders', async () => {
    const refused = await rejectionOf(
      contactsName(connect({ kind: 'basic', user: svc.signIn, password: svc.password })),
    );
    expect(refused.serviceError).toBe(ServiceError.ErrorMissingEmailAddress);
  });
});

describe('delegate access', () => {
  it('opens another mailbox with FullAccess, and is denied without', async () => {
    const service = connect({ kind: 'basic', user: helpdesk.signIn, password: helpdesk.password });
    const folder = await Folder.Bind(
      service,
      new FolderId(WellKnownFolderName.Contacts, new Mailbox(alice.smtp)),
    );
    expect(folder.TotalCount).toBe(10);
    const refused = await rejectionOf(
      Folder.Bind(service, new FolderId(WellKnownFolderName.Contacts, new Mailbox(joerg.smtp))),
    );
    expect(refused.serviceError).toBe(ServiceError.ErrorAccessDenied);
  });
});

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
}

/** One request on the fake's plain-HTTP endpoint through `agent`, with `Authorization: NTLM …`. */
function rawHttp(agent: Agent, method: 'GET' | 'POST', authorization: string): Promise<HttpAnswer> {
  const url = new URL(fake.httpUrl!);
  const body =
    method === 'POST'
      ? envelope(
          '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="contacts"/></m:FolderIds></m:GetFolder>',
        )
      : '';
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method,
        agent,
        headers: {
          authorization,
          'content-type': 'text/xml; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: { 'www-authenticate': response.headers['www-authenticate'] },
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
