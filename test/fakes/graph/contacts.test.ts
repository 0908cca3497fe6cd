/**
 * orgContacts (`/contacts`) and mailbox contacts (`/users/{id}/contactFolders/…`) through the real
 * client: shapes, Exchange's $top/$skip paging, a folder's delta, `/me` rules, the permission and
 * mailbox errors, and the per-mailbox concurrency limit.
 */
import {
  GraphError,
  PageIterator,
  RetryHandlerOptions,
  type Client,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphUser } from './directory-model.js';
import { FakeGraph } from './fake-graph.js';
import { appToken, graphClient, requestToken, trustingAgent } from './graph-test-client.js';
import { SIGN_ON_APP, SYNC_APP } from './identity.js';
import type { Mailbox } from './mailbox-store.js';

let fake: FakeGraph;
let agent: Agent;
let client: Client;
let owner: GraphUser;
let mailbox: Mailbox;

beforeAll(async () => {
  fake = await FakeGraph.start();
  agent = trustingAgent(fake);
  const seeded = fake.seed({ users: 40, orgContacts: 12, mailboxes: 2, contactsPerMailbox: 25, seed: 3 });
  owner = fake.directory.user(seeded.mailboxUserIds[0]!);
  mailbox = fake.mailboxes.get(owner.id)!;
  const token = await appToken(fake, agent);
  client = graphClient(fake, agent, () => token);
});

afterAll(async () => {
  await fake.close();
  await agent.close();
});

async function failure(request: Promise<unknown>): Promise<GraphError> {
  const error: unknown = await request.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

async function everything(
  url: string,
  headers?: Record<string, string>,
): Promise<{ items: Record<string, unknown>[]; deltaLink?: string }> {
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
  return { items, deltaLink: iterator.getDeltaLink() };
}

describe('orgContacts', () => {
  it('lists every property without $select: phones by type, proxyAddresses, addresses', async () => {
    const page = (await client.api('/contacts').get()) as PageCollection;
    expect(page['@odata.context']).toBe(`${fake.graphUrl}/$metadata#contacts`);
    expect(page.value).toHaveLength(12);
    const contact = page.value[0] as Record<string, unknown>;
    expect(Object.keys(contact).slice(0, 2)).toEqual(['id', 'displayName']);
    expect(contact).toMatchObject({
      mail: expect.stringContaining('@') as string,
      companyName: expect.any(String) as string,
      proxyAddresses: [expect.stringMatching(/^SMTP:/) as string],
      phones: expect.arrayContaining([{ type: 'business', number: expect.any(String) as string }]) as unknown,
    });
  });

  it('pages with $skiptoken and filters like the directory', async () => {
    const all = await everything('/contacts?$top=5&$select=displayName,companyName');
    expect(all.items).toHaveLength(12);
    const company = fake.directory.orgContacts.all()[0]!.companyName!;
    const filtered = (await client
      .api('/contacts')
      .filter(`companyName eq '${company}'`)
      .get()) as PageCollection;
    expect(filtered.value.length).toBe(
      fake.directory.orgContacts.all().filter((contact) => contact.companyName === company).length,
    );
  });
});

describe('mailbox contacts', () => {
  it('lists the folders in the default Contacts folder, and their child folders', async () => {
    const sub = mailbox.addFolder('Handwerker');
    const folders = (await client.api(`/users/${owner.id}/contactFolders`).get()) as PageCollection;
    expect(folders.value).toEqual([
      {
        id: expect.any(String) as string,
        displayName: 'Lieferanten',
        parentFolderId: mailbox.defaultFolderId,
      },
      { id: sub.id, displayName: 'Handwerker', parentFolderId: mailbox.defaultFolderId },
    ]);
    const nested = mailbox.addFolder('Notdienst', sub.id);
    const children = (await client
      .api(`/users/${owner.userPrincipalName}/contactFolders/${sub.id}/childFolders`)
      .get()) as PageCollection;
    expect(children.value).toEqual([{ id: nested.id, displayName: 'Notdienst', parentFolderId: sub.id }]);
  });

  it('pages the default folder by $top (10 by default) and $skip, with the v1.0 contact shape', async () => {
    const first = (await client.api(`/users/${owner.userPrincipalName}/contacts`).get()) as PageCollection;
    expect(first.value).toHaveLength(10);
    expect(first['@odata.nextLink']).toBe(
      `${fake.graphUrl}/users/${encodeURIComponent(owner.userPrincipalName)}/contacts?$top=10&$skip=10`,
    );
    const contact = first.value[0] as Record<string, unknown>;
    expect(Object.keys(contact).slice(0, 2)).toEqual(['@odata.etag', 'id']);
    expect(contact).toMatchObject({
      parentFolderId: mailbox.defaultFolderId,
      emailAddresses: [
        { name: expect.any(String) as string, address: expect.stringContaining('@') as string },
      ],
      businessPhones: [expect.any(String) as string],
      homePhones: expect.any(Array) as unknown,
    });
    expect(contact).not.toHaveProperty('faxNumber');
    const all = await everything(`/users/${owner.id}/contacts?$select=displayName,mobilePhone`);
    expect(all.items).toHaveLength(20);
  });

  it('follows a folder’s changes with delta, honouring Prefer: odata.maxpagesize', async () => {
    const suppliers = mailbox.childFolders().find((folder) => folder.displayName === 'Lieferanten')!;
    const url = `/users/${owner.id}/contactFolders/${suppliers.id}/contacts/delta?$select=displayName,businessPhones`;
    fake.requests.clear();
    const first = await everything(url, { Prefer: 'odata.maxpagesize=2' });
    expect(first.items).toHaveLength(5);
    expect(fake.requests.to(/contacts\/delta$/)).toHaveLength(3);
    const [changed, removed] = mailbox.folder(suppliers.id)!.contacts.all();
    const added = mailbox.addContact(
      { displayName: 'Neuer Lieferant', businessPhones: ['+49 30 9999-0'] },
      suppliers.id,
    );
    mailbox.updateContact(changed!.id, { displayName: 'Umbenannt' });
    mailbox.removeContact(removed!.id);
    const second = await everything(first.deltaLink!, { Prefer: 'odata.maxpagesize=2' });
    expect(second.items).toEqual([
      {
        '@odata.etag': expect.stringMatching(/^W\/"/) as string,
        id: added.id,
        displayName: 'Neuer Lieferant',
        businessPhones: ['+49 30 9999-0'],
      },
      expect.objectContaining({ id: changed!.id, displayName: 'Umbenannt' }),
      { '@odata.type': '#microsoft.graph.contact', id: removed!.id, '@removed': { reason: 'deleted' } },
    ]);
  });

  it('answers 404 for a user without a mailbox and for an unknown user', async () => {
    const noMailbox = fake.directory.users.all().find((user) => fake.mailboxes.get(user.id) === undefined)!;
    const missing = await failure(client.api(`/users/${noMailbox.id}/contacts`).get());
    expect(missing).toMatchObject({ statusCode: 404, code: 'MailboxNotEnabledForRESTAPI' });
    const unknown = await failure(client.api('/users/ghost@contoso.com/contactFolders').get());
    expect(unknown).toMatchObject({ statusCode: 404, code: 'ErrorInvalidUser' });
  });

  it('answers /me/contacts with an app-only token with 400, and with a delegated token from the user’s mailbox', async () => {
    const appOnly = await failure(client.api('/me/contacts').get());
    expect(appOnly).toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: '/me request is only valid with delegated authentication flow.',
    });
    fake.identity.setPassword(owner.userPrincipalName, 'Pa55word!');
    const signOn = await requestToken(fake, agent, {
      grant_type: 'password',
      client_id: SIGN_ON_APP.clientId,
      scope: 'Contacts.Read openid',
      username: owner.userPrincipalName,
      password: 'Pa55word!',
    });
    const delegated = graphClient(fake, agent, () => signOn.body.access_token as string);
    const mine = (await delegated.api('/me/contacts').top(50).get()) as PageCollection;
    expect(mine.value).toHaveLength(20);
    const me = await failure(delegated.api('/users').get());
    expect(me.statusCode).toBe(403);
  });

  it('answers 403 ErrorAccessDenied to an app without Contacts.Read', async () => {
    fake.identity.registerApp({
      ...SYNC_APP,
      clientId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
      applicationPermissions: ['User.Read.All'],
    });
    const token = await appToken(fake, agent, fake.identity.app('9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a'));
    const limited = graphClient(fake, agent, () => token);
    const error = await failure(limited.api(`/users/${owner.id}/contacts`).get());
    expect(error).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
  });
});

describe('per-mailbox concurrency', () => {
  it('answers a fifth concurrent request to one mailbox with 429 ApplicationThrottled and Retry-After', async () => {
    const slow = fake.faults.delay({ match: new RegExp(`^/v1.0/users/${owner.id}/`), ms: 300 });
    try {
      const noRetry = [new RetryHandlerOptions(0, 0)];
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () =>
          client.api(`/users/${owner.id}/contacts`).middlewareOptions(noRetry).get(),
        ),
      );
      const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(4);
      expect(rejected).toHaveLength(1);
      const error = (rejected[0] as PromiseRejectedResult).reason as GraphError;
      expect(error).toMatchObject({
        statusCode: 429,
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
      });
      expect(error.headers?.get('retry-after')).toBe('0');
      // The slots are free again once the answers are out.
      expect(fake.concurrency.inFlight(owner.id)).toBe(0);
    } finally {
      slow.cancel();
    }
    const after = (await client.api(`/users/${owner.id}/contacts`).get()) as PageCollection;
    expect(after.value).toHaveLength(10);
  });
});
