/**
 * `userContacts`: the listed users' own Google Contacts (connections.list as each user, by
 * delegation) as contacts beside the directory, each user's followed by its own sync token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Namespace } from '../../../src/directory/namespace.js';
import { Presenter } from '../../../src/directory/presenter.js';
import { FieldMap } from '../../../src/mapping/field-map.js';
import { ReplicaEngine } from '../../../src/replica/replica-engine.js';
import { Schema } from '../../../src/schema/schema.js';
import { GOOGLE_DEFAULT_MAP } from '../../../src/sources/google/default-map.js';
import { createGoogleSource, type GoogleSource } from '../../../src/sources/google/index.js';
import { GoogleFake } from '../../fakes/google/google-fake.js';
import { namesFor as names } from '../../support/replica-engine-harness.js';

const schema = Schema.load();
const signal = new AbortController().signal;
let fake: GoogleFake;
let admin: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  fake = await GoogleFake.start({ domain: 'example.com', region: 'DE' });
  const people = fake.seedDirectory({ count: 30, domainContacts: 2 });
  const emailOf = (index: number): string => people[index]!.data.emailAddresses![0]!.value;
  [admin, alice, bob] = [emailOf(0), emailOf(1), emailOf(2)];
  fake.seedContacts(alice, { count: 40, seed: 1 });
  fake.seedContacts(bob, { count: 25, seed: 2 });
});

afterAll(() => fake.stop());

function source(overrides: Record<string, unknown> = {}): GoogleSource {
  return createGoogleSource({
    name: 'workspace',
    type: 'google',
    serviceAccountKey: JSON.stringify(fake.serviceAccount.key),
    adminEmail: admin,
    rootUrl: fake.rootUrl,
    userContacts: { users: [alice, bob] },
    ...overrides,
  });
}

function replicaOf(google: GoogleSource): ReplicaEngine {
  const map = new FieldMap(schema, GOOGLE_DEFAULT_MAP);
  const presenter = new Presenter(
    google.name,
    google.kind,
    map,
    new Namespace('dc=test', [google.name], schema),
  );
  return new ReplicaEngine({
    source: google,
    present: (record) => presenter.present(record),
    dnOf: (uuid) => presenter.dnOfUuid(uuid),
    schema,
    defaultCountry: 'DE',
    fields: map.nativeFields() ?? [],
  });
}

describe('google user contacts', () => {
  it("loads each user's contacts beside the directory, then follows each user's sync token", async () => {
    const google = source();
    const engine = replicaOf(google);
    try {
      await engine.sync(signal);
      const directory = fake.domain.directory.size;
      expect(engine.size).toBe(directory + 40 + 25);
      const cursor = JSON.parse(engine.cursor!) as { directory: string; contacts: Record<string, string> };
      expect(Object.keys(cursor.contacts).sort()).toEqual([alice, bob].sort());
      const contacts = fake.domain.contactsOf(alice);
      const [changed, deleted] = contacts.live();
      contacts.change(changed!.resourceName, (data) => ({
        ...data,
        names: [{ givenName: 'Carla', familyName: 'Changed', displayName: 'Carla Changed' }],
      }));
      contacts.delete(deleted!.resourceName);
      fake.domain.contactsOf(bob).add({
        names: [{ givenName: 'Bea', familyName: 'Added', displayName: 'Bea Added' }],
        emailAddresses: [{ value: 'bea@partner.example', type: 'work' }],
      });
      fake.requests.clear();
      const outcome = await engine.sync(signal);
      expect(fake.requests.all('/v1/people/me/connections').every((call) => call.query.syncToken)).toBe(true);
      expect(outcome?.applied).toEqual({ upserts: 2, deletions: 1 });
      expect(names(engine, '(cn=Carla Changed)')).toEqual(['Carla Changed']);
      expect(names(engine, '(mail=bea@partner.example)')).toEqual(['Bea Added']);
      expect(engine.size).toBe(directory + 40 + 25);
    } finally {
      await google.close();
    }
  });

  it("checks each user's contacts, and names a user the domain does not know", async () => {
    const good = source();
    try {
      const report = await good.check();
      expect(report.ok).toBe(true);
      expect(report.steps.find((step) => step.step === `contacts of ${bob}`)?.detail).toMatch(
        /^\d+ contacts served$/,
      );
    } finally {
      await good.close();
    }
    const bad = source({ userContacts: { users: [alice, 'ghost@example.com'] } });
    try {
      const report = await bad.check();
      expect(report.ok).toBe(false);
      expect(report.steps.find((step) => step.step === 'contacts of ghost@example.com')?.detail).toMatch(
        /ghost@example\.com \(in `userContacts`\) is not a user of the Workspace domain/,
      );
    } finally {
      await bad.close();
    }
  });
});
