/**
 * Injected failures through the real library (and raw HTTP for the 500 it cannot survive):
 * ErrorServerBusy as a fault and inside a 200, ErrorExceededConnectionCount, hangs cut off by the
 * XhrApi timeout (also during the NTLM handshake), IIS's HTML 500, a text or empty 500, a bodiless
 * 503; N-times and per-operation injection; the request log.
 */
import {
  Folder,
  ItemView,
  ServiceError,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EwsFake } from './ews-fake.js';
import { exchangeService, rejectionOf } from './library-client.js';
import { basicAuthorization, closeAgent, postSoap } from './raw-soap.js';
import { CONTOSO } from './seed/contoso-accounts.js';
import { seedContoso } from './seed/contoso-seed.js';

const { alice } = CONTOSO;
const GET_CONTACTS =
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">' +
  '<soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="contacts"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>';

let fake: EwsFake;
let service: ExchangeService;
/** For hangs: gives up after 400 ms (the others keep the 5 s default, so a loaded machine does not fail them). */
let impatient: ExchangeService;

beforeAll(async () => {
  fake = await EwsFake.start({ plainHttp: true });
  seedContoso(fake);
  service = exchangeService(fake, { kind: 'basic', user: alice.signIn, password: alice.password });
  impatient = exchangeService(
    fake,
    { kind: 'basic', user: alice.signIn, password: alice.password },
    { timeoutMs: 400 },
  );
});

afterEach(() => fake.faults.clear());

afterAll(async () => {
  await closeAgent(fake);
  await fake.close();
});

const bindContacts = (client = service): Promise<Folder> => Folder.Bind(client, WellKnownFolderName.Contacts);

describe('throttling', () => {
  it('ErrorServerBusy: HTTP 500 fault whose BackOffMilliseconds the rejection carries; the library does not retry', async () => {
    fake.faults.inject({ kind: 'server-busy', backOffMilliseconds: 1234 });
    fake.log.clear();
    const busy = await rejectionOf(bindContacts());
    expect([busy.httpStatusCode, busy.serviceError, busy.details.get('BackOffMilliseconds')]).toEqual([
      500,
      ServiceError.ErrorServerBusy,
      '1234',
    ]);
    expect(busy.message).toBe('The server cannot service this request right now. Try again later.');
    expect(fake.log.operations()).toHaveLength(1);
    expect((await bindContacts()).TotalCount).toBe(10);
  });

  it('ErrorServerBusy inside a 200 response', async () => {
    fake.faults.inject({ kind: 'server-busy', backOffMilliseconds: 777, in: 'response' });
    const busy = await rejectionOf(bindContacts());
    expect([busy.constructorName, busy.serviceError, busy.details.get('BackOffMilliseconds')]).toEqual([
      'ServiceResponseException',
      ServiceError.ErrorServerBusy,
      '777',
    ]);
  });

  it('ErrorExceededConnectionCount with its policy details', async () => {
    fake.faults.inject({ kind: 'exceeded-connection-count' });
    const exceeded = await rejectionOf(bindContacts());
    expect([
      exceeded.httpStatusCode,
      exceeded.serviceError,
      exceeded.details.get('MaxConcurrencyLimit'),
    ]).toEqual([500, ServiceError.ErrorExceededConnectionCount, '27']);
  });

  it('serves a fault N times, and only to the operation named', async () => {
    fake.faults.inject({ kind: 'server-busy', backOffMilliseconds: 10 }, { times: 2, operation: 'FindItem' });
    expect((await bindContacts()).DisplayName).toBe('Contacts');
    const find = (): Promise<unknown> => service.FindItems(WellKnownFolderName.Contacts, new ItemView(1));
    expect((await rejectionOf(find())).serviceError).toBe(ServiceError.ErrorServerBusy);
    expect((await rejectionOf(find())).serviceError).toBe(ServiceError.ErrorServerBusy);
    await expect(find()).resolves.toBeDefined();
    expect(fake.faults.pending()).toBe(0);
  });
});

describe('servers that do not answer', () => {
  it('a hung request is cut off by the XhrApi timeout', async () => {
    fake.faults.inject({ kind: 'hang' });
    const started = Date.now();
    const hung = await rejectionOf(bindContacts(impatient));
    expect(hung.message).toBe('timeout of 400ms exceeded');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.log.operations('GetFolder').at(-1)?.status).toBeUndefined();
  });

  it('a hang during the NTLM handshake rejects too', async () => {
    fake.faults.inject({ kind: 'hang-ntlm-handshake' });
    const ntlm = exchangeService(
      fake,
      { kind: 'ntlm', user: alice.signIn, password: alice.password },
      { timeoutMs: 400, plainHttp: true },
    );
    const hung = await rejectionOf(bindContacts(ntlm));
    expect(hung.message).toBe("Cannot read properties of undefined (reading 'headers')");
  });

  it('a slow answer within the timeout is fine, beyond it is not', async () => {
    fake.faults.inject({ kind: 'delay', milliseconds: 50 });
    expect((await bindContacts()).DisplayName).toBe('Contacts');
    fake.faults.inject({ kind: 'delay', milliseconds: 800 });
    expect((await rejectionOf(bindContacts(impatient))).message).toBe('timeout of 400ms exceeded');
  });
});

describe('non-SOAP errors', () => {
  it("IIS's HTML 500 page rejects (as a plain object with the status)", async () => {
    fake.faults.inject({ kind: 'html-500' });
    const html = await rejectionOf(bindContacts());
    expect([html.httpStatusCode, html.constructorName]).toEqual([500, 'Object']);
  });

  it('503 without a body rejects with HttpStatusCode 503', async () => {
    fake.faults.inject({ kind: 'unavailable-503' });
    const unavailable = await rejectionOf(bindContacts());
    expect([unavailable.httpStatusCode, unavailable.message]).toEqual([503, '']);
  });

  // The unwrapped library never settles on these and throws an unhandled rejection that would end
  // the test process (CLOUD-APIS §3.5), so only the wire is checked here; the source's XhrApi
  // wrapper gets its own tests against this fake.
  it.each([
    ['text', { kind: 'text-500', body: 'nope' } as const, 'text/plain', 'nope'],
    ['empty', { kind: 'text-500' } as const, 'text/plain', ''],
  ])('a %s 500 goes out as such', async (_label, fault, contentType, body) => {
    fake.faults.inject(fault);
    const answer = await postSoap(fake, GET_CONTACTS, {
      authorization: basicAuthorization(alice.signIn, alice.password),
    });
    expect([answer.status, answer.headers['content-type'], answer.body]).toEqual([500, contentType, body]);
  });
});

describe('request log', () => {
  it('records operation, headers, scheme, principal, impersonation, anchor and body', async () => {
    fake.log.clear();
    const impersonating = exchangeService(
      fake,
      { kind: 'bearer', token: CONTOSO.tokens.appWithImpersonation },
      { impersonate: alice.smtp },
    );
    await bindContacts(impersonating);
    const [entry] = fake.log.all();
    expect(entry).toMatchObject({
      method: 'POST',
      path: '/EWS/Exchange.asmx',
      operation: 'GetFolder',
      authScheme: 'bearer',
      principal: 'dirbridge',
      impersonated: alice.smtp,
      anchorMailbox: alice.smtp,
      status: 200,
    });
    expect(entry?.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(entry?.headers.soapaction).toBeUndefined();
    expect(entry?.body).toContain('<m:GetFolder>');
  });
});
