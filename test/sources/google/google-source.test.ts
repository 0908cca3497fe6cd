/**
 * The google source against the Google fake (test/fakes/google), through the real
 * `@googleapis/people` client and the replica engine: a full load of the directory (profiles and
 * shared contacts) with a sync token, changes from the saved token (changed, added, deleted), an
 * expired token listed again, a burst of quota errors retried, and `check` in plain words for a
 * missing delegation, a disabled People API and an unknown `adminEmail`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGoogleSource, type GoogleSource } from '../../../src/sources/google/index.js';
import { GoogleFake } from '../../fakes/google/google-fake.js';
import { googleReplica } from '../../support/google-replica.js';
import { namesFor as names } from '../../support/replica-engine-harness.js';

const signal = new AbortController().signal;
const PROFILES = 1200;
const SHARED = 15;
let fake: GoogleFake;
let admin: string;

beforeAll(async () => {
  fake = await GoogleFake.start({ domain: 'example.com', region: 'DE' });
  admin = fake.seedDirectory({ count: PROFILES, domainContacts: SHARED })[0]!.data.emailAddresses![0]!.value;
});

afterAll(() => fake.stop());

// A test that fails or times out midway must not leave the fake hanging or refusing for the next.
afterEach(() => {
  fake.faults.clear();
  fake.releaseHung();
});

function source(overrides: Record<string, unknown> = {}): GoogleSource {
  return createGoogleSource({
    name: 'workspace',
    type: 'google',
    serviceAccountKey: JSON.stringify(fake.serviceAccount.key),
    adminEmail: admin,
    rootUrl: fake.rootUrl,
    ...overrides,
  });
}

const directoryCalls = (): ReturnType<GoogleFake['requests']['all']> =>
  fake.requests.all('/v1/people:listDirectoryPeople');

describe('google source', () => {
  it('loads profiles and shared contacts in pages of 1000 and keeps the sync token as its cursor', async () => {
    fake.requests.clear();
    const google = source();
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(PROFILES + SHARED);
      expect(Object.keys(JSON.parse(engine.cursor!) as object)).toEqual(['directory']);
      const calls = directoryCalls();
      expect(calls).toHaveLength(2);
      expect(calls[0]!.query.sources).toEqual([
        'DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE',
        'DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT',
      ]);
      expect(calls[0]!.query.requestSyncToken).toEqual(['true']);
      expect(calls[0]!.query.pageSize).toEqual(['1000']);
      // A token by delegation: one token request, the admin as its subject.
      const tokenRequests = fake.requests.all('/token');
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]!.status).toBe(200);
      expect(tokenRequests[0]!.form?.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      const [header, claims] = tokenRequests[0]!
        .form!.assertion!.split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
      expect(header).toMatchObject({ alg: 'RS256', kid: fake.serviceAccount.key.private_key_id });
      expect(claims).toMatchObject({
        iss: fake.serviceAccount.key.client_email,
        sub: admin,
        scope: 'https://www.googleapis.com/auth/directory.readonly',
        aud: 'https://oauth2.googleapis.com/token',
      });
      const someone = fake.domain.directory.live()[7]!;
      const mail = someone.data.emailAddresses![0]!.value;
      const name = someone.data.names![0]!;
      const cn = name.displayName ?? `${name.givenName} ${name.familyName}`;
      expect(names(engine, `(mail=${mail})`)).toEqual([cn]);
    } finally {
      await google.close();
    }
  });

  it('maps phones by type, organisation, locale and kind', async () => {
    const google = source();
    try {
      const profile = fake.domain.directory.add({
        names: [{ givenName: 'Petra', familyName: 'Phone', displayName: 'Petra Phone' }],
        emailAddresses: [{ value: 'petra.phone@example.com', type: 'work' }],
        phoneNumbers: [
          { value: '089 1234567', type: 'work' },
          { value: '089 7654321', type: 'work' },
          { value: '0171 2345678', type: 'mobile' },
          { value: '089 1234568', type: 'workFax' },
          { value: '030 999', type: 'home' },
          { value: '0800 111', type: 'main' },
        ],
        organizations: [{ name: 'Example AG', title: 'Buyer', department: 'Purchasing' }],
        locales: [{ value: 'de' }],
        externalIds: [
          { value: 'EMP-4711', type: 'organization' },
          { value: 'KST-1', type: 'Kostenstelle' },
        ],
        userDefined: [{ key: 'extension', value: '4711' }],
      });
      const record = await google.get(profile.resourceName, signal);
      expect(record?.kind).toBe('user');
      expect(record?.fields).toMatchObject({
        displayName: ['Petra Phone'],
        familyName: ['Phone'],
        mail: ['petra.phone@example.com'],
        workPhone: ['+49891234567'],
        // A number Google cannot read has no canonicalForm: kept as written.
        otherPhones: ['+49897654321', '0800 111'],
        mobilePhone: ['+491712345678'],
        workFax: ['+49891234568'],
        homePhone: ['+4930999'],
        company: ['Example AG'],
        title: ['Buyer'],
        department: ['Purchasing'],
        preferredLanguage: ['de'],
        employeeId: ['EMP-4711'],
        'userDefined.extension': ['4711'],
        sourceType: ['DOMAIN_PROFILE'],
      });
      // The extension reaches ipPhone by the config's map, from a custom field or the employee id.
      for (const field of ['userDefined.extension', 'employeeId']) {
        const engine = googleReplica(source(), { ipPhone: field });
        await engine.sync(signal);
        expect(names(engine, `(ipPhone=${field === 'employeeId' ? 'EMP-4711' : '4711'})`)).toEqual([
          'Petra Phone',
        ]);
      }
      const shared = fake.domain.directory.live().find((person) => person.sourceType === 'DOMAIN_CONTACT')!;
      expect((await google.get(shared.resourceName, signal))?.kind).toBe('contact');
      fake.domain.directory.delete(profile.resourceName);
    } finally {
      await google.close();
    }
  });

  it('applies changes from the sync token: changed, added and deleted', async () => {
    const google = source();
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      const size = engine.size;
      const [changed, deleted] = fake.domain.directory
        .live()
        .filter((p) => p.sourceType === 'DOMAIN_PROFILE');
      fake.domain.directory.change(changed!.resourceName, (data) => ({
        ...data,
        names: [{ givenName: 'Changed', familyName: 'Person', displayName: 'Changed Person' }],
        phoneNumbers: [{ value: '089 5550199', type: 'work' }],
      }));
      fake.domain.directory.add({
        names: [{ givenName: 'New', familyName: 'Person', displayName: 'New Person' }],
        emailAddresses: [{ value: 'new.person@example.com', type: 'work' }],
      });
      fake.domain.directory.delete(deleted!.resourceName);
      fake.requests.clear();
      const outcome = await engine.sync(signal);
      const calls = directoryCalls();
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((call) => call.query.syncToken !== undefined)).toBe(true);
      expect(outcome?.applied).toEqual({ upserts: 2, deletions: 1 });
      expect(engine.size).toBe(size);
      expect(names(engine, '(telephoneNumber=+49895550199)')).toEqual(['Changed Person']);
      expect(names(engine, '(mail=new.person@example.com)')).toEqual(['New Person']);
      expect(names(engine, `(mail=${deleted!.data.emailAddresses![0]!.value})`)).toEqual([]);
    } finally {
      await google.close();
    }
  });

  it('lists everything again when the sync token expired, serving the copy meanwhile', async () => {
    const google = source();
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      const size = engine.size;
      fake.expireSyncTokens();
      fake.domain.directory.add({
        names: [{ givenName: 'Late', familyName: 'Comer', displayName: 'Late Comer' }],
        emailAddresses: [{ value: 'late.comer@example.com', type: 'work' }],
      });
      fake.requests.clear();
      await engine.sync(signal);
      const calls = directoryCalls();
      expect(calls[0]!.query.syncToken).toBeDefined();
      expect(calls[0]!.status).toBe(400);
      expect(calls.some((call) => call.query.syncToken === undefined)).toBe(true);
      expect(engine.size).toBe(size + 1);
      expect(names(engine, '(cn=Late Comer)')).toEqual(['Late Comer']);
    } finally {
      await google.close();
    }
  });

  it('rides out quota errors with retries and loses nothing', async () => {
    const google = source();
    const engine = googleReplica(google);
    try {
      fake.faults.quota({ times: 3 });
      fake.requests.clear();
      await engine.sync(signal);
      expect(directoryCalls().filter((call) => call.status === 429)).toHaveLength(3);
      expect(engine.size).toBe(fake.domain.directory.size);
    } finally {
      fake.faults.clear();
      await google.close();
    }
  });

  it('fails a round in a storm of quota errors, keeping the copy, and recovers after', async () => {
    const google = source();
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      const size = engine.size;
      fake.faults.quota({ storm: true });
      await expect(engine.sync(signal)).rejects.toThrow(/quota is exhausted.*next try in \d+ s$/);
      expect(engine.size).toBe(size);
      // A second refused round pauses 1 to 2 change intervals (jittered): the next tick is skipped.
      await expect(engine.sync(signal)).rejects.toThrow(/quota is exhausted/);
      const interval = google.settings.changeIntervalMs;
      const rounds = vi.fn();
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
      try {
        google.onChange(rounds);
        vi.advanceTimersByTime(interval);
        expect(rounds).not.toHaveBeenCalled();
        vi.advanceTimersByTime(interval);
        expect(rounds).toHaveBeenCalledTimes(1);
      } finally {
        vi.useRealTimers();
      }
      fake.faults.clear();
      await engine.sync(signal);
      expect(engine.size).toBe(size);
    } finally {
      fake.faults.clear();
      await google.close();
    }
  }, 25_000);

  it('gets a new token when Google stops accepting the cached one', async () => {
    const google = source();
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      fake.accessTokens.revoke();
      fake.requests.clear();
      fake.domain.directory.add({
        names: [{ givenName: 'After', familyName: 'Revoke', displayName: 'After Revoke' }],
        emailAddresses: [{ value: 'after.revoke@example.com', type: 'work' }],
      });
      await engine.sync(signal);
      expect(names(engine, '(cn=After Revoke)')).toEqual(['After Revoke']);
      // The 401 dropped the token: a new one was asked for once, and the call made again.
      const tokenRequests = fake.requests.all('/token');
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]!.status).toBe(200);
      expect(tokenRequests[0]!.form?.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      const [header, claims] = tokenRequests[0]!
        .form!.assertion!.split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
      expect(header).toMatchObject({ alg: 'RS256', kid: fake.serviceAccount.key.private_key_id });
      expect(claims).toMatchObject({
        iss: fake.serviceAccount.key.client_email,
        sub: admin,
        scope: 'https://www.googleapis.com/auth/directory.readonly',
        aud: 'https://oauth2.googleapis.com/token',
      });
      expect(directoryCalls().map((call) => call.status)).toEqual([401, 200]);
    } finally {
      await google.close();
    }
  });

  it('gives up on a request Google does not answer within timeout, keeping the copy', async () => {
    const google = source({ timeout: 1 });
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      const size = engine.size;
      // One hung request: were it tried again, the second try would answer and the round succeed.
      fake.faults.hang({ times: 1 });
      const asked = fake.requests.all().filter((r) => r.path.startsWith('/v1/')).length;
      const started = Date.now();
      const outcome = await engine.sync(signal).then(
        () => 'synced',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      expect(outcome).toMatch(/did not answer within 1 s \(`timeout`\)/);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(fake.requests.all().filter((r) => r.path.startsWith('/v1/')).length - asked).toBe(1);
      expect(engine.size).toBe(size);
    } finally {
      fake.faults.clear();
      fake.releaseHung();
      await google.close();
    }
  }, 20_000);

  it('checks in plain words: counts when all is well, what to fix when not', async () => {
    const good = source();
    try {
      const report = await good.check();
      expect(report.ok).toBe(true);
      expect(report.count).toBe(fake.domain.directory.size);
      expect(report.steps.find((step) => step.step === 'directory')?.detail).toMatch(
        new RegExp(`users \\(domain profiles\\) and ${SHARED} shared contacts served$`),
      );
      expect(report.samples).toHaveLength(3);
    } finally {
      await good.close();
    }
    const clientId = fake.serviceAccount.key.client_id;
    const cases: [() => void, Record<string, unknown>, string, RegExp][] = [
      [
        () => fake.delegation.set(clientId, []),
        {},
        'token',
        /no domain-wide delegation of https:\/\/www\.googleapis\.com\/auth\/directory\.readonly: in the Admin console .* add client id/,
      ],
      [
        () => undefined,
        { adminEmail: 'nobody@example.com' },
        'token',
        /`adminEmail` nobody@example\.com is not a user/,
      ],
      [() => fake.setPeopleApiEnabled(false), {}, 'directory', /the People API is disabled/],
    ];
    const scopes = fake.delegation.scopes(clientId);
    for (const [arrange, settings, step, sentence] of cases) {
      arrange();
      const bad = source(settings);
      try {
        const report = await bad.check();
        expect(report.ok).toBe(false);
        expect(report.steps.find((each) => each.step === step)?.detail).toMatch(sentence);
        expect(JSON.stringify(report)).not.toContain('PRIVATE KEY');
      } finally {
        fake.delegation.set(clientId, scopes);
        fake.setPeopleApiEnabled(true);
        await bad.close();
      }
    }
  });

  it('lists its fields with counts, and the phone types seen', async () => {
    const google = source();
    try {
      const fields = await google.fields();
      const byName = new Map(fields.map((field) => [field.name, field]));
      expect(byName.get('displayName')?.count).toBeGreaterThan(0);
      expect(byName.get('workPhone')?.description).toMatch(/the first of type work/);
      expect(byName.get('phoneNumbers[type=mobile]')?.count).toBeGreaterThan(0);
    } finally {
      await google.close();
    }
  });
});
