/**
 * listDirectoryPeople through the real client: 3,000 people in pages of 1,000, a sync token on
 * the last page only, changes and deletions reported once by the next sync, delayed visibility,
 * expiry, and the errors Google gives for bad requests and unfit callers.
 */
import type { people_v1 } from '@googleapis/people';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleFake } from './google-fake.js';
import { interceptedJwtClient, peopleApi, refreshTokenClient } from './google-test-clients.js';
import { SCOPES } from './people-scopes.js';

const PROFILE = 'DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE';
// Every field is rendered in person-json.test.ts; a leaner mask keeps 3,000 people quick to page.
const MASK = 'names,emailAddresses,organizations,metadata';

let fake: GoogleFake;
let api: people_v1.People;
let subject: string;

beforeAll(async () => {
  fake = await GoogleFake.start();
  subject = fake.seedDirectory({ count: 3000, domainContacts: 25 })[0]!.data.emailAddresses![0]!.value;
  api = connect();
});

/** A fresh client: after the fake clock jumps a week its tokens are expired, and JWT clients never refresh after a 401. */
function connect(): people_v1.People {
  return peopleApi(fake, interceptedJwtClient(fake, { subject, scopes: [SCOPES.directoryReadonly] }));
}
afterAll(() => fake.stop());

interface SyncRound {
  readonly people: people_v1.Schema$Person[];
  readonly pages: number;
  readonly syncToken: string;
}

/** One full or incremental sync, paged to the end, checking sync tokens only come last. */
async function syncRound(syncToken?: string, readMask = MASK): Promise<SyncRound> {
  const people: people_v1.Schema$Person[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const { data } = await api.people.listDirectoryPeople({
      sources: [PROFILE],
      readMask,
      pageSize: 1000,
      requestSyncToken: true,
      ...(syncToken === undefined ? {} : { syncToken }),
      ...(pageToken === undefined ? {} : { pageToken }),
    });
    pages += 1;
    people.push(...(data.people ?? []));
    if (typeof data.nextPageToken === 'string') {
      expect(data.nextSyncToken).toBeUndefined();
      pageToken = data.nextPageToken;
      continue;
    }
    expect(typeof data.nextSyncToken).toBe('string');
    return { people, pages, syncToken: data.nextSyncToken! };
  }
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ status?: number; response?: { data?: unknown } }> {
  try {
    await promise;
  } catch (error) {
    return error as { status?: number; response?: { data?: unknown } };
  }
  throw new Error('expected the call to fail');
}

describe('full sync and incremental sync', () => {
  let token: string;
  let first: SyncRound;

  it('pages through 3,000 profiles, the sync token on the last page only', async () => {
    first = await syncRound();
    token = first.syncToken;
    expect(first.pages).toBe(3);
    expect(first.people).toHaveLength(3000);
    expect(new Set(first.people.map((person) => person.resourceName)).size).toBe(3000);
    expect(first.people.every((person) => person.metadata?.sources?.[0]?.type === 'DOMAIN_PROFILE')).toBe(
      true,
    );
  });

  it('reports one change, one deletion and one addition exactly once', async () => {
    const [changed, deleted] = [first.people[10]!, first.people[20]!];
    fake.domain.directory.change(changed.resourceName!, (data) => ({
      ...data,
      organizations: [{ name: 'Beispiel GmbH', title: 'Leiterin Vertrieb', department: 'Vertrieb' }],
    }));
    fake.domain.directory.delete(deleted.resourceName!);
    const added = fake.addDomainUser(`neu@example.com`, 'Zoë', 'Nuñez');

    const second = await syncRound(token);
    const byName = new Map(second.people.map((person) => [person.resourceName, person]));
    expect([...byName.keys()].sort()).toEqual(
      [changed.resourceName, deleted.resourceName, added.resourceName].sort(),
    );
    expect(byName.get(changed.resourceName)?.organizations?.[0]?.title).toBe('Leiterin Vertrieb');
    expect(byName.get(changed.resourceName)?.etag).not.toBe(changed.etag);
    expect(byName.get(deleted.resourceName)?.metadata?.deleted).toBe(true);
    expect(byName.get(deleted.resourceName)?.names).toBeUndefined();
    expect(byName.get(added.resourceName)?.names?.[0]?.displayName).toBe('Zoë Nuñez');

    const third = await syncRound(second.syncToken);
    expect(third.people).toEqual([]);
    token = third.syncToken;
  });

  it('holds back a change made visible to sync only after a delay', async () => {
    const target = first.people[30]!.resourceName!;
    fake.domain.directory.change(target, (data) => ({ ...data, locales: [{ value: 'fr' }] }), {
      syncDelayMs: 5 * 60_000,
    });
    const early = await syncRound(token);
    expect(early.people).toEqual([]);
    fake.clock.advance(5 * 60_000);
    const late = await syncRound(early.syncToken);
    expect(late.people.map((person) => person.resourceName)).toEqual([target]);
    token = late.syncToken;
  });

  it('refuses a sync token used with other parameters than the call that issued it', async () => {
    const error = await failure(syncRound(token, 'names'));
    expect(error.status).toBe(400);
    expect(error.response?.data).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
  });

  it('answers an expired sync token with FAILED_PRECONDITION / EXPIRED_SYNC_TOKEN', async () => {
    fake.clock.advance(7 * 24 * 60 * 60 * 1000 + 1);
    api = connect();
    const error = await failure(syncRound(token));
    expect(error.status).toBe(400);
    expect(error.response?.data).toEqual({
      error: {
        code: 400,
        message: 'Sync token is expired. Clear local cache and retry call without the sync token.',
        status: 'FAILED_PRECONDITION',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'EXPIRED_SYNC_TOKEN',
            domain: 'people.googleapis.com',
          },
        ],
      },
    });
  });

  it('expires every sync token on demand', async () => {
    const fresh = await syncRound(undefined, 'names');
    fake.expireSyncTokens();
    const error = await failure(syncRound(fresh.syncToken, 'names'));
    expect(error.response?.data).toMatchObject({ error: { details: [{ reason: 'EXPIRED_SYNC_TOKEN' }] } });
  });
});

describe('sources', () => {
  it('serves shared domain contacts only when asked for', async () => {
    const { data } = await api.people.listDirectoryPeople({
      sources: ['DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT'],
      readMask: 'names,phoneNumbers,metadata',
      pageSize: 100,
    });
    expect(data.people).toHaveLength(25);
    expect(data.people?.[0]?.resourceName).toMatch(/^people\/c\d+$/);
    expect(data.people?.[0]?.metadata?.sources?.[0]?.type).toBe('DOMAIN_CONTACT');
    expect(data.people?.[0]?.phoneNumbers?.[0]?.type).toBe('main');
  });
});

describe('request errors, worded as the real API', () => {
  it('requires readMask', async () => {
    const error = await failure(api.people.listDirectoryPeople({ sources: [PROFILE] }));
    expect(error.response?.data).toEqual({
      error: {
        code: 400,
        message:
          'readMask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.',
        status: 'INVALID_ARGUMENT',
      },
    });
  });

  it('requires sources', async () => {
    const error = await failure(api.people.listDirectoryPeople({ readMask: 'names' }));
    expect(error.status).toBe(400);
    expect(error.response?.data).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
  });

  it('rejects a mask path that is not a person field', async () => {
    const error = await failure(
      api.people.listDirectoryPeople({ sources: [PROFILE], readMask: 'names,etag' }),
    );
    expect(error.response?.data).toMatchObject({
      error: { message: expect.stringMatching(/^Invalid readMask mask path: "etag"\./) as unknown },
    });
  });

  it('rejects pageSize above 1000 and a forged page token', async () => {
    expect(
      (
        await failure(
          api.people.listDirectoryPeople({ sources: [PROFILE], readMask: 'names', pageSize: 1001 }),
        )
      ).status,
    ).toBe(400);
    const forged = await failure(
      api.people.listDirectoryPeople({ sources: [PROFILE], readMask: 'names', pageToken: 'bm90IGEgdG9rZW4' }),
    );
    expect(forged.status).toBe(400);
  });
});

describe('callers the directory refuses', () => {
  it('refuses a consumer account, which is no domain user', async () => {
    const grant = fake.grantConsent({ user: 'someone@gmail.com', scopes: [SCOPES.directoryReadonly] });
    const error = await failure(
      peopleApi(fake, refreshTokenClient(fake, grant.refreshToken)).people.listDirectoryPeople({
        sources: [PROFILE],
        readMask: 'names',
      }),
    );
    expect(error.response?.data).toMatchObject({
      error: { status: 'FAILED_PRECONDITION', message: 'Must be a G Suite domain user.' },
    });
  });

  it('answers 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT without directory.readonly', async () => {
    const grant = fake.grantConsent({ user: subject, scopes: [SCOPES.contactsReadonly] });
    const error = await failure(
      peopleApi(fake, refreshTokenClient(fake, grant.refreshToken)).people.listDirectoryPeople({
        sources: [PROFILE],
        readMask: 'names',
      }),
    );
    expect(error.status).toBe(403);
    expect(error.response?.data).toMatchObject({
      error: {
        message: 'Request had insufficient authentication scopes.',
        status: 'PERMISSION_DENIED',
        details: [{ reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com' }],
      },
    });
  });

  it('answers 403 SERVICE_DISABLED while the People API is off for the project', async () => {
    fake.setPeopleApiEnabled(false);
    try {
      const error = await failure(api.people.listDirectoryPeople({ sources: [PROFILE], readMask: 'names' }));
      expect(error.status).toBe(403);
      expect(error.response?.data).toMatchObject({
        error: {
          message: expect.stringMatching(
            /^People API has not been used in project 123456789012 before or it is disabled\. Enable it by visiting https:\/\/console\.developers\.google\.com\/apis\/api\/people\.googleapis\.com\/overview\?project=123456789012 then retry\./,
          ) as unknown,
          status: 'PERMISSION_DENIED',
          details: [
            {
              reason: 'SERVICE_DISABLED',
              metadata: { consumer: 'projects/123456789012', service: 'people.googleapis.com' },
            },
            { '@type': 'type.googleapis.com/google.rpc.Help' },
          ],
        },
      });
    } finally {
      fake.setPeopleApiEnabled(true);
    }
  });
});
