/**
 * The graph source authenticating with a certificate instead of a client secret, against the Graph
 * fake: a token from a signed client assertion and a replica that loads; a certificate the app does
 * not hold fails `check`'s token step with a sentence naming `certificate`; a config with both a
 * secret and a certificate, or neither, is a config error naming both; paths and a key from a
 * secret are read as the reference says.
 */
import { graphReplica } from '../../support/graph-replica.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { ReplicaEngine } from '../../../src/replica/replica-engine.js';
import { createGraphSource, type GraphSource } from '../../../src/sources/graph/index.js';
import { SourceError } from '../../../src/sources/source.js';
import { makeAppCertificate, type AppCertificatePair } from '../../fakes/graph/app-certificates.js';
import { FakeGraph } from '../../fakes/graph/fake-graph.js';
import { SYNC_APP } from '../../fakes/graph/identity.js';
import { loadTestConfig } from '../../support/load-test-config.js';

const signal = new AbortController().signal;
let fake: FakeGraph;
let folder: string;
let registered: AppCertificatePair;
let stranger: AppCertificatePair;

beforeAll(async () => {
  [registered, stranger] = await Promise.all([makeAppCertificate(), makeAppCertificate('not registered')]);
  fake = await FakeGraph.start();
  fake.seed({ users: 120 });
  fake.identity.updateApp(SYNC_APP.clientId, { certificates: [registered.cert] });
  folder = mkdtempSync(join(tmpdir(), 'dirbridge-graph-cert-'));
  writeFileSync(join(folder, 'ca.pem'), fake.caCert);
  for (const [name, pair] of [
    ['app', registered],
    ['stranger', stranger],
  ] as const) {
    writeFileSync(join(folder, `${name}.crt`), pair.cert);
    writeFileSync(join(folder, `${name}.key`), pair.key);
  }
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
    certificate: { cert: join(folder, 'app.crt'), key: join(folder, 'app.key') },
    authorityUrl: fake.url,
    graphUrl: fake.url,
    tls: { ca: join(folder, 'ca.pem') },
    ...overrides,
  });
}

function replicaOf(graph: GraphSource): ReplicaEngine {
  return graphReplica(graph, { defaultCountry: 'US' });
}

/** The client assertion of the last token request, decoded. */
function lastAssertion(): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  form: URLSearchParams;
} {
  const request = fake.requests.to(/\/oauth2\/v2\.0\/token$/).at(-1)!;
  const form = new URLSearchParams(request.body);
  const [header, claims] = form
    .get('client_assertion')!
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
  return { header: header!, claims: claims!, form };
}

describe('graph source with a certificate', () => {
  it('gets a token with a signed client assertion and loads the replica', async () => {
    const graph = source();
    try {
      const engine = replicaOf(graph);
      await engine.sync(signal);
      expect(engine.size).toBe(fake.directory.users.size);
      const { header, claims, form } = lastAssertion();
      expect(form.get('client_secret')).toBeNull();
      expect(form.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
      expect(header['x5t#S256']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(claims).toMatchObject({ aud: fake.tokenUrl(), iss: SYNC_APP.clientId, sub: SYNC_APP.clientId });
      expect((claims.exp as number) - (claims.nbf as number)).toBe(600);
      const report = await graph.check();
      expect(report.steps.find((step) => step.step === 'token')?.ok).toBe(true);
    } finally {
      await graph.close();
    }
  });

  it('signs a fresh assertion for each token request', async () => {
    const graph = source();
    try {
      await graph.check();
      const first = lastAssertion().claims.jti;
      fake.tokens.expireAll();
      await graph.check();
      expect(lastAssertion().claims.jti).not.toBe(first);
    } finally {
      await graph.close();
    }
  });

  it('fails check with a sentence naming `certificate` when the app does not hold the certificate', async () => {
    const graph = source({
      certificate: { cert: join(folder, 'stranger.crt'), key: join(folder, 'stranger.key') },
    });
    try {
      const report = await graph.check();
      expect(report.ok).toBe(false);
      const token = report.steps.find((step) => step.step === 'token');
      expect(token?.detail).toMatch(/^Entra ID refused the token \(AADSTS700027\): .*`certificate/);
      expect(token?.detail).not.toMatch(/Trace ID|Correlation ID/);
    } finally {
      await graph.close();
    }
  });

  it('refuses a key that is not the certificate’s, and an unreadable file, naming the setting', () => {
    expect(() =>
      source({ certificate: { cert: join(folder, 'app.crt'), key: join(folder, 'stranger.key') } }),
    ).toThrow(/certificate: key is not the private key of cert/);
    expect(() =>
      source({ certificate: { cert: join(folder, 'missing.crt'), key: join(folder, 'app.key') } }),
    ).toThrow(/certificate\.cert: cannot read .*missing\.crt/);
  });

  it('is a source error to give both a secret and a certificate, or neither', () => {
    expect(() => source({ clientSecret: SYNC_APP.clientSecret })).toThrow(SourceError);
    expect(() => source({ clientSecret: SYNC_APP.clientSecret })).toThrow(
      /exactly one of `clientSecret` and `certificate`/,
    );
    expect(() => source({ certificate: undefined })).toThrow(
      /exactly one of `clientSecret` and `certificate`/,
    );
  });
});

describe('certificate in the config file', () => {
  function write(lines: readonly string[]): string {
    const file = join(folder, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      [
        'sources:',
        '  - name: m365',
        '    type: graph',
        `    tenant: ${fake.tenantId}`,
        `    clientId: ${SYNC_APP.clientId}`,
        ...lines,
        '',
      ].join('\n'),
    );
    return file;
  }

  it('reads cert and key paths from the config file’s folder, and a key from a file: secret as PEM text', async () => {
    const byPath = await loadTestConfig(write(['    certificate: { cert: app.crt, key: app.key }']));
    expect(byPath.sources[0]).toMatchObject({
      certificate: { cert: join(folder, 'app.crt'), key: join(folder, 'app.key') },
    });
    const bySecret = await loadTestConfig(write(['    certificate: { cert: app.crt, key: "file:app.key" }']));
    const loaded = bySecret.sources[0] as unknown as { certificate: { key: string } };
    expect(loaded.certificate.key).toBe(registered.key.replace(/[\r\n]+$/, ''));
    const graph = createGraphSource({
      ...bySecret.sources[0]!,
      authorityUrl: fake.url,
      graphUrl: fake.url,
      tls: { ca: join(folder, 'ca.pem') },
    });
    try {
      expect((await graph.check()).steps.find((step) => step.step === 'token')?.ok).toBe(true);
    } finally {
      await graph.close();
    }
  });

  it.each([
    ['both', ['    clientSecret: s3cret', '    certificate: { cert: app.crt, key: app.key }']],
    ['neither', []],
  ])('is a config error with %s, naming clientSecret and certificate', async (_, lines) => {
    const error = await loadTestConfig(write(lines)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe(
      'must be configured with exactly one of `clientSecret` and `certificate`',
    );
  });

  it('needs signOnClientId for signOn: ropc with a certificate', () => {
    expect(() => source({ signOn: 'ropc', upnSuffixes: ['contoso.com'] })).toThrow(/signOnClientId/);
  });
});
