/**
 * The service account's connections over ldap:// URLs. ldapts reads any `tlsOptions` as "connect
 * with TLS", so passing them for an ldap:// URL sent a TLS hello to the plain port: StartTLS never
 * got as far as its request, and a plain connection never spoke LDAP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTestCa } from '../../../scripts/test-backends/test-ca.js';
import { LdapConnections } from '../../../src/sources/ldap/ldap-connections.js';
import { ldapSourceSettings } from '../../../src/sources/ldap/create-ldap-source.js';
import {
  START_TLS_OID,
  startFakeLdapServer,
  type FakeLdapServer,
} from '../../fakes/ldap/fake-ldap-server.js';
import { bindAnswers } from '../../fakes/ldap/responders.js';
import { eventually } from '../../support/eventually.js';

const SERVICE_DN = 'cn=dirbridge,dc=example,dc=test';
const SERVICE_PASSWORD = 'svc-Connections-42';

let server: FakeLdapServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function connections(url: string, startTls: boolean): LdapConnections {
  return new LdapConnections(
    ldapSourceSettings({
      name: 'people',
      type: 'ldap',
      urls: url,
      base: 'dc=example,dc=test',
      startTls,
      tls: { ca: ensureTestCa().caCert },
      bind: { name: SERVICE_DN, password: SERVICE_PASSWORD },
      timeout: 2,
    }),
  );
}

describe('ldap connections over ldap://', () => {
  it('sends StartTLS in clear, then binds inside TLS', async () => {
    server = await startFakeLdapServer(bindAnswers(SERVICE_PASSWORD));
    const pool = connections(server.url, true);
    try {
      const lease = await pool.acquire();
      pool.release(lease, true);
      expect(server.requests.map((r) => [r.message.request.type, r.secure])).toEqual([
        ['extended', false],
        ['bind', true],
      ]);
      expect(server.requests[0]?.message.request).toMatchObject({ oid: START_TLS_OID });
      expect(server.undecodable).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it.each([true, false])(
    'replaces an idle connection the server closed (StartTLS: %s) instead of searching on it unbound',
    async (startTls) => {
      server = await startFakeLdapServer(bindAnswers(SERVICE_PASSWORD));
      const pool = connections(server.url, startTls);
      try {
        pool.release(await pool.acquire(), true);
        server.disconnect();
        await eventually(() => server!.open === 0, 5000, 'the server closed the connection');
        await new Promise((resolve) => setTimeout(resolve, 50)); // the client reads the close
        pool.release(await pool.acquire(), true);
        expect(server.accepted).toBe(2);
        // The new connection was set up like the first: StartTLS (if configured), then the bind.
        const second = server.requests.filter((r) => r.connection === 2);
        expect(second.map((r) => [r.message.request.type, r.secure])).toEqual(
          startTls
            ? [
                ['extended', false],
                ['bind', true],
              ]
            : [['bind', false]],
        );
      } finally {
        await pool.close();
      }
    },
  );

  it('speaks plain LDAP when no TLS is configured', async () => {
    server = await startFakeLdapServer(bindAnswers(SERVICE_PASSWORD));
    const pool = connections(server.url, false);
    try {
      const lease = await pool.acquire();
      pool.release(lease, true);
      expect(server.binds().map((r) => r.message.request)).toMatchObject([{ name: SERVICE_DN }]);
      expect(server.undecodable).toBe(0);
      expect(server.accepted).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
