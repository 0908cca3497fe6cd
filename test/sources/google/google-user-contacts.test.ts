/**
 * `userContacts`: the listed users' own Google Contacts (connections.list as each user, by
 * delegation) as contacts beside the directory, each user's followed by its own sync token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGoogleSource, type GoogleSource } from '../../../src/sources/google/index.js';
import type { SourceLogger } from '../../../src/sources/source-descriptor.js';
import { GoogleFake } from '../../fakes/google/google-fake.js';
import { googleReplica } from '../../support/google-replica.js';
import { namesFor as names } from '../../support/replica-engine-harness.js';

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

function source(overrides: Record<string, unknown> = {}, logger?: SourceLogger): GoogleSource {
  return createGoogleSource(
    {
      name: 'workspace',
      type: 'google',
      serviceAccountKey: JSON.stringify(fake.serviceAccount.key),
      adminEmail: admin,
      rootUrl: fake.rootUrl,
      userContacts: { users: [alice, bob] },
      ...overrides,
    },
    logger === undefined ? {} : { logger },
  );
}

/** A logger that keeps what was said. */
function recordingLogger(): SourceLogger & { readonly lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_obj: object, msg: string) => void lines.push({ level, msg });
  return { lines, warn: at('warn'), info: at('info'), error: at('error') };
}

describe('google user contacts', () => {
  it("loads each user's contacts beside the directory, then follows each user's sync token", async () => {
    const google = source();
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      const directory = fake.domain.directory.size;
      expect(engine.size).toBe(directory + 40 + 25);
      const cursor = JSON.parse(engine.cursor!) as Record<string, string>;
      expect(Object.keys(cursor).sort()).toEqual(
        ['directory', `contacts/${alice}`, `contacts/${bob}`].sort(),
      );
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

  it("serves other contacts too when asked, each user's followed by its own sync token", async () => {
    fake.seedOtherContacts(alice, { count: 9, seed: 3 });
    const google = source({ userContacts: { users: [alice], otherContacts: true } });
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      expect(engine.size).toBe(fake.domain.directory.size + fake.domain.contactsOf(alice).size + 9);
      expect(Object.keys(JSON.parse(engine.cursor!) as object).sort()).toEqual(
        ['directory', `contacts/${alice}`, `otherContacts/${alice}`].sort(),
      );
      const [collected] = fake.domain.otherContactsOf(alice).live();
      fake.domain.otherContactsOf(alice).change(collected!.resourceName, (data) => ({
        ...data,
        names: [{ givenName: 'Gus', familyName: 'Gathered', displayName: 'Gus Gathered' }],
      }));
      fake.requests.clear();
      const outcome = await engine.sync(signal);
      expect(
        fake.requests.all('/v1/otherContacts').map((call) => call.query.syncToken !== undefined),
      ).toEqual([true]);
      expect(outcome?.applied).toEqual({ upserts: 1, deletions: 0 });
      expect(names(engine, '(cn=Gus Gathered)')).toEqual(['Gus Gathered']);
    } finally {
      await google.close();
    }
  });

  it('leaves out a user the domain does not know, with one warning, and serves them once they answer', async () => {
    const carol = 'carol.later@example.com';
    const logger = recordingLogger();
    const google = source({ userContacts: { users: [alice, carol] } }, logger);
    const engine = googleReplica(google);
    try {
      await engine.sync(signal);
      const aliceContacts = fake.domain.contactsOf(alice).size;
      expect(engine.size).toBe(fake.domain.directory.size + aliceContacts);
      await engine.sync(signal);
      const warnings = logger.lines.filter((line) => line.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toMatch(
        /carol\.later@example\.com \(in `userContacts`\) is not a user of the Workspace domain .*asked for again every round/,
      );
      const profile = fake.addDomainUser(carol, 'Carol', 'Later');
      fake.seedContacts(carol, { count: 6, seed: 9 });
      await engine.sync(signal);
      expect(engine.size).toBe(fake.domain.directory.size + aliceContacts + 6);
      expect(logger.lines.at(-1)?.msg).toMatch(/carol\.later@example\.com answers now/);
      // Carol leaves the domain: only a full listing can tell her contacts went with her.
      fake.domain.directory.delete(profile.resourceName);
      fake.accessTokens.revoke(); // Google drops a deleted user's tokens
      await engine.sync(signal);
      expect(engine.size).toBe(fake.domain.directory.size + aliceContacts);
      expect(names(engine, `(owner=${carol})`)).toEqual([]);
    } finally {
      await google.close();
    }
  });
});
