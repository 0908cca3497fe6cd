/**
 * `/v1.0/groups/{id}` and its transitive members through the real Graph client: the user cast with
 * the advanced query parameters it needs, paging by `$top` and `@odata.nextLink`, nested groups
 * flattened once, membership changes, the permission check and an unknown group.
 */
import {
  GraphError,
  PageIterator,
  type Client,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphGroup, GraphUser } from './directory-model.js';
import { FakeGraph } from './fake-graph.js';
import { appToken, graphClient, trustingAgent } from './graph-test-client.js';
import { SYNC_APP } from './identity.js';

let fake: FakeGraph;
let agent: Agent;
let client: Client;
let users: GraphUser[];
/** 250 users directly, and a nested group of 10 more (5 of them also direct members). */
let sales: GraphGroup;
let nested: GraphGroup;

const EVENTUAL = { ConsistencyLevel: 'eventual' };
const USER_MEMBERS = (id: string): string =>
  `/groups/${id}/transitiveMembers/microsoft.graph.user?$count=true&$select=id,userPrincipalName,mail`;

beforeAll(async () => {
  fake = await FakeGraph.start();
  agent = trustingAgent(fake);
  fake.seed({ users: 300, seed: 3 });
  users = fake.directory.users.all();
  nested = fake.directory.addGroup({
    displayName: 'Sales Nord',
    members: users.slice(245, 255).map((u) => u.id),
  });
  sales = fake.directory.addGroup({
    displayName: 'Sales',
    mail: 'sales@contoso.com',
    mailEnabled: true,
    members: [...users.slice(0, 250).map((u) => u.id), nested.id],
  });
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

describe('groups', () => {
  it('reads a group by id with its properties, not its members', async () => {
    const group = (await client.api(`/groups/${sales.id}`).get()) as Record<string, unknown>;
    expect(group).toMatchObject({
      '@odata.context': `${fake.graphUrl}/$metadata#groups/$entity`,
      id: sales.id,
      displayName: 'Sales',
      mail: 'sales@contoso.com',
      mailEnabled: true,
      securityEnabled: true,
      groupTypes: [],
    });
    expect(group).not.toHaveProperty('members');
    const picked = (await client.api(`/groups/${sales.id}`).select('displayName').get()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(picked)).toEqual(['@odata.context', 'id', 'displayName']);
  });

  it('lists the transitive user members once each, cast and paged by $top and nextLink', async () => {
    fake.requests.clear();
    const first = (await client
      .api(USER_MEMBERS(sales.id))
      .headers(EVENTUAL)
      .top(100)
      .get()) as PageCollection;
    expect(first['@odata.context']).toBe(`${fake.graphUrl}/$metadata#users(id,userPrincipalName,mail)`);
    expect(first['@odata.count']).toBe(255);
    expect(first['@odata.nextLink']).toMatch(
      /\$count=true&\$select=id,userPrincipalName,mail&\$top=100&\$skiptoken=/,
    );
    const members = await everyPage(first, EVENTUAL);
    expect(members.map((member) => member.id)).toEqual(users.slice(0, 255).map((user) => user.id));
    expect(Object.keys(members[0]!)).toEqual(['userPrincipalName', 'mail', 'id']);
    expect(fake.requests.to('/v1.0/groups')).toHaveLength(3);
    expect(
      fake.requests.to('/v1.0/groups').every((request) => request.headers.consistencylevel === 'eventual'),
    ).toBe(true);

    const big = (await client.api(USER_MEMBERS(sales.id)).headers(EVENTUAL).top(999).get()) as PageCollection;
    expect(big.value).toHaveLength(255);
    expect(big['@odata.nextLink']).toBeUndefined();
    await expect(client.api(USER_MEMBERS(sales.id)).headers(EVENTUAL).top(1000).get()).rejects.toThrow(
      /Must be between 1 and 999/,
    );
  });

  it('needs ConsistencyLevel: eventual and $count=true for the cast, as the docs say', async () => {
    const withoutHeader = await graphFailure(client.api(USER_MEMBERS(sales.id)).get());
    expect(withoutHeader.statusCode).toBe(400);
    expect(withoutHeader.code).toBe('Request_UnsupportedQuery');
    const withoutCount = await graphFailure(
      client.api(`/groups/${sales.id}/transitiveMembers/microsoft.graph.user`).headers(EVENTUAL).get(),
    );
    expect(withoutCount.code).toBe('Request_UnsupportedQuery');
  });

  it('lists nested groups too without a cast, typed by @odata.type; /members only the direct ones', async () => {
    const all = await everyPage(
      (await client
        .api(`/groups/${sales.id}/transitiveMembers`)
        .select('id,displayName')
        .top(999)
        .get()) as PageCollection,
    );
    expect(all).toHaveLength(256);
    expect(all.find((member) => member.id === nested.id)).toEqual({
      '@odata.type': '#microsoft.graph.group',
      id: nested.id,
      displayName: 'Sales Nord',
    });
    expect(all[0]?.['@odata.type']).toBe('#microsoft.graph.user');
    const direct = (await client.api(`/groups/${sales.id}/members`).top(999).get()) as PageCollection;
    expect(direct.value).toHaveLength(251);
  });

  it('follows member additions, removals and deleted users', async () => {
    const team = fake.directory.addGroup({ displayName: 'Team', members: [users[0]!.id] });
    const ids = async (): Promise<unknown[]> =>
      ((await client.api(USER_MEMBERS(team.id)).headers(EVENTUAL).get()) as PageCollection).value.map(
        (member: Record<string, unknown>) => member.id,
      );
    expect(await ids()).toEqual([users[0]!.id]);
    fake.directory.addMember(team.id, users[1]!.id);
    fake.directory.addMember(team.id, nested.id);
    expect(await ids()).toHaveLength(12);
    fake.directory.removeMember(team.id, nested.id);
    fake.directory.removeMember(team.id, users[0]!.id);
    expect(await ids()).toEqual([users[1]!.id]);
    fake.directory.deleteUser(users[1]!.id);
    expect(await ids()).toEqual([]);
    fake.directory.restoreUser(users[1]!.id);
    expect(() => fake.directory.addMember(team.id, 'no-such-id')).toThrow(/No live user or group/);
  });

  it('answers 404 Request_ResourceNotFound for an unknown group', async () => {
    const unknown = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
    for (const path of [`/groups/${unknown}`, USER_MEMBERS(unknown)]) {
      const error = await graphFailure(client.api(path).headers(EVENTUAL).get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('Request_ResourceNotFound');
      expect(error.message).toBe(
        `Resource '${unknown}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
  });

  it('refuses an app without a group permission with 403 Authorization_RequestDenied', async () => {
    const clientId = '3d2c1b0a-9f8e-4d7c-b6a5-948372615041';
    fake.identity.registerApp({
      ...SYNC_APP,
      clientId,
      applicationPermissions: ['User.Read.All', 'Contacts.Read'],
    });
    const token = await appToken(fake, agent, { ...SYNC_APP, clientId });
    const refused = graphClient(fake, agent, () => token);
    const error = await graphFailure(refused.api(USER_MEMBERS(sales.id)).headers(EVENTUAL).get());
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe('Authorization_RequestDenied');
    fake.identity.registerApp({ ...SYNC_APP, clientId, applicationPermissions: ['Group.Read.All'] });
    const granted = graphClient(fake, agent, () => appToken(fake, agent, { ...SYNC_APP, clientId }));
    expect(((await granted.api(`/groups/${sales.id}`).get()) as { id: string }).id).toBe(sales.id);
  });
});
