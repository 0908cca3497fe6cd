/**
 * The graph source against the Graph fake (test/fakes/graph), through the real Graph client and the
 * replica engine: a full delta load of users and organisational contacts, changes applied from the
 * saved delta link (changed, added, soft and hard deleted, disabled under a users filter), expired
 * delta tokens in both of Graph's shapes, a throttling burst, a token Graph stops accepting, and
 * `check` in plain words for a wrong secret, a missing consent and an unknown tenant.
 */
import { graphReplica } from '../../support/graph-replica.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReplicaEngine } from '../../../src/replica/replica-engine.js';
import { createGraphSource, type GraphSource } from '../../../src/sources/graph/index.js';
import { FakeGraph } from '../../fakes/graph/fake-graph.js';
import { SYNC_APP } from '../../fakes/graph/identity.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namesFor as names } from '../../support/replica-engine-harness.js';

const signal = new AbortController().signal;
let fake: FakeGraph;
let caFile: string;

beforeAll(async () => {
  fake = await FakeGraph.start();
  fake.seed({ users: 450, orgContacts: 20 });
  caFile = join(mkdtempSync(join(tmpdir(), 'dirbridge-graph-')), 'ca.pem');
  writeFileSync(caFile, fake.caCert);
});

afterAll(async () => {
  await fake.close();
});

function source(overrides: Record<string, unknown> = {}): GraphSource {
  return createGraphSource({
    name: 'm365',
    type: 'graph',
    tenant: fake.tenantId,
    clientId: SYNC_APP.clientId,
    clientSecret: SYNC_APP.clientSecret,
    authorityUrl: fake.url,
    graphUrl: fake.url,
    tls: { ca: caFile },
    orgContacts: true,
    ...overrides,
  });
}

function replicaOf(graph: GraphSource): ReplicaEngine {
  return graphReplica(graph, { defaultCountry: 'US' });
}

/** Whether the copy holds the object with this id (a GUID, so its entryUUID). */
function holds(engine: ReplicaEngine, id: string): boolean {
  return engine.get(id) !== undefined;
}

function enabledUsers(): number {
  return fake.directory.users.all().filter((user) => user.accountEnabled).length;
}

describe('graph source', () => {
  it('loads users and organisational contacts by delta, asking for the mapped fields at low priority', async () => {
    fake.requests.clear();
    const graph = source();
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(fake.directory.users.size + fake.directory.orgContacts.size);
      const cursor = JSON.parse(engine.cursor!) as Record<string, string>;
      expect(Object.keys(cursor).sort()).toEqual(['orgContacts', 'users']);
      const first = fake.requests.to('/v1.0/users/delta')[0]!;
      expect(first.query.$select?.split(',')).toEqual(
        expect.arrayContaining(['id', 'department', 'faxNumber', 'companyName', 'businessPhones']),
      );
      const deltaRequests = fake.requests.all().filter((request) => request.path.endsWith('/delta'));
      expect(deltaRequests.length).toBeGreaterThan(5);
      expect(deltaRequests.every((request) => request.headers['x-ms-throttle-priority'] === 'low')).toBe(
        true,
      );
      const someone = fake.directory.users.all()[7]!;
      expect(engine.get(someone.id)?.attributes.get('cn')?.values).toEqual([someone.displayName]);
      expect(engine.get(someone.id)?.attributes.get('l')?.values).toEqual([someone.city]);
      expect(engine.get(someone.id)?.attributes.get('co')?.values).toEqual([someone.country]);
      // An organisational contact's first address fills the same attributes as a user's.
      const contact = fake.directory.orgContacts.all().find((c) => c.addresses[0]?.street)!;
      const entry = engine.get(contact.id)?.attributes;
      expect(entry?.get('streetaddress')?.values).toEqual([contact.addresses[0]!.street]);
      expect(entry?.get('postalcode')?.values).toEqual([contact.addresses[0]!.postalCode]);
      expect(entry?.get('l')?.values).toEqual([contact.addresses[0]!.city]);
    } finally {
      await graph.close();
    }
  });

  it('applies changes from the saved delta link: changed, added, deleted and no longer matching', async () => {
    const graph = source({ usersFilter: 'accountEnabled eq true' });
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(enabledUsers() + fake.directory.orgContacts.size);
      const [changed, soft, hard, disabled] = fake.directory.users
        .all()
        .filter((user) => user.accountEnabled);
      fake.directory.updateUser(changed!.id, {
        businessPhones: ['+1 425 555 0199'],
        displayName: 'Changed Person',
      });
      const added = fake.directory.addUser({
        userPrincipalName: 'new.person@contoso.com',
        displayName: 'New Person',
      });
      fake.directory.deleteUser(soft!.id);
      fake.directory.deleteUser(hard!.id, { permanent: true });
      fake.directory.disableUser(disabled!.id);
      fake.requests.clear();
      const outcome = await engine.sync(signal);
      // Resumed from the delta link: no full enumeration again.
      expect(
        fake.requests
          .all()
          .some(
            (request) =>
              request.path === '/v1.0/users/delta' &&
              !('$deltatoken' in request.query) &&
              !('$skiptoken' in request.query),
          ),
      ).toBe(false);
      expect(outcome?.applied).toEqual({ upserts: 2, deletions: 3 });
      expect(names(engine, '(telephoneNumber=+14255550199)')).toEqual(['Changed Person']);
      expect(names(engine, '(cn=New Person)')).toEqual(['New Person']);
      for (const gone of [soft!, hard!, disabled!]) expect(holds(engine, gone.id)).toBe(false);
      expect(holds(engine, added.id)).toBe(true);
      fake.directory.restoreUser(soft!.id);
      fake.directory.enableUser(disabled!.id);
      await engine.sync(signal);
      expect(holds(engine, soft!.id)).toBe(true);
      expect(holds(engine, disabled!.id)).toBe(true);
    } finally {
      await graph.close();
    }
  });

  it.each(['syncStateNotFound', 'gone'] as const)(
    'lists everything again when Graph no longer knows the delta token (%s), serving the copy meanwhile',
    async (shape) => {
      const graph = source();
      const engine = replicaOf(graph);
      try {
        await engine.sync(signal);
        const size = engine.size;
        fake.delta.expiredShape = shape;
        fake.delta.expireTokens();
        const extra = fake.directory.addUser({
          userPrincipalName: `late.${shape}@contoso.com`,
          displayName: `Late ${shape}`,
        });
        fake.requests.clear();
        await engine.sync(signal);
        expect(engine.size).toBe(size + 1);
        expect(names(engine, `(cn=Late ${shape})`)).toEqual([`Late ${shape}`]);
        expect(holds(engine, extra.id)).toBe(true);
      } finally {
        fake.delta.expiredShape = 'syncStateNotFound';
        await graph.close();
      }
    },
  );

  it('enumerates everything again once a reconcileInterval has passed, applied as a difference', async () => {
    const graph = source({ reconcileInterval: 3600 });
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      fake.requests.clear();
      await engine.sync(signal);
      // Within the interval: the delta link only.
      expect(fake.requests.to('/v1.0/users/delta').every((request) => '$deltatoken' in request.query)).toBe(
        true,
      );
      vi.spyOn(performance, 'now').mockReturnValue(performance.now() + 3_601_000);
      fake.requests.clear();
      const outcome = await engine.sync(signal);
      expect(
        fake.requests
          .to('/v1.0/users/delta')
          .some((request) => !('$deltatoken' in request.query) && !('$skiptoken' in request.query)),
      ).toBe(true);
      expect(outcome?.applied).toEqual({ upserts: 0, deletions: 0 });
    } finally {
      vi.restoreAllMocks();
      await graph.close();
    }
  });

  it('rides out a burst of 429s with Retry-After and loses nothing', async () => {
    const graph = source();
    const engine = replicaOf(graph);
    try {
      const burst = fake.faults.throttle({
        match: '/v1.0/users/delta',
        times: 4,
        status: 429,
        retryAfter: 0,
      });
      await engine.sync(signal);
      expect(burst.hits).toBe(4);
      expect(engine.size).toBe(fake.directory.users.size + fake.directory.orgContacts.size);
    } finally {
      await graph.close();
    }
  });

  it('gets a new token when Graph stops accepting the cached one', async () => {
    const graph = source();
    const engine = replicaOf(graph);
    try {
      await engine.sync(signal);
      fake.tokens.expireAll();
      fake.directory.addUser({ userPrincipalName: 'after.expiry@contoso.com', displayName: 'After Expiry' });
      await engine.sync(signal);
      expect(names(engine, '(cn=After Expiry)')).toEqual(['After Expiry']);
    } finally {
      await graph.close();
    }
  });

  it('reads one record by id, and none for an id Graph does not know', async () => {
    const graph = source();
    try {
      const user = fake.directory.users.all()[3]!;
      expect((await graph.get(user.id, signal))?.fields.displayName).toEqual([user.displayName]);
      expect(await graph.get('00000000-0000-0000-0000-000000000000', signal)).toBeUndefined();
    } finally {
      await graph.close();
    }
  });

  it('checks in plain words: counts when all is well, the setting to fix when not', async () => {
    const good = source({ usersFilter: 'accountEnabled eq true' });
    try {
      const report = await good.check();
      expect(report.ok).toBe(true);
      expect(report.steps.find((step) => step.step === 'users')?.detail).toMatch(
        new RegExp(`^${enabledUsers()} users served \\(\\d+ left out by usersFilter\\)$`),
      );
      expect(report.count).toBe(enabledUsers() + fake.directory.orgContacts.size);
      expect(report.steps.find((step) => step.step === 'usersFilter')).toMatchObject({ ok: true });
      expect(report.steps.find((step) => step.step === 'usersFilter')?.warning).toBeUndefined();
    } finally {
      await good.close();
    }
    // Graph filters preferredLanguage by eq only: the filter works here, and check says Graph differs.
    const typo = source({ usersFilter: "startswith(preferredLanguage,'de')" });
    try {
      const report = await typo.check();
      expect(report.steps.find((step) => step.step === 'usersFilter')).toMatchObject({
        ok: true,
        warning: true,
      });
      expect(report.steps.find((step) => step.step === 'usersFilter')?.detail).toMatch(
        /^Graph refuses the filter as a query \(Graph refused \/users: 400 .*\); dirbridge evaluates it itself/,
      );
      expect(report.ok).toBe(true);
    } finally {
      await typo.close();
    }
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ clientSecret: 'wrong-secret' }, /AADSTS7000215.*check `clientSecret`/],
      [{ tenant: 'nobody.onmicrosoft.com' }, /AADSTS90002.*check `tenant`/],
      [{ clientId: '11111111-2222-3333-4444-555555555555' }, /AADSTS700016.*check `clientId`/],
    ];
    for (const [settings, sentence] of cases) {
      const bad = source(settings);
      try {
        const report = await bad.check();
        expect(report.ok).toBe(false);
        const token = report.steps.find((step) => step.step === 'token');
        expect(token?.detail).toMatch(sentence);
        expect(token?.detail).not.toMatch(/Trace ID|Correlation ID|wrong-secret/);
      } finally {
        await bad.close();
      }
    }
  });

  it('lists every property with its meaning and how many sampled entries hold it', async () => {
    const graph = source();
    try {
      const fields = await graph.fields();
      const byName = new Map(fields.map((field) => [field.name, field]));
      expect(byName.get('department')?.count).toBeGreaterThan(0);
      expect(byName.get('firstBusinessPhone')?.description).toMatch(/the first office number/);
      expect(byName.get('extensionAttribute1')).toBeDefined();
      expect(byName.get('phones')?.description).toMatch(/business, mobile, businessFax/);
    } finally {
      await graph.close();
    }
  });
});
