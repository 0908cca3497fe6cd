/**
 * The ews source's connection to Exchange, against the EWS fake through the real ews-javascript-api:
 * Basic, NTLM (its handshake over HTTPS trusting `tls.ca`) and bearer sign-ins; impersonation of
 * listed mailboxes, refused or of an unknown mailbox; and the library's traps handled by our XHR
 * layer: an untrusted certificate, a hanging server (also during the NTLM handshake) cut off by
 * `timeout`, an HTML, text or empty HTTP 500 and a 503 each rejecting with a sentence, and
 * ErrorServerBusy waited out for its BackOffMilliseconds a bounded number of times. A failure's
 * sentence never holds the password.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../../src/sources/source.js';
import { CONTOSO } from '../../fakes/ews/index.js';
import { startEwsFixture, type EwsFixture } from './ews-fixture.js';

const { alice, service: svc } = CONTOSO;
let fixture: EwsFixture;

beforeAll(async () => {
  fixture = await startEwsFixture();
});

afterEach(() => fixture.fake.faults.clear());

afterAll(() => fixture.fake.close());

async function check(overrides: Record<string, unknown> = {}): Promise<CheckReport> {
  const source = fixture.source(overrides);
  try {
    return await source.check();
  } finally {
    await source.close();
  }
}

/** The first failed step's sentence. */
function failure(report: CheckReport): string {
  const failed = report.steps.find((step) => !step.ok);
  expect(failed, JSON.stringify(report.steps)).toBeDefined();
  return failed!.detail;
}

describe('signing in', () => {
  it.each([
    ['basic', 'Basic authentication as CONTOSO\\alice', 'basic'],
    ['ntlm', 'NTLM as CONTOSO\\alice', 'ntlm'],
  ] as const)('%s over HTTPS trusting tls.ca', async (auth, words, scheme) => {
    fixture.fake.log.clear();
    const report = await check({ auth });
    expect(report.ok).toBe(true);
    expect(report.steps[0]).toMatchObject({ step: 'connection', ok: true });
    expect(report.steps[0]!.detail).toContain(words);
    expect(report.steps[0]!.detail).toContain('(Exchange 15.1 build 2507.6)');
    expect(report.steps[1]).toEqual({
      step: 'own mailbox',
      ok: true,
      detail: '13 contacts in 3 contact folders (Contacts 10, Suppliers 2, EU 1)',
    });
    const requests = fixture.fake.log.all().filter((entry) => entry.method === 'POST');
    expect(
      requests.every((entry) => entry.authScheme === scheme && entry.principal === 'CONTOSO\\alice'),
    ).toBe(true);
    // NTLM never lets the library's own Basic header (with the password) through.
    if (auth === 'ntlm')
      expect(
        fixture.fake.log.all().every((entry) => !/^basic/i.test(entry.headers.authorization ?? '')),
      ).toBe(true);
  });

  it('with a bearer token', async () => {
    const report = await check({
      auth: 'bearer',
      username: undefined,
      password: undefined,
      token: CONTOSO.tokens.aliceDelegated,
    });
    expect(report.ok).toBe(true);
    expect(report.steps[0]!.detail).toMatch(/^signed in to 127\.0\.0\.1:\d+ with a bearer token \(Exchange/);
  });

  it('with a tokenFile: a token renewed in the file is sent from the next request on', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dirbridge-ews-token-')), 'token');
    const [first, second] = ['renewed-token-1-7f3a', 'renewed-token-2-c91d'];
    fixture.fake.tokens.add(first, { upn: alice.upn });
    fixture.fake.tokens.add(second, { upn: alice.upn });
    writeFileSync(file, `${first}\n`);
    const source = fixture.source({
      auth: 'bearer',
      username: undefined,
      password: undefined,
      tokenFile: file,
    });
    try {
      expect((await source.check()).ok).toBe(true);
      // Entra ID's token expires; the renewer writes the next one (a new size or time tells it changed).
      fixture.fake.tokens.revoke(
        first,
        '2000008;reason="The token has expired.";error_category="invalid_token"',
      );
      writeFileSync(file, `${second}\n`);
      fixture.fake.log.clear();
      const report = await source.check();
      expect(report.ok, JSON.stringify(report.steps)).toBe(true);
      const sent = fixture.fake.log.all().map((entry) => entry.headers.authorization);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((header) => header === `Bearer ${second}`)).toBe(true);
      // Emptied mid-write, the file keeps its last token.
      writeFileSync(file, '');
      expect((await source.check()).ok).toBe(true);
    } finally {
      await source.close();
    }
  });

  it('with a tokenFile that cannot be read: the source names the file', () => {
    expect(() =>
      fixture.source({
        auth: 'bearer',
        username: undefined,
        password: undefined,
        tokenFile: '/nonexistent/token',
      }),
    ).toThrow('source exchange: tokenFile: cannot read /nonexistent/token (ENOENT)');
  });

  it.each(['basic', 'ntlm'])('%s with a wrong password: one sentence, without the password', async (auth) => {
    const report = await check({ auth, password: 'Wr0ng-Secret!' });
    expect(report.ok).toBe(false);
    expect(report.steps).toHaveLength(1);
    const sentence = failure(report);
    expect(sentence).toMatch(/^EWS refused the sign-in \(HTTP 401\): wrong user name or password/);
    expect(sentence).not.toContain('Wr0ng-Secret!');
  });

  it('a revoked or unknown token', async () => {
    const report = await check({
      auth: 'bearer',
      username: undefined,
      password: undefined,
      token: 'not-a-token-exchange-knows',
    });
    expect(failure(report)).toMatch(/^EWS refused the token \(HTTP 401/);
  });

  it.each(['basic', 'ntlm'])('%s without tls.ca: the certificate is not trusted', async (auth) => {
    const report = await check({ auth, tls: {} });
    expect(report.steps).toHaveLength(1);
    expect(failure(report)).toMatch(
      /^the Exchange server's TLS certificate is not trusted \(.+\): give the CA that issued it in tls\.ca$/,
    );
  });
});

describe('impersonation', () => {
  it('reads each listed mailbox as itself', async () => {
    fixture.fake.log.clear();
    const report = await check({
      username: svc.signIn,
      password: svc.password,
      mailboxes: [alice.smtp, CONTOSO.joerg.smtp],
    });
    expect(report.ok).toBe(true);
    expect(report.steps.map((step) => step.step)).toEqual([
      'connection',
      `mailbox ${alice.smtp}`,
      `mailbox ${CONTOSO.joerg.smtp}`,
      'changes',
    ]);
    // The German mailbox's Contacts folder is "Kontakte": found by its distinguished id.
    expect(report.steps[2]!.detail).toMatch(/^\d+ contacts in 1 contact folder \(Kontakte \d+\)$/);
    const impersonated = new Set(fixture.fake.log.all().map((entry) => entry.impersonated));
    expect(impersonated).toEqual(new Set([alice.smtp, CONTOSO.joerg.smtp]));
    expect(fixture.fake.log.all().every((entry) => entry.anchorMailbox === entry.impersonated)).toBe(true);
  });

  it('an app token with impersonation rights', async () => {
    const report = await check({
      auth: 'bearer',
      username: undefined,
      password: undefined,
      token: CONTOSO.tokens.appWithImpersonation,
      mailboxes: [alice.smtp],
    });
    expect(report.ok).toBe(true);
  });

  it('refused, and of a mailbox Exchange does not have: a sentence each, the others served', async () => {
    const refused = await check({ mailboxes: [CONTOSO.joerg.smtp] });
    expect(refused.steps[0]).toMatchObject({ step: 'connection', ok: true });
    expect(failure(refused)).toBe(
      `EWS refused to impersonate ${CONTOSO.joerg.smtp} (ErrorImpersonateUserDenied): give the account the ApplicationImpersonation role`,
    );
    const unknown = await check({
      username: svc.signIn,
      password: svc.password,
      mailboxes: ['nobody@contoso.com', alice.smtp],
    });
    expect(unknown.ok).toBe(false);
    expect(unknown.steps.map((step) => [step.step, step.ok])).toEqual([
      ['connection', true],
      ['mailbox nobody@contoso.com', false],
      [`mailbox ${alice.smtp}`, true],
      ['changes', true],
    ]);
    expect(failure(unknown)).toBe('Exchange has no mailbox nobody@contoso.com (ErrorNonExistentMailbox)');
  });
});

describe("the library's traps", () => {
  it('a hanging server is cut off by timeout', async () => {
    fixture.fake.faults.inject({ kind: 'hang' });
    const started = Date.now();
    const report = await check({ timeout: 1 });
    expect(failure(report)).toBe('EWS did not answer within 1 s (timeout)');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a hang during the NTLM handshake too', async () => {
    fixture.fake.faults.inject({ kind: 'hang-ntlm-handshake' });
    const report = await check({ auth: 'ntlm', timeout: 1 });
    expect(failure(report)).toBe('EWS did not answer within 1 s (timeout)');
  });

  it.each([
    [{ kind: 'html-500' } as const, 'HTTP 500 from EWS with an HTML page "500 - Internal server error."'],
    [
      { kind: 'text-500', body: 'nope' } as const,
      'HTTP 500 from EWS with a text/plain body instead of a SOAP fault: nope',
    ],
    [{ kind: 'text-500' } as const, 'HTTP 500 from EWS with an empty body'],
  ])('a non-SOAP 500 rejects with a sentence (%o)', async (fault, sentence) => {
    fixture.fake.faults.inject(fault);
    expect(failure(await check())).toBe(sentence);
  });

  it('an empty 500 leaves no unhandled rejection behind', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', record);
    try {
      fixture.fake.faults.inject({ kind: 'text-500' }, { times: 3 });
      expect(failure(await check())).toBe('HTTP 500 from EWS with an empty body');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('a 503 without a body', async () => {
    fixture.fake.faults.inject({ kind: 'unavailable-503' });
    expect(failure(await check())).toBe(
      'EWS is unavailable (HTTP 503): the server is overloaded or restarting',
    );
  });
});

describe('ErrorServerBusy', () => {
  it.each(['fault', 'response'] as const)(
    'as a %s: waited out for its BackOffMilliseconds, then the call is made again',
    async (where) => {
      fixture.fake.faults.inject({ kind: 'server-busy', backOffMilliseconds: 150, in: where }, { times: 2 });
      fixture.fake.log.clear();
      const started = Date.now();
      const report = await check();
      expect(report.ok).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(fixture.fake.log.operations('GetFolder')).toHaveLength(3);
    },
  );

  it('at most three times', async () => {
    fixture.fake.faults.inject({ kind: 'server-busy', backOffMilliseconds: 10 }, { times: 10 });
    fixture.fake.log.clear();
    expect(failure(await check())).toBe('Exchange is busy (ErrorServerBusy) and asked to wait 1 s');
    expect(fixture.fake.log.operations('GetFolder')).toHaveLength(4);
  });

  it('ErrorExceededConnectionCount is waited out too, and then named', async () => {
    fixture.fake.faults.inject({ kind: 'exceeded-connection-count' }, { times: 1 });
    expect((await check()).ok).toBe(true);
    fixture.fake.faults.inject({ kind: 'exceeded-connection-count' }, { times: 10 });
    expect(failure(await check())).toMatch(
      /^the account has more connections to EWS open than Exchange allows/,
    );
  });

  it('a back-off longer than a round can bear fails the round at once', async () => {
    fixture.fake.faults.inject({ kind: 'server-busy', backOffMilliseconds: 300_000 });
    fixture.fake.log.clear();
    expect(failure(await check())).toBe('Exchange is busy (ErrorServerBusy) and asked to wait 300 s');
    expect(fixture.fake.log.operations('GetFolder')).toHaveLength(1);
  });
});
