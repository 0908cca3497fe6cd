/**
 * A user's own contacts and "other contacts" through the real client, per impersonated user, and
 * the two search methods: searchContacts with its warm-up cache and 30-result cap, and
 * searchDirectoryPeople with its 500 page limit.
 */
import type { people_v1 } from '@googleapis/people';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleFake } from './google-fake.js';
import { interceptedJwtClient, peopleApi } from './google-test-clients.js';
import { SCOPES } from './people-scopes.js';

let fake: GoogleFake;
let alice: string;
let bob: string;
let asAlice: people_v1.People;
let asBob: people_v1.People;

beforeAll(async () => {
  fake = await GoogleFake.start();
  const [first, second] = fake.seedDirectory({ count: 600 });
  alice = first!.data.emailAddresses![0]!.value;
  bob = second!.data.emailAddresses![0]!.value;
  fake.seedContacts(alice, { count: 150 });
  fake.seedContacts(bob, { count: 3, seed: 9 });
  fake.seedOtherContacts(alice, { count: 40 });
  const scopes = [SCOPES.contactsReadonly, SCOPES.otherContactsReadonly, SCOPES.directoryReadonly];
  asAlice = peopleApi(fake, interceptedJwtClient(fake, { subject: alice, scopes }));
  asBob = peopleApi(fake, interceptedJwtClient(fake, { subject: bob, scopes }));
});
afterAll(() => fake.stop());

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

describe('people.connections.list', () => {
  it('requires personFields, in Google’s words', async () => {
    const error = await failure(asAlice.people.connections.list({ resourceName: 'people/me' }));
    expect(error.response?.data).toEqual({
      error: {
        code: 400,
        message:
          'personFields mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.',
        status: 'INVALID_ARGUMENT',
      },
    });
  });

  it('accepts only people/me', async () => {
    const error = await failure(
      asAlice.people.connections.list({ resourceName: 'people/c1', personFields: 'names' }),
    );
    expect(error.status).toBe(400);
  });

  it('pages the impersonated user’s contacts and syncs their changes only', async () => {
    const list = (params: people_v1.Params$Resource$People$Connections$List) =>
      asAlice.people.connections.list({
        resourceName: 'people/me',
        personFields: 'names,phoneNumbers',
        pageSize: 100,
        requestSyncToken: true,
        ...params,
      });
    const first = await list({});
    expect(first.data.connections).toHaveLength(100);
    expect(first.data).toMatchObject({ totalPeople: 150, totalItems: 150 });
    expect(first.data.nextSyncToken).toBeUndefined();
    const second = await list({ pageToken: first.data.nextPageToken! });
    expect(second.data.connections).toHaveLength(50);
    const syncToken = second.data.nextSyncToken!;

    const [changed, deleted] = fake.domain.contactsOf(alice).live();
    fake.domain.contactsOf(alice).change(changed!.resourceName, (data) => ({
      ...data,
      names: [{ givenName: 'Renée', familyName: 'Lefèvre' }],
    }));
    fake.domain.contactsOf(alice).delete(deleted!.resourceName);
    fake.domain.contactsOf(bob).add({ names: [{ givenName: 'Only', familyName: 'Bob' }] });

    const delta = await list({ syncToken });
    expect(
      delta.data.connections?.map((person) => [person.resourceName, person.metadata?.deleted ?? false]),
    ).toEqual([
      [changed!.resourceName, false],
      [deleted!.resourceName, true],
    ]);
    expect(delta.data.connections?.[0]?.names?.[0]?.displayName).toBe('Renée Lefèvre');
    // Bob's token space is his own: Alice's token means nothing there.
    const foreign = await failure(
      asBob.people.connections.list({
        resourceName: 'people/me',
        personFields: 'names,phoneNumbers',
        pageSize: 100,
        requestSyncToken: true,
        syncToken,
      }),
    );
    expect(foreign.status).toBe(400);
  });
});

describe('otherContacts.list', () => {
  it('lists with the CONTACT fields only', async () => {
    const { data } = await asAlice.otherContacts.list({
      readMask: 'names,emailAddresses,phoneNumbers',
      pageSize: 1000,
    });
    expect(data.otherContacts).toHaveLength(40);
    expect(data.totalSize).toBe(40);
    expect(data.otherContacts?.[0]?.resourceName).toMatch(/^otherContacts\/c\d+$/);
  });

  it('refuses a field outside the CONTACT source', async () => {
    const error = await failure(asAlice.otherContacts.list({ readMask: 'names,organizations' }));
    expect(error.status).toBe(400);
    expect(error.response?.data).toMatchObject({
      error: { message: expect.stringMatching(/^Invalid readMask mask path: "organizations"/) as unknown },
    });
  });

  it('answers 403 without the contacts.other.readonly scope', async () => {
    const api = peopleApi(
      fake,
      interceptedJwtClient(fake, { subject: alice, scopes: [SCOPES.contactsReadonly] }),
    );
    expect((await failure(api.otherContacts.list({ readMask: 'names' }))).status).toBe(403);
  });
});

describe('people.searchContacts', () => {
  it('finds nothing before the warm-up, then at most 30, then nothing new until warmed again', async () => {
    const search = (query: string, pageSize?: number) =>
      asAlice.people.searchContacts({
        query,
        readMask: 'names,emailAddresses',
        ...(pageSize === undefined ? {} : { pageSize }),
      });
    const target = fake.domain
      .contactsOf(alice)
      .live()
      .find((record) => record.data.names !== undefined)!;
    const family = target.data.names![0]!.familyName!;

    expect((await search(family)).data).toEqual({});
    expect((await search('')).data).toEqual({});
    const found = await search(family);
    expect(found.data.results?.map((result) => result.person?.resourceName)).toContain(target.resourceName);
    expect((await search(family.slice(0, 2).toLowerCase())).data.results?.length).toBeGreaterThan(0);

    const many = await search('+49', 50);
    expect(many.data.results).toHaveLength(30);
    expect((await search('a', 3)).data.results).toHaveLength(3);

    fake.domain.contactsOf(alice).add({ names: [{ givenName: 'Xaver', familyName: 'Quellmalz' }] });
    expect((await search('Quellmalz')).data).toEqual({});
    await search('');
    expect((await search('quellm')).data.results).toHaveLength(1);
  });
});

describe('people.searchDirectoryPeople', () => {
  it('finds by prefix, pages up to 500, refuses more', async () => {
    const params = { sources: ['DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE'], readMask: 'names,emailAddresses' };
    const first = await asAlice.people.searchDirectoryPeople({ ...params, query: 'müll', pageSize: 5 });
    expect(first.data.people).toHaveLength(5);
    expect(first.data.people?.every((person) => person.names?.[0]?.familyName === 'Müller')).toBe(true);
    const total = first.data.totalSize!;
    const rest = await asAlice.people.searchDirectoryPeople({
      ...params,
      query: 'müll',
      pageSize: 5,
      pageToken: first.data.nextPageToken!,
    });
    expect(rest.data.people?.[0]?.resourceName).not.toBe(first.data.people?.[0]?.resourceName);
    expect(total).toBeGreaterThan(5);
    expect(
      (await asAlice.people.searchDirectoryPeople({ ...params, query: 'muller', pageSize: 500 })).data
        .totalSize,
    ).toBe(total);
    expect(
      (await failure(asAlice.people.searchDirectoryPeople({ ...params, query: 'a', pageSize: 501 }))).status,
    ).toBe(400);
  });
});
