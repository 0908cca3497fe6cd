/**
 * `/v1.0/users` through the real Graph client: paging with PageIterator, $select defaults, $top,
 * $filter, and the ConsistencyLevel rules for $search and $count (CLOUD-APIS.md §1.2 and §5).
 */
import {
  GraphError,
  PageIterator,
  type Client,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphUser } from './directory-model.js';
import { FakeGraph } from './fake-graph.js';
import { appToken, getJson, graphClient, trustingAgent } from './graph-test-client.js';

let fake: FakeGraph;
let agent: Agent;
let client: Client;
let seeded: GraphUser[];

beforeAll(async () => {
  fake = await FakeGraph.start();
  agent = trustingAgent(fake);
  fake.seed({ users: 5000, seed: 11 });
  seeded = fake.directory.users.all();
  const token = await appToken(fake, agent);
  client = graphClient(fake, agent, () => token);
});

afterAll(async () => {
  await fake.close();
  await agent.close();
});

async function everyPage(
  first: PageCollection,
  headers?: Record<string, string>,
): Promise<Record<string, unknown>[]> {
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
  return items;
}

async function graphFailure(request: Promise<unknown>): Promise<GraphError> {
  const error: unknown = await request.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

const DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

describe('listing users', () => {
  it('pages 5,000 users with PageIterator over absolute https nextLinks with $skiptoken', async () => {
    fake.requests.clear();
    const first = (await client.api('/users').top(999).get()) as PageCollection;
    expect(first['@odata.nextLink']).toMatch(
      new RegExp(`^${fake.graphUrl}/users\\?\\$top=999&\\$skiptoken=`),
    );
    const users = await everyPage(first);
    expect(users).toHaveLength(5000);
    expect(new Set(users.map((user) => user.id)).size).toBe(5000);
    expect(users.map((user) => user.id)).toEqual(seeded.map((user) => user.id));
    const requests = fake.requests.to('/v1.0/users');
    expect(requests).toHaveLength(6);
    expect(requests.every((request) => request.query.$top === '999')).toBe(true);
    expect(requests.slice(1).every((request) => request.query.$skiptoken !== undefined)).toBe(true);
  });

  it('pages by 100 without $top, and has no nextLink on the last page', async () => {
    const page = (await client.api('/users').get()) as PageCollection;
    expect(page.value).toHaveLength(100);
    const last = (await client
      .api('/users')
      .top(999)
      .filter("startswith(displayName,'Zoë')")
      .get()) as PageCollection;
    expect(last['@odata.nextLink']).toBeUndefined();
  });

  it('returns the default property set without $select, in Graph’s order, nulls included', async () => {
    const page = (await client.api('/users').top(3).get()) as PageCollection;
    expect(page['@odata.context']).toBe(`${fake.graphUrl}/$metadata#users`);
    for (const user of page.value as Record<string, unknown>[])
      expect(Object.keys(user)).toEqual(DEFAULT_PROPERTIES);
    const noMobile = seeded.find((user) => user.mobilePhone === null)!;
    const one = (await client.api(`/users/${noMobile.id}`).get()) as Record<string, unknown>;
    expect(one.mobilePhone).toBeNull();
    expect(one).not.toHaveProperty('department');
  });

  it('returns department, faxNumber, companyName and extension attributes only when selected', async () => {
    const withExtension = seeded.find(
      (user) => user.onPremisesExtensionAttributes.extensionAttribute1 !== null,
    )!;
    const page = (await client
      .api('/users')
      .select('displayName,department,faxNumber,companyName,onPremisesExtensionAttributes')
      .filter(`id eq '${withExtension.id}'`)
      .get()) as PageCollection;
    expect(page['@odata.context']).toBe(
      `${fake.graphUrl}/$metadata#users(displayName,department,faxNumber,companyName,onPremisesExtensionAttributes)`,
    );
    const [user] = page.value as Record<string, unknown>[];
    expect(Object.keys(user!)).toEqual([
      'displayName',
      'department',
      'faxNumber',
      'companyName',
      'onPremisesExtensionAttributes',
      'id',
    ]);
    expect(user!.onPremisesExtensionAttributes).toMatchObject({
      extensionAttribute1: withExtension.onPremisesExtensionAttributes.extensionAttribute1,
      extensionAttribute15: null,
    });
  });

  it('refuses $top outside 1..999, an unknown $select property, and $skip', async () => {
    const top = await graphFailure(client.api('/users').top(1000).get());
    expect(top).toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    expect(top.message).toBe("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
    const select = await graphFailure(client.api('/users').select('displayName,skillz').get());
    expect(select).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    expect(select.message).toContain("Could not find a property named 'skillz'");
    const skip = await graphFailure(client.api('/users').skip(10).get());
    expect(skip.statusCode).toBe(400);
  });

  it('answers a Graph error with request ids the client reads', async () => {
    const error = await graphFailure(client.api('/users').top(0).get());
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.headers?.get('request-id')).toBe(error.requestId);
  });
});

describe('$filter', () => {
  it('filters on accountEnabled, eq, startswith, and/or, ignoring case', async () => {
    const disabled = (await client
      .api('/users')
      .filter('accountEnabled eq false')
      .top(999)
      .get()) as PageCollection;
    expect(disabled.value.map((user: { id: string }) => user.id)).toEqual(
      seeded.filter((user) => !user.accountEnabled).map((user) => user.id),
    );
    const joerg = (await everyPage(
      (await client
        .api('/users')
        .filter("startswith(displayName,'jörg') and startswith(surname,'M')")
        .get()) as PageCollection,
    )) as unknown as GraphUser[];
    expect(joerg.length).toBeGreaterThan(0);
    expect(joerg.every((user) => user.displayName!.startsWith('Jörg M'))).toBe(true);
    const target = seeded[42]!;
    const either = (await client
      .api('/users')
      .filter(
        `userPrincipalName eq '${target.userPrincipalName.toUpperCase()}' or mail eq 'nobody@contoso.com'`,
      )
      .get()) as PageCollection;
    expect(either.value).toHaveLength(1);
  });

  it('finds a number in businessPhones with any() once the + is encoded, and a doubled quote', async () => {
    const user = fake.directory.addUser({
      userPrincipalName: 'sean.obrien@contoso.com',
      displayName: "Seán O'Brien",
      businessPhones: ['+353 1 555 0100'],
    });
    try {
      // The client copies query values raw, so an unencoded + arrives as a space (CLOUD-APIS.md §1.2).
      const raw = (await client
        .api('/users')
        .filter("businessPhones/any(p:p eq '+353 1 555 0100')")
        .get()) as PageCollection;
      expect(raw.value).toEqual([]);
      const byPhone = (await client
        .api('/users')
        .filter(encodeURIComponent("businessPhones/any(p:p eq '+353 1 555 0100')"))
        .get()) as PageCollection;
      expect(byPhone.value.map((found: { id: string }) => found.id)).toEqual([user.id]);
      const byName = (await client
        .api('/users')
        .filter(encodeURIComponent("displayName eq 'Seán O''Brien'"))
        .get()) as PageCollection;
      expect(byName.value).toHaveLength(1);
    } finally {
      fake.directory.deleteUser(user.id, { permanent: true });
    }
  });

  it('needs the advanced form (ConsistencyLevel: eventual and $count=true) for endswith and ne', async () => {
    const plain = await graphFailure(client.api('/users').filter("endswith(mail,'@contoso.com')").get());
    expect(plain).toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    const advanced = (await client
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .filter("endswith(mail,'@contoso.com')")
      .count(true)
      .get()) as PageCollection;
    expect(advanced['@odata.count']).toBe(
      seeded.filter((user) => user.mail?.endsWith('@contoso.com') === true).length,
    );
  });

  it('refuses a property Entra ID cannot filter on, in Graph’s words', async () => {
    const error = await graphFailure(client.api('/users').filter("createdDateTime eq '2020-01-01'").get());
    expect(error.message).toBe(
      "Unsupported or invalid query filter clause specified for property 'createdDateTime' of resource 'User'.",
    );
  });
});

describe('ConsistencyLevel, $search and $count', () => {
  it('refuses $search without ConsistencyLevel: eventual (400 Request_UnsupportedQuery)', async () => {
    const error = await graphFailure(client.api('/users').search('"displayName:jörg"').get());
    expect(error).toMatchObject({ statusCode: 400, code: 'Request_UnsupportedQuery' });
    expect(error.message).toContain("special request header: 'ConsistencyLevel: eventual'");
  });

  it('searches by tokenized prefix with the header, and PageIterator needs the header again for page 2', async () => {
    const expected = seeded.filter((user) => /\b(jö|ma)/iu.test(user.displayName ?? '')).length;
    const query = encodeURIComponent('"displayName:jö" OR "displayName:ma"');
    const first = (await client
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .query({ $search: query, $count: 'true', $top: '100' })
      .get()) as PageCollection;
    expect(first['@odata.count']).toBe(expected);
    expect(expected).toBeGreaterThan(100);
    await expect(everyPage(first)).rejects.toMatchObject({
      statusCode: 400,
      code: 'Request_UnsupportedQuery',
    });
    const all = await everyPage(first, { ConsistencyLevel: 'eventual' });
    expect(all).toHaveLength(expected);
    expect(fake.requests.to('/v1.0/users').at(-1)?.headers.consistencylevel).toBe('eventual');
  });

  it('ignores ?$count=true without the header, and counts with it', async () => {
    const without = (await client.api('/users').count(true).top(1).get()) as PageCollection;
    expect(without).not.toHaveProperty('@odata.count');
    const counted = (await client
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .count(true)
      .top(1)
      .get()) as PageCollection;
    expect(counted['@odata.count']).toBe(5000);
  });

  it('answers /users/$count as text/plain with the header, 400 Request_BadRequest without', async () => {
    const count: unknown = await client.api('/users/$count').header('ConsistencyLevel', 'eventual').get();
    expect(count).toBe('5000');
    const filtered: unknown = await client
      .api('/users/$count')
      .header('ConsistencyLevel', 'eventual')
      .filter('accountEnabled eq false')
      .get();
    expect(filtered).toBe(String(seeded.filter((user) => !user.accountEnabled).length));
    const error = await graphFailure(client.api('/users/$count').get());
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'Request_BadRequest',
      message: '$count is not currently supported.',
    });
  });
});

describe('one user', () => {
  it('is found by id or by userPrincipalName, with $select', async () => {
    const user = seeded.find((candidate) => candidate.userType === 'Member')!;
    const byId = (await client.api(`/users/${user.id}`).get()) as Record<string, unknown>;
    expect(byId['@odata.context']).toBe(`${fake.graphUrl}/$metadata#users/$entity`);
    expect(byId.userPrincipalName).toBe(user.userPrincipalName);
    const byName = (await client
      .api(`/users/${user.userPrincipalName}`)
      .select('department')
      .get()) as Record<string, unknown>;
    expect(byName).toEqual({
      '@odata.context': `${fake.graphUrl}/$metadata#users(department)/$entity`,
      department: user.department,
      id: user.id,
    });
  });

  it('finds a guest whose UPN holds #EXT# when the # is percent-encoded', async () => {
    const guest = seeded.find((candidate) => candidate.userType === 'Guest')!;
    const found = (await client.api(`/users/${encodeURIComponent(guest.userPrincipalName)}`).get()) as Record<
      string,
      unknown
    >;
    expect(found.id).toBe(guest.id);
  });

  it('answers an unknown path segment as Graph’s OData layer does', async () => {
    const error = await graphFailure(client.api(`/users/${seeded[0]!.id}/photoz`).get());
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: "Resource not found for the segment 'photoz'.",
    });
  });

  it('answers 404 Request_ResourceNotFound for an unknown id', async () => {
    const error = await graphFailure(client.api('/users/00000000-0000-0000-0000-000000000000').get());
    expect(error).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
  });

  it('answers GET /me with an app-only token with Graph’s 400', async () => {
    const token = await appToken(fake, agent);
    const answer = await getJson(agent, `${fake.graphUrl}/me`, { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 'BadRequest', message: '/me request is only valid with delegated authentication flow.' },
    });
  });
});
