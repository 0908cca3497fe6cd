/**
 * `signOn: ropc` on the graph source against the Graph fake (test/fakes/graph): names claimed by
 * their form without asking Entra ID; each of Entra ID's verdicts as an LDAP result with the AADSTS
 * reason; a wrong password and an unknown name answered alike, also through the authenticator and
 * its throttle; no empty password sent; the concurrency bound answering busy; Entra ID unreachable,
 * throttling or refusing the app; the signed-on user's record for Who am I?; and `check`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Authenticator } from '../../../src/auth/authenticator.js';
import { SignOn } from '../../../src/auth/sign-on.js';
import type { AccessConfig, SourceConfig } from '../../../src/config/types.js';
import { createGraphSource, type GraphSource } from '../../../src/sources/graph/index.js';
import { RequestSlots } from '../../../src/sources/graph/request-slots.js';
import { CREDENTIALS_REFUSED } from '../../../src/sources/graph/ropc-verdict.js';
import type { AuthVerdict, LoginRef } from '../../../src/sources/source.js';
import { FakeGraph } from '../../fakes/graph/fake-graph.js';
import type { GraphUser } from '../../fakes/graph/directory-model.js';
import { SIGN_ON_APP, SYNC_APP, type SignOnRefusal } from '../../fakes/graph/identity.js';
import type { RecordedRequest } from '../../fakes/graph/request-log.js';

const signal = new AbortController().signal;
const PASSWORD = 'Correct horse 42!';
const WRONG = 'Wrong horse 42!';
/** The fake's token endpoint, whichever tenant segment. */
const TOKEN = /\/oauth2\/v2\.0\/token$/;

let fake: FakeGraph;
let caFile: string;
let alice: GraphUser;
const sources: GraphSource[] = [];

beforeAll(async () => {
  fake = await FakeGraph.start();
  caFile = join(mkdtempSync(join(tmpdir(), 'dirbridge-graph-sign-on-')), 'ca.pem');
  writeFileSync(caFile, fake.caCert);
  alice = fake.directory.addUser({ userPrincipalName: 'alice@contoso.com', displayName: 'Alice Anders' });
  fake.identity.setPassword(alice.userPrincipalName, PASSWORD);
});

afterAll(async () => {
  await Promise.all(sources.map((source) => source.close()));
  await fake.close();
});

beforeEach(() => {
  fake.faults.clear();
  fake.requests.clear();
});

/** A graph source signing on for contoso.com and ad.contoso.com; an override of undefined leaves a setting out. */
function source(overrides: Record<string, unknown> = {}): GraphSource {
  const settings: Record<string, unknown> = {
    name: 'm365',
    type: 'graph',
    tenant: fake.tenantId,
    clientId: SYNC_APP.clientId,
    clientSecret: SYNC_APP.clientSecret,
    authorityUrl: fake.url,
    graphUrl: fake.url,
    tls: { ca: caFile },
    signOn: 'ropc',
    upnSuffixes: ['contoso.com', 'ad.contoso.com'],
    ...overrides,
  };
  const config = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  const graph = createGraphSource(config as unknown as SourceConfig);
  sources.push(graph);
  return graph;
}

/** A user of the fake with the password, and what Entra ID says instead of a token, if anything. */
function user(upn: string, refusal?: SignOnRefusal): GraphUser {
  const added = fake.directory.addUser({ userPrincipalName: upn, displayName: upn.split('@')[0]! });
  fake.identity.setPassword(upn, PASSWORD);
  fake.identity.setSignOnRefusal(upn, refusal);
  return added;
}

/** resolveLogin, then authenticate, as the sign-on router does. */
async function signOn(graph: GraphSource, name: string, password: string): Promise<AuthVerdict> {
  const login = await graph.resolveLogin(name);
  if (!login) throw new Error(`${name} is not claimed`);
  return graph.authenticate(login, password, signal);
}

function tokenRequests(): readonly RecordedRequest[] {
  return fake.requests.to(TOKEN);
}

function form(request: RecordedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request.body));
}

function refusal(verdict: AuthVerdict): { code: string; diagnostic: string } {
  if (verdict.ok) throw new Error('signed on');
  return { code: verdict.code, diagnostic: verdict.diagnostic };
}

describe('names', () => {
  it('claims user@<suffix> by its form, without asking Entra ID or Graph', async () => {
    const graph = source();
    expect(graph.capabilities.signOn).toBe(true);
    expect(await graph.resolveLogin('alice@contoso.com')).toEqual({
      source: 'm365',
      account: 'alice@contoso.com',
    });
    expect(await graph.resolveLogin('Nobody.Here@CONTOSO.COM')).toEqual({
      source: 'm365',
      account: 'Nobody.Here@CONTOSO.COM',
    });
    for (const name of ['alice', 'alice@fabrikam.com', '@contoso.com', 'alice@', 'contoso\\alice'])
      expect(await graph.resolveLogin(name), name).toBeUndefined();
    expect(await graph.loginKey('Alice@Contoso.COM')).toBe('alice@contoso.com');
    expect(await graph.loginKey('nobody.here@contoso.com')).toBe('nobody.here@contoso.com');
    expect(await graph.loginKey('alice@fabrikam.com')).toBeUndefined();
    expect(fake.requests.count).toBe(0);
  });

  it('claims nothing with signOn off (the default)', async () => {
    const graph = source({ signOn: undefined, upnSuffixes: undefined });
    expect(graph.capabilities.signOn).toBe(false);
    expect(await graph.resolveLogin('alice@contoso.com')).toBeUndefined();
    expect(await graph.loginKey('alice@contoso.com')).toBeUndefined();
  });

  it('needs upnSuffixes with signOn: ropc, and refuses them without it', () => {
    expect(() => source({ upnSuffixes: undefined })).toThrow(/signOn: ropc needs upnSuffixes/);
    expect(() => source({ signOn: false })).toThrow(/upnSuffixes is set, but signOn is not ropc/);
    expect(() => source({ signOn: true })).toThrow(/signOn/);
    expect(() => source({ upnSuffixes: ['contoso'] })).toThrow(/upnSuffixes/);
  });

  it('binds a presented entry as its user’s UPN, asked of Graph by id', async () => {
    const graph = source();
    expect(await graph.loginOfRecord(alice.id, signal)).toEqual({
      source: 'm365',
      account: 'alice@contoso.com',
      recordId: alice.id,
    });
    expect(await graph.loginOfRecord('00000000-0000-4000-8000-000000000000', signal)).toBeUndefined();
  });
});

describe('verdicts', () => {
  it('signs alice on with one password grant and gives her record (her Graph id) for Who am I?', async () => {
    const verdict = await signOn(source(), 'alice@contoso.com', PASSWORD);
    expect(verdict).toEqual({
      ok: true,
      record: { id: alice.id, uuid: alice.id.toLowerCase(), kind: 'user', fields: { id: [alice.id] } },
    });
    const [request, ...more] = tokenRequests();
    expect(more).toEqual([]);
    expect(form(request!)).toEqual({
      grant_type: 'password',
      client_id: SYNC_APP.clientId,
      client_secret: SYNC_APP.clientSecret,
      scope: 'User.Read openid profile offline_access',
      username: 'alice@contoso.com',
      password: PASSWORD,
    });
  });

  it('signs on through a public client (signOnClientId) without a secret', async () => {
    const verdict = await signOn(
      source({ signOnClientId: SIGN_ON_APP.clientId }),
      'ALICE@contoso.com',
      PASSWORD,
    );
    expect(verdict.ok).toBe(true);
    const sent = form(tokenRequests()[0]!);
    expect(sent.client_id).toBe(SIGN_ON_APP.clientId);
    expect(sent).not.toHaveProperty('client_secret');
  });

  it('answers a wrong password and an unknown name alike: 49, the same diagnostic, one request each', async () => {
    const graph = source();
    const wrong = refusal(await signOn(graph, 'alice@contoso.com', WRONG));
    const unknown = refusal(await signOn(graph, 'nobody.here@contoso.com', WRONG));
    expect(wrong).toEqual({ code: 'invalidCredentials', diagnostic: CREDENTIALS_REFUSED });
    expect(unknown).toEqual(wrong);
    // Entra ID did tell them apart: 50126 and 50034.
    expect(tokenRequests().map((request) => request.outcome)).toEqual([400, 400]);
  });

  it.each([
    ['locked', 50053, /locked/],
    ['disabled', 50057, /disabled/],
    ['passwordExpired', 50055, /expired/],
    ['mfaRequired', 50076, /multi-factor authentication/],
    ['mfaRegistrationRequired', 50079, /register for multi-factor authentication/],
    ['conditionalAccess', 53003, /Conditional Access/],
  ] as const)('%s: invalidCredentials (49) with AADSTS%i and its reason', async (state, code, reason) => {
    user(`${state}@contoso.com`, state);
    const answer = refusal(await signOn(source(), `${state}@contoso.com`, PASSWORD));
    expect(answer.code).toBe('invalidCredentials');
    expect(answer.diagnostic).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(answer.diagnostic).toMatch(reason);
  });

  it('a user disabled in the directory is refused as disabled (50057)', async () => {
    const carol = user('carol@contoso.com');
    fake.directory.disableUser(carol.id);
    expect(refusal(await signOn(source(), 'carol@contoso.com', PASSWORD)).diagnostic).toMatch(
      /^AADSTS50057: /,
    );
  });

  it('a federated domain: 49, the words of a wrong password, and why ROPC cannot check it', async () => {
    user('dave@ad.contoso.com');
    const graph = source();
    const right = refusal(await signOn(graph, 'dave@ad.contoso.com', PASSWORD));
    const unknown = refusal(await signOn(graph, 'nobody@ad.contoso.com', PASSWORD));
    expect(right.code).toBe('invalidCredentials');
    expect(right.diagnostic).toBe(
      `${CREDENTIALS_REFUSED}; ad.contoso.com is federated (AD FS): Entra ID checks its passwords with ROPC only where a Home Realm Discovery policy allows cloud password validation`,
    );
    expect(unknown).toEqual(right);
    // The realm is the domain's, asked once.
    expect(fake.requests.to('/common/userrealm')).toHaveLength(1);
    // A managed domain's refusal says nothing more.
    expect(refusal(await signOn(graph, 'alice@contoso.com', WRONG)).diagnostic).toBe(CREDENTIALS_REFUSED);
  });

  it('never sends an empty password', async () => {
    const answer = refusal(await signOn(source(), 'alice@contoso.com', ''));
    expect(answer.code).toBe('invalidCredentials');
    expect(fake.requests.count).toBe(0);
  });

  it('a user the usersFilter leaves out signs on, without a record (no entry to present)', async () => {
    const graph = source({ usersFilter: "startswith(displayName,'Zz')" });
    expect(await signOn(graph, 'alice@contoso.com', PASSWORD)).toEqual({ ok: true });
    const zed = user('zz.top@contoso.com');
    const verdict = await signOn(graph, 'zz.top@contoso.com', PASSWORD);
    expect(verdict.ok && verdict.record?.id).toBe(zed.id);
  });
});

describe('Entra ID unreachable, throttling, or refusing the app', () => {
  it('a connection that breaks: unavailable (52), naming the source and the host', async () => {
    fake.faults.abort({ match: TOKEN, times: 1 });
    const answer = refusal(await signOn(source(), 'alice@contoso.com', PASSWORD));
    expect(answer.code).toBe('unavailable');
    expect(answer.diagnostic).toContain(`source m365: cannot reach ${fake.url}`);
    // Not retried: one bind is one sign-in attempt.
    expect(tokenRequests()).toHaveLength(1);
  });

  it('no answer within signOnTimeout: unavailable (52)', async () => {
    fake.faults.hang({ match: TOKEN, times: 1 });
    const answer = refusal(await signOn(source({ signOnTimeout: 1 }), 'alice@contoso.com', PASSWORD));
    expect(answer).toEqual({
      code: 'unavailable',
      diagnostic: `source m365: cannot reach ${fake.url}: no answer within 1 s`,
    });
  });

  it('a throttled token endpoint (429): busy (51), not retried', async () => {
    fake.faults.throttle({ match: TOKEN, status: 429, retryAfter: 7 });
    const answer = refusal(await signOn(source(), 'alice@contoso.com', PASSWORD));
    expect(answer).toEqual({
      code: 'busy',
      diagnostic: 'source m365: Entra ID is throttling sign-ons, try again (Retry-After: 7 s)',
    });
    expect(tokenRequests()).toHaveLength(1);
  });

  it('an app Entra ID does not know, or that needs a secret, or lacks consent: unavailable (52) naming the setting', async () => {
    const unknownApp = refusal(
      await signOn(
        source({ signOnClientId: '11111111-2222-4333-8444-555555555555' }),
        'alice@contoso.com',
        PASSWORD,
      ),
    );
    expect(unknownApp.code).toBe('unavailable');
    expect(unknownApp.diagnostic).toMatch(/AADSTS700016.*`signOnClientId`/);

    fake.identity.registerApp({
      ...SIGN_ON_APP,
      clientId: '22222222-3333-4444-8555-666666666666',
      publicClient: false,
      clientSecret: 'another-secret',
    });
    const confidential = refusal(
      await signOn(
        source({ signOnClientId: '22222222-3333-4444-8555-666666666666' }),
        'alice@contoso.com',
        PASSWORD,
      ),
    );
    expect(confidential.code).toBe('unavailable');
    expect(confidential.diagnostic).toMatch(/AADSTS7000218.*Allow public client flows/);

    fake.identity.updateApp(SIGN_ON_APP.clientId, { consentRequiredAtTokenTime: true });
    try {
      const consent = refusal(
        await signOn(source({ signOnClientId: SIGN_ON_APP.clientId }), 'alice@contoso.com', PASSWORD),
      );
      expect(consent.code).toBe('unavailable');
      expect(consent.diagnostic).toMatch(/AADSTS65001.*admin consent/);
    } finally {
      fake.identity.updateApp(SIGN_ON_APP.clientId, { consentRequiredAtTokenTime: false });
    }
  });
});

describe('concurrency', () => {
  it('sends at most signOnConcurrency at once; 4 more per slot wait their turn, any beyond are busy at once', async () => {
    fake.faults.delay({ match: TOKEN, ms: 150 });
    const graph = source({ signOnConcurrency: 1 });
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const verdict = await signOn(graph, 'alice@contoso.com', PASSWORD);
        return { verdict, after: Date.now() - started };
      }),
    );
    const busy = answers.filter(({ verdict }) => !verdict.ok);
    expect(busy).toHaveLength(1);
    expect(refusal(busy[0]!.verdict)).toEqual({
      code: 'busy',
      diagnostic: 'source m365: 1 sign-on check already running, 4 waiting; try again',
    });
    const signedOn = answers.filter(({ verdict }) => verdict.ok);
    expect(signedOn).toHaveLength(5);
    // Answered at once, before any of the others.
    expect(busy[0]!.after).toBeLessThan(Math.min(...signedOn.map(({ after }) => after)));
    // One at a time: five answers held back 150 ms each took at least 750 ms.
    expect(Math.max(...answers.map(({ after }) => after))).toBeGreaterThanOrEqual(740);
    expect(tokenRequests()).toHaveLength(5);
  });

  it('a wait for a turn that outlasts signOnTimeout gives up (the caller answers busy)', async () => {
    const slots = new RequestSlots(1, 50);
    expect(await slots.take()).toBe(true);
    const started = Date.now();
    expect(await slots.take()).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(slots.waiting).toBe(0);
    slots.release();
    expect(slots.running).toBe(0);
  });

  it('a sign-on whose client went away while it waited is not sent', async () => {
    fake.faults.delay({ match: TOKEN, ms: 100 });
    const graph = source({ signOnConcurrency: 1 });
    const login = (await graph.resolveLogin('alice@contoso.com')) as LoginRef;
    const gone = new AbortController();
    const first = graph.authenticate(login, PASSWORD, signal);
    const second = graph.authenticate(login, PASSWORD, gone.signal);
    gone.abort();
    expect((await second).ok).toBe(false);
    expect((await first).ok).toBe(true);
    expect(tokenRequests()).toHaveLength(1);
  });
});

describe('through the authenticator', () => {
  const ACCESS: AccessConfig = {
    anonymous: false,
    accounts: [],
    trustedAddresses: [],
    trustLoopback: true,
    signedOn: {},
    throttle: { loginFailures: 2, addressFailures: 100, delay: 1, maxDelay: 4, decay: 60, maxTracked: 100 },
  };

  function authenticator(graph: GraphSource): { auth: Authenticator; waits: number[] } {
    const waits: number[] = [];
    const auth = new Authenticator({
      access: ACCESS,
      suffix: 'dc=dirbridge,dc=local',
      signOn: new SignOn([{ mount: 'm365', source: graph }], {
        entryOf: () => undefined,
        dnOf: (mount, record) => `entryUUID=${record.uuid ?? record.id},ou=${mount},dc=dirbridge,dc=local`,
      }),
      now: () => 0,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      verifier: () => Promise.resolve(false),
    });
    return { auth, waits };
  }

  async function bindThrice(name: string, password: string): Promise<unknown[]> {
    const { auth, waits } = authenticator(source());
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      const outcome = await auth.bind(
        { name, password: Buffer.from(password), remoteAddress: '203.0.113.9', secure: true },
        signal,
      );
      outcomes.push(
        outcome.ok
          ? outcome
          : { code: outcome.code, diagnostic: outcome.diagnostic, delayedMs: outcome.delayedMs },
      );
    }
    return [...outcomes, { waits }];
  }

  it('a wrong password and an unknown name: the same answers and the same throttle delays', async () => {
    const wrong = await bindThrice('alice@contoso.com', WRONG);
    const unknown = await bindThrice('nobody.here@contoso.com', WRONG);
    expect(unknown).toEqual(wrong);
    expect(wrong[2]).toEqual({
      code: 'invalidCredentials',
      diagnostic: CREDENTIALS_REFUSED,
      delayedMs: 1000,
    });
    expect(tokenRequests()).toHaveLength(6);
  });

  it('signs alice on as her presented entry', async () => {
    const { auth } = authenticator(source());
    const outcome = await auth.bind(
      {
        name: 'alice@contoso.com',
        password: Buffer.from(PASSWORD),
        remoteAddress: '127.0.0.1',
        secure: false,
      },
      signal,
    );
    expect(outcome.ok && outcome.identity.authzId).toBe(
      `dn:entryUUID=${alice.id.toLowerCase()},ou=m365,dc=dirbridge,dc=local`,
    );
  });
});

describe('check', () => {
  it('says what ROPC cannot do, that Entra ID takes the app, and which suffixes are federated', async () => {
    const report = await source().check();
    const steps = Object.fromEntries(report.steps.map((step) => [step.step, step]));
    expect(steps.signOn).toMatchObject({ ok: true, warning: true });
    expect(steps.signOn!.detail).toMatch(
      /MFA.*Conditional Access.*federated.*passwordless.*personal.*discourages ROPC/,
    );
    expect(steps['signOn app']).toMatchObject({ ok: true });
    expect(steps['signOn app']!.detail).toContain(`clientId ${SYNC_APP.clientId}`);
    expect(steps['signOn domains']).toMatchObject({ ok: true, warning: true });
    expect(steps['signOn domains']!.detail).toMatch(/contoso\.com: managed.*ad\.contoso\.com: federated/);
    expect(report.ok).toBe(true);
    // The probe asked for a made-up user, and nobody's password was tried.
    const probe = form(tokenRequests().find((request) => form(request).grant_type === 'password')!);
    expect(probe.username).toMatch(/^dirbridge-check-[0-9a-f-]{36}@contoso\.com$/);
  });

  it('fails for a suffix that is not the tenant’s, and for an app Entra ID does not know', async () => {
    const report = await source({
      upnSuffixes: ['fabrikam.com'],
      signOnClientId: '11111111-2222-4333-8444-555555555555',
    }).check();
    const steps = Object.fromEntries(report.steps.map((step) => [step.step, step]));
    expect(steps['signOn app']).toMatchObject({ ok: false });
    expect(steps['signOn app']!.detail).toMatch(/AADSTS700016/);
    expect(steps['signOn domains']).toMatchObject({ ok: false });
    expect(steps['signOn domains']!.detail).toMatch(/fabrikam\.com: not a domain of this tenant/);
    expect(report.ok).toBe(false);
  });
});
