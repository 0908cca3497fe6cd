/**
 * The ldap source against a small in-process LDAPS server built from dirbridge's own codec, counting
 * what sign-ons and reads by id cost the backend: connections opened and service-account binds.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTestCa, type TestCa } from '../../../scripts/test-backends/test-ca.js';
import { FrameReader } from '../../../src/protocol/frame-reader.js';
import type { Response } from '../../../src/protocol/messages.js';
import { PAGED_RESULTS_OID, encodePagedResultsValue } from '../../../src/protocol/paged-results-control.js';
import { decodeRequest } from '../../../src/protocol/request-decoder.js';
import { encodeResponse } from '../../../src/protocol/response-encoder.js';
import { ResultCode } from '../../../src/protocol/result-codes.js';
import { decoyLogin } from '../../../src/sources/ldap/decoy-login.js';
import { createLdapSource, type LdapSource } from '../../../src/sources/ldap/index.js';

const BASE = 'dc=example,dc=test';
const SERVICE = { name: `cn=service,${BASE}`, password: 'service-pw' };
const ALICE = { dn: `uid=alice,ou=people,${BASE}`, password: 'alice-pw' };
const ALICE_UUID = '6f1c3f0e-8a51-4c51-9f3e-2b7d0c1e5a42';

/** A directory of one person (alice) that answers every search with her entry, in one page. */
class OnePersonDirectory {
  readonly binds: string[] = [];
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<TLSSocket>();

  constructor(tls: TestCa) {
    this.#server = createServer(
      { cert: readFileSync(tls.serverCert), key: readFileSync(tls.serverKey) },
      (socket) => this.#serve(socket),
    );
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `ldaps://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #serve(socket: TLSSocket): void {
    this.connections++;
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
    const frames = new FrameReader(1 << 20);
    socket.on('data', (chunk: Buffer) => {
      frames.push(chunk);
      for (let frame = frames.next(); frame; frame = frames.next()) {
        const { messageId, request, controls } = decodeRequest(frame, {
          maxFilterDepth: 64,
          maxFilterNodes: 1024,
        });
        const send = (response: Response, responseControls = [] as typeof controls): void => {
          socket.write(encodeResponse({ messageId, response, controls: responseControls }));
        };
        if (request.type === 'unbind') {
          socket.end();
        } else if (request.type === 'bind' && request.auth.method === 'simple') {
          this.binds.push(request.name);
          const password = Buffer.from(request.auth.password).toString('utf8');
          const ok =
            (request.name === SERVICE.name && password === SERVICE.password) ||
            (request.name === ALICE.dn && password === ALICE.password);
          send({
            type: 'bindResponse',
            resultCode: ok ? ResultCode.success : ResultCode.invalidCredentials,
            matchedDN: '',
            // A backend's own words, the same for a wrong password and a name it does not know.
            diagnosticMessage: ok ? '' : 'backend: invalid credentials',
          });
        } else if (request.type === 'search') {
          send({
            type: 'searchResultEntry',
            objectName: ALICE.dn,
            attributes: [
              { type: 'objectClass', values: ['top', 'person', 'inetOrgPerson'] },
              { type: 'cn', values: ['Alice'] },
              { type: 'entryUUID', values: [ALICE_UUID] },
            ],
          });
          const paged = controls.some((control) => control.oid === PAGED_RESULTS_OID);
          const done = encodePagedResultsValue({ size: 0, cookie: new Uint8Array() });
          send(
            {
              type: 'searchResultDone',
              resultCode: ResultCode.success,
              matchedDN: '',
              diagnosticMessage: '',
            },
            paged ? [{ oid: PAGED_RESULTS_OID, critical: false, value: done }] : [],
          );
        }
      }
    });
  }
}

let ca: TestCa;
let directory: OnePersonDirectory;
let source: LdapSource;
let url: string;
const signal = new AbortController().signal;

beforeAll(() => {
  ca = ensureTestCa(join(mkdtempSync(join(tmpdir(), 'dirbridge-ldap-source-')), 'ca'));
});

beforeEach(async () => {
  directory = new OnePersonDirectory(ca);
  url = await directory.listen();
  source = createLdapSource({
    name: 'dir',
    type: 'ldap',
    urls: [url],
    tls: { ca: ca.caCert },
    base: BASE,
    bind: SERVICE,
    signOn: true,
    poolSize: 1,
    bindPoolSize: 1,
  });
});

afterEach(async () => {
  await source.close();
  await directory.close();
});

describe('ldap source: what sign-ons cost the backend', () => {
  it("checks passwords and reads the account's entry on pooled connections: the service account binds once", async () => {
    const login = await source.resolveLogin(ALICE.dn, signal);
    expect(login).toEqual({ source: 'dir', account: ALICE.dn });
    for (let i = 0; i < 3; i++) {
      expect(await source.authenticate(login!, ALICE.password, signal)).toMatchObject({
        ok: true,
        record: { id: ALICE_UUID },
      });
    }
    // One search connection (bound once as the service account) and one bind connection.
    expect(directory.connections).toBe(2);
    expect(directory.binds.filter((name) => name === SERVICE.name)).toHaveLength(1);
    expect(directory.binds.filter((name) => name === ALICE.dn)).toHaveLength(3);
  });

  it('keys every spelling of a DN below its base alike for the throttle, without asking the backend', async () => {
    const key = await source.loginKey(ALICE.dn, signal);
    expect(key).toBeDefined();
    expect(await source.loginKey('UID=Alice, OU=People, DC=example, DC=test', signal)).toBe(key);
    expect(await source.loginKey('uid=alice,dc=other,dc=test', signal)).toBeUndefined();
    expect(directory.connections).toBe(0);
  });

  it('reads records by id (a bind by presented DN, a base search) on one pooled connection', async () => {
    for (let i = 0; i < 3; i++) expect((await source.get(ALICE_UUID, signal))?.id).toBe(ALICE_UUID);
    expect(directory.connections).toBe(1);
    expect(directory.binds).toEqual([SERVICE.name]);
  });
});

describe('ldap source: what a name nobody has costs the backend', () => {
  const DECOY =
    /^cn=dirbridge-decoy-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12},dc=example,dc=test$/;

  it("binds a decoy login on the bind pool as its made-up DN under the base, and passes the backend's refusal on", async () => {
    const verdict = await source.authenticate(decoyLogin('dir', BASE), 'a guess', signal);
    expect(verdict).toEqual({
      ok: false,
      code: 'invalidCredentials',
      diagnostic: 'backend: invalid credentials',
    });
    const userBinds = directory.binds.filter((name) => name !== SERVICE.name);
    expect(userBinds).toHaveLength(1);
    expect(userBinds[0]).toMatch(DECOY);
  });

  it('binds as nobody for a name several people share, then refuses it without trying either', async () => {
    const verdict = await source.authenticate(
      { source: 'dir', account: 'Alice', ambiguous: 2 },
      ALICE.password,
      signal,
    );
    expect(verdict).toMatchObject({ ok: false, code: 'invalidCredentials' });
    const userBinds = directory.binds.filter((name) => name !== SERVICE.name);
    expect(userBinds).toHaveLength(1);
    expect(userBinds[0]).toMatch(DECOY);
  });

  it("answers a name several people share with the backend's refusal of a wrong password, word for word, and logs why", async () => {
    const warnings: { obj: object; msg: string }[] = [];
    const lines: string[] = [];
    const logger = {
      info: (obj: object, msg: string) => lines.push(JSON.stringify({ ...obj, msg })),
      warn: (obj: object, msg: string) => {
        warnings.push({ obj, msg });
        lines.push(JSON.stringify({ ...obj, msg }));
      },
    };
    const logged = createLdapSource(
      {
        name: 'dir',
        type: 'ldap',
        urls: [url],
        tls: { ca: ca.caCert },
        base: BASE,
        bind: SERVICE,
        signOn: true,
      },
      { logger },
    );
    try {
      const wrong = await logged.authenticate({ source: 'dir', account: ALICE.dn }, 'a guess', signal);
      const shared = await logged.authenticate(
        { source: 'dir', account: 'Alice', ambiguous: 2 },
        ALICE.password,
        signal,
      );
      expect(wrong).toMatchObject({ ok: false, code: 'invalidCredentials' });
      expect(shared).toEqual(wrong);
      expect(warnings).toContainEqual({
        obj: { source: 'dir', login: 'Alice', matches: 2 },
        msg: 'ambiguous sign-on name refused',
      });
      expect(lines.join('\n')).not.toContain(ALICE.password);
    } finally {
      await logged.close();
    }
  });

  it('never sends an empty password, not even to a decoy', async () => {
    const verdict = await source.authenticate({ source: 'dir', account: 'x', decoy: true }, '', signal);
    expect(verdict).toMatchObject({ ok: false, code: 'invalidCredentials' });
    expect(directory.binds).toEqual([]);
  });
});
