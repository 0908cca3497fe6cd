/**
 * Delta queries through the real client: a full enumeration over several pages ending in a
 * deltaLink (PageIterator.getDeltaLink), later rounds with exactly the changes made in between,
 * removals, the `$select`/`$filter` rules, and both shapes of an expired token (CLOUD-APIS.md §5).
 */
import {
  GraphError,
  PageIterator,
  type Client,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import type { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGraph } from './fake-graph.js';
import { appToken, graphClient, trustingAgent } from './graph-test-client.js';

let fake: FakeGraph;
let agent: Agent;
let client: Client;

const SELECT = 'displayName,mail,accountEnabled,businessPhones';

beforeEach(async () => {
  fake = await FakeGraph.start();
  agent = trustingAgent(fake);
  fake.seed({ users: 250, orgContacts: 30, seed: 5 });
  const token = await appToken(fake, agent);
  client = graphClient(fake, agent, () => token);
});

afterEach(async () => {
  await fake.close();
  await agent.close();
});

interface Round {
  readonly items: Record<string, unknown>[];
  readonly deltaLink: string;
}

/** One delta round, followed to its deltaLink the way a source does it. */
async function round(url: string, headers?: Record<string, string>): Promise<Round> {
  const request = client.api(url);
  const first = (await (headers === undefined ? request : request.headers(headers)).get()) as PageCollection;
  const items: Record<string, unknown>[] = [];
  const iterator = new PageIterator(
    client,
    first,
    (item: Record<string, unknown>) => {
      items.push(item);
      return true;
    },
    headers === undefined ? undefined : { headers },
  );
  await iterator.iterate();
  const deltaLink = iterator.getDeltaLink();
  if (deltaLink === undefined) throw new Error('The round ended without a deltaLink');
  return { items, deltaLink };
}

async function failure(request: Promise<unknown>): Promise<GraphError> {
  const error: unknown = await request.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

function byId(items: readonly Record<string, unknown>[]): Map<unknown, Record<string, unknown>> {
  return new Map(items.map((item) => [item.id, item]));
}

describe('users delta', () => {
  it('enumerates every user over several pages, then hands a deltaLink; $select travels in the tokens', async () => {
    fake.requests.clear();
    const first = await round(`/users/delta?$select=${SELECT}`);
    expect(first.items).toHaveLength(250);
    expect(Object.keys(first.items[0]!)).toEqual([
      'displayName',
      'mail',
      'accountEnabled',
      'businessPhones',
      'id',
    ]);
    expect(first.deltaLink).toMatch(new RegExp(`^${fake.graphUrl}/users/delta\\?\\$deltatoken=[\\w.-]+$`));
    const requests = fake.requests.to('/v1.0/users/delta');
    expect(requests).toHaveLength(3);
    expect(requests[0]!.query.$select).toBe(SELECT);
    expect(requests.slice(1).map((request) => Object.keys(request.query))).toEqual([
      ['$skiptoken'],
      ['$skiptoken'],
    ]);
  });

  it('reports each change once in the next round: adds, changes, disables, soft and hard deletes', async () => {
    const first = await round(`/users/delta?$select=${SELECT}`);
    const [a, b, c, d, e] = fake.directory.users.all();
    const added = fake.directory.addUser({
      userPrincipalName: 'neu.zugang@contoso.com',
      displayName: 'Neu Zugang',
    });
    fake.directory.updateUser(a!.id, { displayName: 'Renamed Once' });
    fake.directory.updateUser(a!.id, { displayName: 'Renamed Twice' });
    fake.directory.disableUser(b!.id);
    fake.directory.deleteUser(c!.id);
    fake.directory.deleteUser(d!.id, { permanent: true });
    fake.directory.updateUser(e!.id, { department: 'Not selected, not reported' });

    const second = await round(first.deltaLink);
    expect(second.items.map((item) => item.id)).toEqual([added.id, a!.id, b!.id, c!.id, d!.id]);
    const items = byId(second.items);
    expect(items.get(added.id)).toMatchObject({ displayName: 'Neu Zugang', accountEnabled: true });
    expect(items.get(a!.id)).toMatchObject({ displayName: 'Renamed Twice', mail: a!.mail });
    expect(items.get(b!.id)).toMatchObject({ accountEnabled: false });
    expect(items.get(c!.id)).toEqual({ id: c!.id, '@removed': { reason: 'changed' } });
    expect(items.get(d!.id)).toEqual({ id: d!.id, '@removed': { reason: 'deleted' } });

    const third = await round(second.deltaLink);
    expect(third.items).toEqual([]);
    expect(third.deltaLink).not.toBe(second.deltaLink);
  });

  it('reports a restored user as present again, and a soft-deleted user later purged as deleted', async () => {
    const first = await round(`/users/delta?$select=${SELECT}`);
    const [a, b] = fake.directory.users.all();
    fake.directory.deleteUser(a!.id);
    fake.directory.deleteUser(b!.id);
    const second = await round(first.deltaLink);
    expect(second.items).toEqual([
      { id: a!.id, '@removed': { reason: 'changed' } },
      { id: b!.id, '@removed': { reason: 'changed' } },
    ]);
    fake.directory.restoreUser(a!.id);
    fake.directory.deleteUser(b!.id, { permanent: true });
    const third = await round(second.deltaLink);
    expect(third.items).toEqual([
      expect.objectContaining({ id: a!.id, displayName: a!.displayName }),
      { id: b!.id, '@removed': { reason: 'deleted' } },
    ]);
  });

  it('puts changes made while a round is being paged into the next round', async () => {
    const first = (await client.api(`/users/delta?$select=${SELECT}`).get()) as PageCollection;
    const late = fake.directory.users.all()[3]!;
    fake.directory.updateUser(late.id, { displayName: 'Changed mid-round' });
    const rest: Record<string, unknown>[] = [];
    const iterator = new PageIterator(client, first, (item: Record<string, unknown>) => {
      rest.push(item);
      return true;
    });
    await iterator.iterate();
    const next = await round(iterator.getDeltaLink()!);
    expect(next.items).toEqual([expect.objectContaining({ id: late.id, displayName: 'Changed mid-round' })]);
  });

  it('with Prefer: return=minimal sends only the changed properties', async () => {
    const first = await round(`/users/delta?$select=${SELECT}`);
    const user = fake.directory.users.all()[0]!;
    fake.directory.updateUser(user.id, { displayName: 'Minimal' });
    const second = await round(first.deltaLink, { Prefer: 'return=minimal' });
    expect(second.items).toEqual([{ displayName: 'Minimal', id: user.id }]);
  });

  it('tracks the default property set without $select', async () => {
    const first = await round('/users/delta');
    expect(Object.keys(first.items[0]!)).toContain('userPrincipalName');
    const [a, b] = fake.directory.users.all();
    fake.directory.updateUser(a!.id, { jobTitle: 'Default set: reported' });
    fake.directory.updateUser(b!.id, { faxNumber: '+49 30 1234-9999' });
    const second = await round(first.deltaLink);
    expect(second.items.map((item) => item.id)).toEqual([a!.id]);
  });

  it('takes $filter=id eq … on the first request only, and refuses any other filter', async () => {
    const [a, b] = fake.directory.users.all();
    const scoped = await round(
      `/users/delta?$select=displayName&$filter=id eq '${a!.id}' or id eq '${b!.id}'`,
    );
    expect(scoped.items.map((item) => item.id)).toEqual([a!.id, b!.id]);
    fake.directory.updateUser(a!.id, { displayName: 'Scoped change' });
    fake.directory.updateUser(fake.directory.users.all()[5]!.id, { displayName: 'Out of scope' });
    const next = await round(scoped.deltaLink);
    expect(next.items).toEqual([{ displayName: 'Scoped change', id: a!.id }]);
    const other = await failure(client.api('/users/delta').filter("startswith(displayName,'A')").get());
    expect(other).toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
  });

  it('answers $deltaToken=latest with no users and a deltaLink for what changes from now', async () => {
    const now = (await client
      .api(`/users/delta?$select=${SELECT}&$deltaToken=latest`)
      .get()) as PageCollection;
    expect(now.value).toEqual([]);
    expect(now['@odata.nextLink']).toBeUndefined();
    const user = fake.directory.users.all()[7]!;
    fake.directory.updateUser(user.id, { displayName: 'After latest' });
    const next = await round(now['@odata.deltaLink']!);
    expect(next.items).toEqual([expect.objectContaining({ id: user.id, displayName: 'After latest' })]);
  });

  it('refuses $select next to a $skiptoken', async () => {
    const first = (await client.api(`/users/delta?$select=${SELECT}`).get()) as PageCollection;
    const nextLink = first['@odata.nextLink']!;
    const error = await failure(client.api(`${nextLink}&$select=displayName`).get());
    expect(error.statusCode).toBe(400);
  });
});

describe('expired and unknown delta tokens', () => {
  it('answer 400 syncStateNotFound by default, and a new full round works', async () => {
    const first = await round(`/users/delta?$select=${SELECT}`);
    fake.delta.expireTokens();
    const error = await failure(client.api(first.deltaLink).get());
    expect(error).toMatchObject({ statusCode: 400, code: 'syncStateNotFound' });
    const again = await round(`/users/delta?$select=${SELECT}`);
    expect(again.items).toHaveLength(250);
  });

  it('can answer 410 Gone with a Location to restart from, which the client can follow', async () => {
    fake.delta.expiredShape = 'gone';
    const first = await round(`/users/delta?$select=${SELECT}`);
    fake.delta.expireTokens();
    const error = await failure(client.api(first.deltaLink).get());
    expect(error.statusCode).toBe(410);
    const location = error.headers?.get('location');
    expect(location).toBe(`${fake.graphUrl}/users/delta?$select=${SELECT}&$deltatoken=`);
    const restarted = await round(location!);
    expect(restarted.items).toHaveLength(250);
    expect(Object.keys(restarted.items[0]!)).toEqual([
      'displayName',
      'mail',
      'accountEnabled',
      'businessPhones',
      'id',
    ]);
  });

  it('keeps an id scope in the Location of a 410', async () => {
    fake.delta.expiredShape = 'gone';
    const id = fake.directory.users.all()[0]!.id;
    const first = await round(`/users/delta?$select=displayName&$filter=id eq '${id}'`);
    fake.delta.expireTokens();
    const error = await failure(client.api(first.deltaLink).get());
    const location = new URL(error.headers!.get('location')!);
    expect(location.searchParams.get('$filter')).toBe(`id eq '${id}'`);
    expect(location.searchParams.get('$deltatoken')).toBe('');
  });

  it('treat a token the fake never issued, or one from another collection, like an expired one', async () => {
    const garbage = await failure(client.api('/users/delta?$deltatoken=bm90LWEtdG9rZW4').get());
    expect(garbage).toMatchObject({ statusCode: 400, code: 'syncStateNotFound' });
    const contacts = await round('/contacts/delta?$select=displayName');
    const token = new URL(contacts.deltaLink).searchParams.get('$deltatoken')!;
    const foreign = await failure(client.api(`/users/delta?$deltatoken=${token}`).get());
    expect(foreign.code).toBe('syncStateNotFound');
  });

  it('expire skip tokens of a round in progress too', async () => {
    const first = (await client.api(`/users/delta?$select=${SELECT}`).get()) as PageCollection;
    fake.delta.expireTokens();
    const error = await failure(client.api(first['@odata.nextLink']!).get());
    expect(error.code).toBe('syncStateNotFound');
  });
});

describe('orgContacts delta', () => {
  it('enumerates orgContacts with phones by type, then reports changes and removals', async () => {
    const first = await round('/contacts/delta?$select=displayName,mail,phones,companyName');
    expect(first.items).toHaveLength(30);
    expect(first.items[0]!.phones).toEqual(
      expect.arrayContaining([{ type: 'business', number: expect.any(String) as string }]),
    );
    const [a, b] = fake.directory.orgContacts.all();
    fake.directory.updateOrgContact(a!.id, { phones: [{ type: 'businessFax', number: '+49 30 555-0199' }] });
    fake.directory.deleteOrgContact(b!.id, { permanent: true });
    const second = await round(first.deltaLink);
    expect(second.items).toEqual([
      {
        id: a!.id,
        displayName: a!.displayName,
        mail: a!.mail,
        phones: [{ type: 'businessFax', number: '+49 30 555-0199' }],
        companyName: a!.companyName,
      },
      { id: b!.id, '@removed': { reason: 'deleted' } },
    ]);
  });
});
