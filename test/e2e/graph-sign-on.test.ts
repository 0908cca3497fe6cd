/**
 * `signOn: ropc` through a real dirbridge process to the Graph fake in this test process, with
 * OpenLDAP's ldapwhoami and ldapsearch as the clients (plain LDAP from loopback, which dirbridge
 * trusts by default). A user signs on as `user@domain` and as the DN dirbridge presents her at, and
 * Who am I? names that entry; a wrong password and a name nobody has get the same answer, word for
 * word; Entra ID's MFA refusal comes back with its AADSTS reason; an empty password never reaches
 * Entra ID.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS_REFUSED } from '../../src/sources/graph/ropc-verdict.js';
import { FakeGraph } from '../fakes/graph/fake-graph.js';
import type { GraphUser } from '../fakes/graph/directory-model.js';
import { SYNC_APP } from '../fakes/graph/identity.js';
import { SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { ldapsearch, ldapwhoami } from './support/ldap-utils.js';
import { registerTestSecret } from './support/test-secrets.js';

const PASSWORD = registerTestSecret('Graph#Sign-On-2718');
const WRONG = registerTestSecret('Graph#Wrong-Guess-3141');
const MOUNT = `ou=m365,${SUFFIX}`;

let fake: FakeGraph;
let server: DirbridgeProcess;
let alice: GraphUser;

beforeAll(async () => {
  fake = await FakeGraph.start();
  fake.seed({ users: 20 });
  alice = fake.directory.addUser({ userPrincipalName: 'alice@contoso.com', displayName: 'Alice Anders' });
  fake.identity.setPassword(alice.userPrincipalName, PASSWORD);
  fake.directory.addUser({ userPrincipalName: 'mfa.user@contoso.com', displayName: 'Mfa User' });
  fake.identity.setPassword('mfa.user@contoso.com', PASSWORD);
  fake.identity.setSignOnRefusal('mfa.user@contoso.com', 'mfaRequired');
  const caFile = join(mkdtempSync(join(tmpdir(), 'dirbridge-e2e-graph-')), 'graph-ca.pem');
  writeFileSync(caFile, fake.caCert);
  registerTestSecret(SYNC_APP.clientSecret!);
  server = await startDirbridge({
    config: {
      // The defaults: no anonymous reads; signed-on users read the source they signed on through.
      access: {},
      sources: [
        {
          name: 'm365',
          type: 'graph',
          tenant: fake.tenantId,
          clientId: SYNC_APP.clientId,
          clientSecret: SYNC_APP.clientSecret,
          authorityUrl: fake.url,
          graphUrl: fake.url,
          tls: { ca: caFile },
          signOn: 'ropc',
          upnSuffixes: ['contoso.com'],
        },
      ],
    },
    logName: 'graph-sign-on',
  });
});

afterAll(async () => {
  await server.stop();
  await fake.close();
});

/** Password grants the fake has seen (the process's own sync asks for client credentials). */
function passwordGrants(): number {
  return fake.requests
    .to(/\/oauth2\/v2\.0\/token$/)
    .filter((request) => new URLSearchParams(request.body).get('grant_type') === 'password').length;
}

const aliceDn = (): string => `entryUUID=${alice.id.toLowerCase()},${MOUNT}`;

describe('sign-on with Entra ID passwords (ROPC) through dirbridge', () => {
  it('signs alice on as alice@contoso.com: Who am I? names the entry dirbridge presents her at', async () => {
    const before = passwordGrants();
    const result = await ldapwhoami(server.url, { dn: 'alice@contoso.com', password: PASSWORD });
    expect(result.code).toBe(0);
    expect(result.authzId).toBe(`dn:${aliceDn()}`);
    expect(passwordGrants()).toBe(before + 1);
  });

  it('lets her read her entry, and sign on with its DN', async () => {
    const bind = { dn: 'ALICE@contoso.com', password: PASSWORD };
    let found: Awaited<ReturnType<typeof ldapsearch>> | undefined;
    // The replica's first load runs beside start-up: wait for it.
    for (let i = 0; i < 50; i++) {
      found = await ldapsearch(server.url, '(userPrincipalName=alice@contoso.com)', { base: MOUNT, bind });
      if (found.entries.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(found?.code).toBe(0);
    expect(found?.entries.map((entry) => entry.dn)).toEqual([aliceDn()]);
    const byDn = await ldapwhoami(server.url, { dn: aliceDn(), password: PASSWORD });
    expect(byDn.code).toBe(0);
    expect(byDn.authzId).toBe(`dn:${aliceDn()}`);
  });

  it('answers a wrong password and a name nobody has alike: 49 and the same diagnostic', async () => {
    const wrong = await ldapwhoami(server.url, { dn: 'alice@contoso.com', password: WRONG });
    const nobody = await ldapwhoami(server.url, { dn: 'nobody.at.all@contoso.com', password: WRONG });
    expect({ code: wrong.code, diagnostic: wrong.diagnostic }).toEqual({
      code: 49,
      diagnostic: CREDENTIALS_REFUSED,
    });
    expect({ code: nobody.code, diagnostic: nobody.diagnostic }).toEqual({
      code: wrong.code,
      diagnostic: wrong.diagnostic,
    });
  });

  it("passes Entra ID's MFA refusal back as 49 with its AADSTS reason", async () => {
    const result = await ldapwhoami(server.url, { dn: 'mfa.user@contoso.com', password: PASSWORD });
    expect(result.code).toBe(49);
    expect(result.diagnostic).toMatch(/^AADSTS50076: .*multi-factor authentication/);
  });

  it('refuses an empty password without asking Entra ID', async () => {
    const before = passwordGrants();
    const result = await ldapwhoami(server.url, { dn: 'alice@contoso.com', password: '' });
    expect(result.code).toBe(49);
    expect(passwordGrants()).toBe(before);
  });
});
